"""Demo step, the lots: which lots of the demo organisation can get a contract with a clause, and the
hours required (the scanner's current findings; without a plan, a few fallback lots and the estimator)."""

from dentelle.accounts.models import BuyerService
from dentelle.purchases.models import Finding, Lot, Nature, Operation
from dentelle.rules import family_for_cpv
from dentelle.rules.hours import estimate_for_family

PREFIX = "DEMO-INS-"  # references of the demo's contracts and of its fallback operations
FALLBACK_LOTS = [
    ("DL", "Nettoyage des lycées du Val-de-Marne", "90919200", 2_400_000, "94"),
    ("DL", "Entretien des espaces verts des lycées de Seine-Saint-Denis", "77310000", 900_000, "93"),
    ("DL", "Peinture intérieure de lycées parisiens", "45442100", 1_800_000, "75"),
    ("DESR", "Plantations du campus d'Aubervilliers", "77310000", 350_000, "93"),
    ("DESR", "Maçonnerie du campus d'Aubervilliers", "45262500", 6_500_000, "93"),
    ("DPMG", "Nettoyage du siège de Saint-Ouen", "90919200", 1_500_000, "93"),
    ("DPMG", "Déménagement et manutention des services", "98392000", 600_000, "93"),
    ("DPMG", "Maintenance des bâtiments régionaux", "50700000", 3_000_000, "92"),
    ("DT", "Entretien des abords des gares routières", "77310000", 700_000, "77"),
    ("DT", "Travaux de voirie des pôles d'échanges", "45233000", 8_000_000, "91"),
    ("DFP", "Restauration des centres de formation", "55523100", 1_200_000, "95"),
    ("DFP", "Nettoyage des centres de formation", "90919200", 800_000, "78"),
]
CLAUSE_KINDS = ("social_clause", "mandatory_condition", "new_sector")


def demo_lots(organisation):
    """The organisation's lots with an amount, or the fallback lots created for the demo."""

    lots = list(
        Lot.objects.filter(operation__buyer_service__organisation=organisation, estimated_amount__gt=0)
        .select_related("operation__buyer_service")
        .order_by("pk")
    )
    return lots or _create_fallback_lots(organisation)


def _create_fallback_lots(organisation):
    lots = []
    for n, (code, title, cpv, amount, dept) in enumerate(FALLBACK_LOTS, start=1):
        service = BuyerService.objects.get(organisation=organisation, code=code)
        operation, _ = Operation.objects.get_or_create(
            plan=None,
            buyer_service=service,
            reference=f"{PREFIX}{n:02d}",
            defaults={"title": title, "nature": Nature.WORKS if cpv.startswith("45") else Nature.SERVICES},
        )
        lot, _ = Lot.objects.get_or_create(
            operation=operation,
            number="1",
            defaults={
                "title": title,
                "cpv_code": cpv,
                "estimated_amount": amount,
                "department_codes": [dept],
            },
        )
        lots.append(lot)
    return lots


def scanner_hours(lots):
    """{lot pk: hours} from the scanner's current findings that carry an estimate (clause proposed)."""

    hours = {}
    rows = Finding.objects.filter(
        lot__in=lots, is_current=True, kind__in=CLAUSE_KINDS, estimated_hours__gt=0
    ).values_list("lot_id", "estimated_hours")
    for lot_id, value in rows:
        hours[lot_id] = max(hours.get(lot_id, 0), value)
    return hours


def estimator_hours(lot, rules):
    """Fallback lots (no scan): the estimator's hours when it advises a clause, else None."""

    family = family_for_cpv(lot.cpv_code, rules) if lot.cpv_code else None
    if family is None or not lot.estimated_amount:
        return None
    estimate = estimate_for_family(lot.estimated_amount, family, lot.duration_months)
    return estimate.hours if estimate.clause_advised and estimate.hours else None
