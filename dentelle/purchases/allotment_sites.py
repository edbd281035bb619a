"""Stored sites of multi-site contracts and the fine allotment of a stored lot (Django side).

- sites in: site rows (``sitefile.SiteRow``, from a CSV/JSON file, the « sites » sheet of a plan
  workbook or the API) saved on an operation and its lot;
- proposal: the lot's sites through ``allotment_supply.propose`` (the one path of the CLI, the API,
  the lot page and R4), with the lot's own defaults (``lot_limits``);
- acceptance: the lot becomes the first territorial lot, the others are created beside it with their
  sites, amount and measure (reservation or clause hours), like the carve-out creates its lot.
"""

import math
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from dentelle.core.formatting import format_number, format_share
from dentelle.purchases.allotment_lots import CLAUSE, RESERVED, baseline_limits, distances_km
from dentelle.purchases.models import Finding, FindingKind, Lot, PlaceKind, ReservationKind, Site
from dentelle.rules.services import rules_for

GREEN_SPACES = "77310000"
CENTS = Decimal("0.01")
# The lot page and R4 solve within this (the CLI and the API take their own limit).
PAGE_TIME_LIMIT = 5.0
SCAN_TIME_LIMIT = 5.0


def site_from_row(operation, row, lot=None):
    return Site(
        operation=operation,
        lot=lot,
        name=row.name[:300],
        address=(row.address or "")[:300],
        commune_code=row.commune_code or "",
        commune_name=(row.commune_name or "")[:100],
        department=(row.department or "")[:3],
        latitude=row.latitude,
        longitude=row.longitude,
        amount=None if row.amount is None else Decimal(str(row.amount)).quantize(CENTS),
        weight=row.weight,
        group=(row.group or "")[:80],
    )


@transaction.atomic
def replace_lot_sites(lot, rows):
    """The lot's sites become ``rows`` (its former sites are removed); ``sites_count`` follows."""
    Site.objects.filter(lot=lot).delete()
    sites = Site.objects.bulk_create([site_from_row(lot.operation, row, lot) for row in rows])
    lot.sites_count = len(sites) or None
    lot.save(update_fields=["sites_count", "updated_at"])
    return sites


def import_site_rows(rows, operations, report):
    """Save the rows of a plan's « sites » sheet. ``operations``: {reference: Operation} just imported.

    A site names its operation (« opération ») unless the plan has one; its lot (« lot ») unless the
    operation has one. The sites of every operation named are replaced (a new import is the truth)."""
    by_lot = {}
    for row in rows:
        reference = row.operation or (next(iter(operations)) if len(operations) == 1 else "")
        operation = operations.get(reference)
        if operation is None:
            report.error(
                row.line,
                "sites : opération",
                f"opération « {row.operation} » absente de la programmation importée"
                if row.operation
                else "référence de l'opération manquante (plusieurs opérations dans le fichier).",
            )
            continue
        lots = list(operation.lots.all())
        lot = next((lot for lot in lots if lot.number == row.lot), None)
        if lot is None and not row.lot and len(lots) == 1:
            lot = lots[0]
        if lot is None:
            report.error(
                row.line,
                "sites : lot",
                f"lot « {row.lot} » inconnu dans l'opération {operation.reference}"
                if row.lot
                else f"numéro de lot manquant : l'opération {operation.reference} a plusieurs lots.",
            )
            continue
        by_lot.setdefault(lot.pk, (lot, []))[1].append(row)
    for lot, lot_rows in by_lot.values():
        replace_lot_sites(lot, lot_rows)
        report.count("sites enregistrés", len(lot_rows))


def lot_annual_amount(lot):
    """The lot's amount per year: its annual amount, else its estimate spread over its duration."""
    if lot.annual_amount:
        return float(lot.annual_amount)
    if not lot.estimated_amount:
        return None
    months = lot.duration_months or lot.operation.duration_months
    return (
        float(lot.estimated_amount) * 12 / months if months and months > 12 else float(lot.estimated_amount)
    )


def lot_limits(sites, **given):
    """The officer's limits with the lot's defaults: the split by department's own figures
    (``baseline_limits``), so that the split is one of the solutions and the optimiser's lots are never
    worse than it; the page's time limit."""
    limits = {**baseline_limits(sites), "time_limit": PAGE_TIME_LIMIT}
    limits.update({k: v for k, v in given.items() if v is not None})
    return limits


