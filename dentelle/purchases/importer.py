"""Write a parsed plan (``planfile.PlanData``) into the database, idempotently.

Operations are keyed by (service, reference), lots by (operation, number), line items by
(operation, reference): re-importing updates them in place, so findings and decisions survive.
"""

from datetime import date
from pathlib import Path

from dentelle.accounts.models import BuyerService, Organisation
from dentelle.purchases.models import LineItem, Lot, Operation, PlaceKind, Procedure, PurchasePlan
from dentelle.purchases.places import resolve_lot_place

PROCEDURE_WORDS = [
    ("petits lots", Procedure.ADAPTED_SMALL_LOT),
    ("insertion", Procedure.INSERTION_MARKET),
    ("adapt", Procedure.ADAPTED),
    ("mapa", Procedure.ADAPTED),
    ("appel d'offres", Procedure.FORMALISED),
    ("négoci", Procedure.FORMALISED),
    ("dialogue", Procedure.FORMALISED),
    ("sans publicité", Procedure.NO_PROCEDURE),
]


def procedure_of(text):
    lowered = (text or "").lower()
    if lowered in Procedure.values:
        return lowered
    return next((value for word, value in PROCEDURE_WORDS if word in lowered), "")


def find_organisation(name):
    if not name:
        return None
    return Organisation.objects.filter(name__iexact=name).first()


def find_service(organisation, text, report, line, default=None, create=True, writable=None, preview=False):
    """The buyer service a row names, looked up in ``organisation`` only.

    ``writable``: the services the importing user may write (None: all of the organisation, e.g. the
    CLI); a row naming another one is a row error. ``create``: whether an unknown service may be
    created (a warning says so; ``preview`` only announces it). Returns None after reporting an error.
    """
    text = (text or "").strip()
    if not text:
        return default
    service = (
        BuyerService.objects.filter(organisation=organisation, code__iexact=text).first()
        or BuyerService.objects.filter(organisation=organisation, name__iexact=text).first()
    )
    if service is not None:
        if writable is not None and not writable.filter(pk=service.pk).exists():
            report.error(
                line,
                "direction/service",
                f"service « {text} » : votre rôle ne permet pas d'écrire dans la programmation de ce service.",
            )
            return None
        return service
    if not create:
        report.error(
            line,
            "direction/service",
            f"service « {text} » inconnu dans {organisation} : seuls la direction et les chargés des achats "
            "peuvent créer un service ; corriger la colonne ou choisir un service existant.",
        )
        return None
    if preview:
        report.warning(
            line,
            "direction/service",
            f"service « {text} » inconnu : il sera créé dans {organisation} à la confirmation de l'import.",
        )
        return None
    service = BuyerService.objects.create(organisation=organisation, name=text[:200], code=text[:40])
    report.warning(line, "direction/service", f"service « {text} » inconnu : créé dans {organisation}.")
    report.count("services créés")
    return service


def check_services(report, *, plan_data, organisation, writable=None, create=True):
    """Preview: report, without writing, the rows whose service is out of reach or would be created."""
    announced = set()
    for operation_data in plan_data.operations:
        text = (operation_data.service or "").strip()
        if not text or text.lower() in announced:
            continue
        announced.add(text.lower())
        first_line = operation_data.lots[0].line if operation_data.lots else None
        find_service(organisation, text, report, first_line, create=create, writable=writable, preview=True)


def import_plan(
    report,
    *,
    plan_data,
    organisation,
    service=None,
    plan_name="",
    year=None,
    source_file="",
    writable=None,
    create_services=True,
):
    """Importer for ``run_import``: writes ``plan_data``; reports problems on ``report``.

    ``writable`` (services the user may write, None = all of ``organisation``) and ``create_services``
    bound what a file may touch: see ``find_service``."""
    year = year or plan_data.year or date.today().year + 1
    name = plan_name or plan_data.name or Path(source_file).stem or f"Programmation {year}"
    fields = {"year": year, "source_file": Path(source_file).name}
    plan, created = PurchasePlan.objects.get_or_create(organisation=organisation, name=name, defaults=fields)
    shared = writable is not None and plan.operations.exclude(buyer_service__in=writable).exists()
    if not created and not shared:  # a plan holding other services' operations keeps its year and file
        for field, value in fields.items():
            setattr(plan, field, value)
        plan.save()
    place_cache = {}
    imported = {}
    for operation_data in plan_data.operations:
        first_line = operation_data.lots[0].line if operation_data.lots else None
        named = (operation_data.service or "").strip()
        buyer_service = find_service(
            organisation,
            named,
            report,
            first_line,
            default=service,
            create=create_services,
            writable=writable,
        )
        if buyer_service is None:
            if not named:
                report.error(
                    first_line, "direction/service", "service acheteur absent (colonne ou option --service)."
                )
            continue
        if buyer_service.organisation_id != organisation.pk or (
            writable is not None and not writable.filter(pk=buyer_service.pk).exists()
        ):
            report.error(
                first_line,
                "direction/service",
                "votre rôle ne permet pas d'écrire dans la programmation de ce service.",
            )
            continue
        if not operation_data.nature:
            report.error(
                first_line, "nature", "nature inconnue (travaux, services, fournitures) et CPV absent."
            )
            continue
        operation, created = Operation.objects.update_or_create(
            buyer_service=buyer_service,
            reference=operation_data.reference[:80],
            defaults={
                "plan": plan,
                "title": operation_data.title[:500],
                "description": operation_data.description,
                "nature": operation_data.nature,
                "estimated_amount": operation_data.amount,
                "duration_months": operation_data.duration_months,
                "renewals": operation_data.renewals,
                "planned_launch_date": operation_data.launch_date,
                "places_text": operation_data.places[:500],
            },
        )
        report.count("opérations créées" if created else "opérations mises à jour")
        imported[operation.reference] = operation
        for lot_data in operation_data.lots:
            _save_lot(operation, lot_data, place_cache, report)
        for item in operation_data.line_items:
            LineItem.objects.update_or_create(
                operation=operation,
                reference=item.reference[:40],
                defaults={"description": item.description[:500], "cpv_code": item.cpv, "amount": item.amount},
            )
            report.count("lignes d'estimation")
    if plan_data.site_records:
        _import_sites(plan_data.site_records, imported, report)
    return plan


