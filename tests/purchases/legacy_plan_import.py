"""The plan importer as it was before the bulk writes (commit b2789ca), unchanged but for its name: the
reference that test_import_bulk_same_result.py compares the bulk importer with."""

from pathlib import Path

from dentelle.purchases.importer import known_cpv_codes
from dentelle.purchases.models import LineItem, Lot, Operation, PlaceKind, PurchasePlan
from dentelle.purchases.places import resolve_lot_place
from dentelle.purchases.plan_services import find_service
from dentelle.purchases.plan_writer import procedure_of


def legacy_import_plan(
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
    from datetime import date

    year = year or plan_data.year or date.today().year + 1
    name = plan_name or plan_data.name or Path(source_file).stem or f"Programmation {year}"
    fields = {"year": year, "source_file": Path(source_file).name}
    plan, created = PurchasePlan.objects.get_or_create(organisation=organisation, name=name, defaults=fields)
    shared = writable is not None and plan.operations.exclude(buyer_service__in=writable).exists()
    if not created and not shared:
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
            plan=plan,
            buyer_service=buyer_service,
            reference=operation_data.reference[:80],
            defaults={
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
            _legacy_save_lot(operation, lot_data, place_cache, report)
        for item in operation_data.line_items:
            LineItem.objects.update_or_create(
                operation=operation,
                reference=item.reference[:40],
                defaults={"description": item.description[:500], "cpv_code": item.cpv, "amount": item.amount},
            )
            report.count("lignes d'estimation")
    if plan_data.site_records:
        from dentelle.purchases.allotment_sites import import_site_rows
        from dentelle.purchases.allotment_supply import resolver
        from dentelle.purchases.sitefile import rows_from_records

        errors = len(report.errors)
        rows = rows_from_records(plan_data.site_records, report, resolver())
        for problem in report.errors[errors:]:
            problem.column = f"sites : {problem.column}"
        import_site_rows(rows, imported, report)
    return plan


def _known_cpv(code):
    codes = known_cpv_codes()
    return codes is None or code in codes


def _legacy_save_lot(operation, lot_data, place_cache, report):
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
        "department_codes": list(place.department_codes),
        "region_code": place.region_code or "",
        "sites_count": lot_data.sites_count,
        "procedure": procedure_of(lot_data.procedure),
        "transferred_staff_monthly_hours": lot_data.transferred_staff_monthly_hours,
    }
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