def allot_lot(lot, rules=None, **given):
    """(params, sites, structures, optimiser proposal, department split) of a stored lot's sites."""
    # lazy: allotment_supply loads HiGHS (highspy, 0.26 s of imports); not needed at start-up
    from dentelle.purchases.allotment_supply import propose, solver_sites

    rows = list(lot.sites.order_by("id"))
    limits = lot_limits(solver_sites(rows, lot_annual_amount(lot)), **given)
    if rules is None:
        rules = rules_for(lot.operation.buyer_service.organisation)
    return propose(
        rows,
        lot.cpv_code or GREEN_SPACES,
        amount=lot_annual_amount(lot),
        region_code=lot.region_code or "11",
        rules=rules,
        lot=lot,
        **limits,
    )


def params_dict(params):
    return {
        "min_lots": params.min_lots,
        "max_lots": params.max_lots,
        "min_lot_amount": params.min_lot_amount,
        "max_lot_amount": None if math.isinf(params.max_lot_amount) else params.max_lot_amount,
        "max_km": None if math.isinf(params.max_km) else params.max_km,
        "same_unit": params.same_unit,
        "radius_km": params.radius_km,
        "min_able": params.min_able,
        "time_limit": params.time_limit,
    }


def proposal_dict(params, structures, best, base):
    """What a finding or the page keeps of a proposal: both methods, their figures and the sites of
    each lot (site ids), the limits used; « after » is the short list the finding cards show."""
    return {
        "method": "optimiseur",
        "params": params_dict(params),
        "able_structures": len(structures),
        "optimiser": best.as_dict(params),
        "baseline": base.as_dict(params),
        "before": {"label": "Lot unique", "amount": str(round(sum(lot.amount for lot in best.lots), 2))},
        "after": [
            {"label": lot.label, "amount": str(round(lot.amount, 2)), "able_structures": lot.able}
            for lot in best.lots
        ],
    }


def _cents(value):
    return Decimal(str(value)).quantize(CENTS, rounding=ROUND_HALF_UP)


def _communes(sites, limit=4):
    names = sorted({s.commune_name or s.department for s in sites if s.commune_name or s.department})
    more = f" et {len(names) - limit} autres" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


@transaction.atomic
def create_allotted_lots(lot, optimiser, hours_per_euro=None):
    """Split ``lot`` as ``optimiser`` (the « optimiser » part of a proposal dict) says: the lot keeps
    the first territorial lot, the others are created in its operation. Each gets its sites, its share
    of the estimated amount, its departments and its measure. Returns the lots, first one included.

    ``ValidationError`` (French) when the lot's sites changed since the proposal was made."""
    lot = Lot.objects.select_for_update().select_related("operation").get(pk=lot.pk)
    if lot.territorial_split:
        raise ValidationError(
            "Ce lot est déjà issu d'un découpage accepté : modifiez ses sites ou ceux des lots voisins."
        )
    parts = optimiser.get("lots") or []
    if optimiser.get("error") or len(parts) < 2:
        raise ValidationError("Cette proposition ne découpe pas le lot : rien à créer.")
    sites = {str(s.pk): s for s in lot.sites.all()}
    wanted = [key for part in parts for key in part["sites"]]
    if sorted(wanted) != sorted(sites) or len(set(wanted)) != len(wanted):
        raise ValidationError(
            "Les sites du lot ont changé depuis cette proposition : recalculez-la avant de l'accepter."
        )
    total = sum(float(part["amount"]) for part in parts) or 1.0
    operation = lot.operation
    numbers = set(operation.lots.values_list("number", flat=True))
    estimated = lot.estimated_amount
    annual = lot.annual_amount
    staff = lot.transferred_staff_monthly_hours
    split = [
        {"label": part["label"], "amount": part["amount"], "sites": len(part["sites"])} for part in parts
    ]
    shares = [float(part["amount"]) / total for part in parts]
    amounts = [_cents(float(estimated) * share) for share in shares] if estimated is not None else None
    if amounts:
        amounts[0] += estimated - sum(amounts, Decimal("0"))  # rounding drift on the kept lot
    created = []
    title = lot.title  # the kept lot's title changes in the loop; every lot is named from the original
    for k, part in enumerate(parts):
        members = [sites[key] for key in part["sites"]]
        if k == 0:
            target = lot
        else:
            number = f"{lot.number}.{k + 1}"[:20]
            while number in numbers:
                number += "b"
            numbers.add(number)
            target = Lot(
                operation=operation,
                number=number,
                cpv_code=lot.cpv_code,
                additional_cpv_codes=lot.additional_cpv_codes,
                duration_months=lot.duration_months,
                region_code=lot.region_code,
                procedure=lot.procedure,
            )
        departments = sorted({s.department for s in members if s.department})
        target.title = f"{title} — secteur {k + 1} ({_communes(members)})"[:500]
        target.estimated_amount = amounts[k] if amounts else None
        target.annual_amount = _cents(float(annual) * shares[k]) if annual is not None else None
        # The staff to take over is shared like the amount (the kept lot no longer carries all of it).
        target.transferred_staff_monthly_hours = _cents(float(staff) * shares[k]) if staff else None
        target.place_text = f"{len(members)} sites : {_communes(members)}"[:300]
        target.department_codes = departments
        if len(departments) == 1:
            target.place_kind, target.place_code = PlaceKind.DEPARTMENT, departments[0]
        else:
            target.place_kind, target.place_code = PlaceKind.REGION, lot.region_code or "11"
        target.sites_count = len(members)
        target.territorial_split = split
        if part["measure"] == RESERVED:
            target.reservation_kind = ReservationKind.SIAE
            target.clause_hours = None
        elif part["measure"] == CLAUSE and target.estimated_amount is not None and hours_per_euro:
            target.clause_hours = round(float(target.estimated_amount) * hours_per_euro)
        target.save()
        Site.objects.filter(pk__in=[s.pk for s in members]).update(lot=target)
        created.append(target)
    return created