def _import_sites(records, operations, report):
    """The « sites » sheet: rows checked like a site file (line, column, reason), then saved."""
    from dentelle.purchases.allotment_sites import import_site_rows
    from dentelle.purchases.allotment_supply import resolver
    from dentelle.purchases.sitefile import rows_from_records

    errors = len(report.errors)
    rows = rows_from_records(records, report, resolver())
    for problem in report.errors[errors:]:
        problem.column = f"sites : {problem.column}"
    import_site_rows(rows, operations, report)


def known_cpv_codes():
    """The CPV 2008 codes of the referential, or None when it is not loaded (then nothing is checked)."""
    try:
        from dentelle.referentials.index import get_index

        codes = get_index().cpv_codes
    except Exception:  # referentials not loaded: cannot check
        return None
    return codes or None


def _known_cpv(code):
    codes = known_cpv_codes()
    return codes is None or code in codes


def drop_unknown_cpv(plan_data, report):
    """Clear CPV codes absent from the referential (test records such as « 12345678 »), with a warning."""
    codes = known_cpv_codes()
    if codes is None:
        return 0
    cleared = 0
    for operation in plan_data.operations:
        for lot in operation.lots:
            if lot.cpv and lot.cpv not in codes:
                report.warning(
                    lot.line, "code CPV", f"code CPV {lot.cpv} inconnu du référentiel CPV 2008 : ignoré."
                )
                lot.cpv = ""
                cleared += 1
    return cleared


def preview_warnings(plan_data, report):
    """The row checks the import makes while saving, made before it (upload preview, dry runs):
    unknown CPV codes are cleared with a warning, operations without a nature and unrecognised
    places are reported, so the preview shows what the import will say. Nothing is written."""
    drop_unknown_cpv(plan_data, report)
    place_cache = {}
    for operation_data in plan_data.operations:
        if not operation_data.nature:
            first_line = operation_data.lots[0].line if operation_data.lots else None
            report.error(
                first_line, "nature", "nature inconnue (travaux, services, fournitures) et CPV absent."
            )
        for lot_data in operation_data.lots:
            key = (lot_data.place, lot_data.place_code, lot_data.place_kind_hint)
            if not lot_data.place:
                continue
            if key not in place_cache:
                place_cache[key] = resolve_lot_place(*key)
            if not place_cache[key].kind:
                report.warning(lot_data.line, "lieu d'exécution", f"lieu « {lot_data.place} » non reconnu.")


def _save_lot(operation, lot_data, place_cache, report):
    if lot_data.cpv and not _known_cpv(lot_data.cpv):
        report.warning(
            lot_data.line, "code CPV", f"code CPV {lot_data.cpv} inconnu du référentiel CPV 2008 : ignoré."
        )
        lot_data.cpv = ""
    key = (lot_data.place, lot_data.place_code, lot_data.place_kind_hint)
    place = place_cache.get(key)
    if place is None:
        place = place_cache[key] = resolve_lot_place(*key)
    if lot_data.place and not place.kind:
        report.warning(lot_data.line, "lieu d'exécution", f"lieu « {lot_data.place} » non reconnu.")
    defaults = {
        "title": lot_data.title[:500],
        "cpv_code": lot_data.cpv,
        "additional_cpv_codes": lot_data.additional_cpv,
        "estimated_amount": lot_data.amount,
        "annual_amount": lot_data.annual_amount,
        "duration_months": lot_data.duration_months,
        "place_text": lot_data.place[:300],
        "place_kind": place.kind if place.kind in PlaceKind.values else "",
        "place_code": place.code[:12],
        "department_codes": place.department_codes,
        "region_code": place.region_code,
        "sites_count": lot_data.sites_count,
        "procedure": procedure_of(lot_data.procedure),
        "transferred_staff_monthly_hours": lot_data.transferred_staff_monthly_hours,
    }
    # Planned measures from the file only fill in; they never erase a decision taken in Dentelle.
    planned = {
        "clause_hours": lot_data.clause_hours,
        "reservation_kind": lot_data.reservation_kind,
        "social_award_criterion": lot_data.social_award_criterion or None,
        "insertion_market": lot_data.insertion_market or None,
    }
    lot, created = Lot.objects.get_or_create(
        operation=operation, number=lot_data.number[:20], defaults=defaults
    )
    if not created:
        for name, value in defaults.items():
            setattr(lot, name, value)
    for name, value in planned.items():
        if value:
            setattr(lot, name, value)
    lot.save()
    report.count("lots")
    if lot_data.cpv_suggestion and not lot_data.cpv:
        report.count("CPV à confirmer")
    return lot