def site_table(sites, lots=None):
    """Rows of the page's and the export's site table: site, commune, amount, lot, distance to its
    lot's centre (when ``lots`` — the optimiser's lot dicts — are given)."""
    lot_of, centre_of = {}, {}
    for part in lots or []:
        for key in part["sites"]:
            lot_of[key] = part["label"]
            centre_of[key] = part["centre"]
    rows = []
    for s in sites:
        key = str(s.pk)
        centre = centre_of.get(key)
        km = (
            float(distances_km([s.latitude], [s.longitude], [centre[0]], [centre[1]])[0, 0])
            if centre
            else None
        )
        rows.append(
            {
                "pk": s.pk,
                "name": s.name,
                "commune": s.commune_name,
                "commune_code": s.commune_code,
                "address": s.address,
                "latitude": s.latitude,
                "longitude": s.longitude,
                "department": s.department,
                "amount": None if s.amount is None else float(s.amount),
                "weight": s.weight,
                "group": s.group,
                "lot": lot_of.get(key, ""),
                "km": km,
            }
        )
    return rows


def accept_allotment(lot, proposal, user):
    """Accept ``proposal`` (a ``proposal_dict``) for ``lot`` through its R4 finding, as an officer
    accepts any finding: the finding keeps the proposal accepted, the lots are created. Returns them."""
    # lazy: cycle, purchases.services imports this module (through allotment_scan)
    from dentelle.purchases.services import accept_finding

    fig = proposal["optimiser"]["figures"]
    limits = proposal["params"]
    reasons = [
        "Découpage calculé sur la page du lot avec les limites de l'acheteur : "
        f"{limits['min_lots']} à {limits['max_lots']} lots, distance maximale "
        + (f"{format_number(limits['max_km'], 1)} km" if limits["max_km"] else "libre")
        + ".",
        f"{fig['lots']} lots, {fig['reserved_lots']} réservables aux SIAE ({format_share(fig['reserved_share'])} "
        f"du montant), site le plus loin à {format_number(fig['max_km'], 1)} km du centre de son lot.",
    ]
    with transaction.atomic():
        finding = lot.findings.filter(rule_id="R4-allotment", subject="").first()
        if finding is None:
            finding = Finding(lot=lot, rule_id="R4-allotment", subject="")
        finding.kind = FindingKind.ALLOTMENT
        finding.legal_basis = "CCP L2113-10 (allotissement) ; L2113-11 ; L2113-13 (réservation des lots)"
        finding.reasons = reasons
        finding.proposal = proposal
        finding.is_current = True
        finding.save()
        accept_finding(finding, user)
        return list(Lot.objects.filter(pk__in=finding.proposal["created_lots"]).order_by("pk"))
