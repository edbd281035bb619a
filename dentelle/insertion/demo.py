"""Demo step: a year of contracts and hour declarations, generated deterministically (seeded).

Contracts come from the demo plan's lots (the purchases demo step runs before this one); without a
plan, a few lots are created here. Required hours come from the plan (clause hours) or the
estimator, then are scaled so the year's commitments sit near the Region's objective (170,000 h):
the demo shows an organisation at the Region's scale, not a real one.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dentelle.accounts.demo import demo_organisation
from dentelle.accounts.models import BuyerService, User
from dentelle.insertion.enums import (
    AgeBand,
    ClauseCategory,
    DeclarationStatus,
    EmploymentContractType,
    ExitOutcome,
    FulfilmentMode,
    IaeCriterion,
)
from dentelle.insertion.models import AnnualObjective, Beneficiary, Contract, HoursDeclaration
from dentelle.insertion.totals import refresh_realised

SEED = 170_000
OBJECTIVE = Decimal("170000")
TARGET_COMMITTED = 158_000  # committed hours in the year, before delivery: a little short of the objective
PREFIX = "DEMO-INS-"
MIN_CLAUSE_HOURS = 300  # lots below this get no clause in the demo (the only sourced floor is 150 h)
HOURS_PER_PERSON_MONTH = 110
DERIVED_CATEGORIES = {
    ClauseCategory.YOUTH_LOW_QUALIFICATION,
    ClauseCategory.QPV_RESIDENT,
}  # follow age and QPV
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
MODES_BY_FAMILY = {
    "cleaning": [FulfilmentMode.DIRECT_HIRE, FulfilmentMode.STAFF_PROVISION, FulfilmentMode.SUBCONTRACTING],
    "green_spaces": [
        FulfilmentMode.SUBCONTRACTING,
        FulfilmentMode.CO_CONTRACTING,
        FulfilmentMode.STAFF_PROVISION,
    ],
}
DEFAULT_MODES = [
    FulfilmentMode.DIRECT_HIRE,
    FulfilmentMode.STAFF_PROVISION,
    FulfilmentMode.STAFF_PROVISION,
    FulfilmentMode.SUBCONTRACTING,
    FulfilmentMode.TRAINING,
]
HOLDERS = [
    "Propreté Francilienne",
    "Bâtir Ensemble",
    "Jardins de l'Est",
    "Peintures Modernes",
    "Maintenance Services IDF",
    "Routes et Réseaux",
    "Restauration Collective Île-de-France",
    "Déménageurs Solidaires",
]


def siret_from(rng):
    """A random SIRET that passes the Luhn check (demo data only)."""
    digits = [rng.randrange(10) for _ in range(13)]
    for check in range(10):
        candidate = digits + [check]
        total = 0
        for i, d in enumerate(reversed(candidate)):
            d = d * 2 if i % 2 else d
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return "".join(map(str, candidate))
    raise AssertionError("unreachable")


def _lots(organisation):
    from dentelle.purchases.models import Lot

    lots = list(
        Lot.objects.filter(operation__buyer_service__organisation=organisation, estimated_amount__gt=0)
        .select_related("operation__buyer_service")
        .order_by("pk")
    )
    return lots or _create_fallback_lots(organisation)


def _create_fallback_lots(organisation):
    from dentelle.purchases.models import Lot, Nature, Operation

    lots = []
    for n, (code, title, cpv, amount, dept) in enumerate(FALLBACK_LOTS, start=1):
        service = BuyerService.objects.get(organisation=organisation, code=code)
        operation, _ = Operation.objects.get_or_create(
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


def _lot_hours(lot):
    from dentelle.insertion.views import lot_hours

    hours, _ = lot_hours(lot)
    # No estimate possible (unknown trade parameters): 1 h per €1,000, enough for a demo.
    return hours or float(lot.estimated_amount) / 1000


def _month_add(day, months):
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def load_insertion_demo(stdout):
    organisation = demo_organisation()
    if Contract.objects.filter(organisation=organisation, reference__startswith=PREFIX).exists():
        stdout.write("  Suivi des clauses : démonstration déjà chargée.")
        return
    with transaction.atomic():
        _generate(organisation, stdout)


def _generate(organisation, stdout, today=None):
    from dentelle.rules import family_for_cpv

    rng = random.Random(SEED)
    today = today or timezone.localdate()
    year = today.year
    AnnualObjective.objects.update_or_create(
        organisation=organisation, year=year, defaults={"hours": OBJECTIVE}
    )
    facilitator = User.objects.filter(username="facilitatrice").first()
    lots = _lots(organisation)
    plans = []
    for n, lot in enumerate(lots):
        if n % 4 == 3:  # one lot in four is not awarded yet: it stays in the pipeline
            continue
        duration = lot.duration_months or rng.choice([12, 24, 36, 48])
        start = _month_add(date(year, 1, 1), rng.randint(-18, 5))
        end = _month_add(start, duration) - timedelta(days=1)
        if end < date(year, 1, 1):
            end = _month_add(date(year, 1, 1), rng.randint(6, 30)) - timedelta(days=1)
        hours = _lot_hours(lot)
        if hours < MIN_CLAUSE_HOURS:  # nobody writes a clause for a few dozen hours
            continue
        family = family_for_cpv(lot.cpv_code) if lot.cpv_code else None
        plans.append((lot, start, end, hours, family.id if family else ""))
    if not plans:
        stdout.write("  Suivi des clauses : aucun lot, rien à générer.")
        return
    in_year = sum(h * _overlap_share(s, e, year) for _, s, e, h, _ in plans)
    scale = TARGET_COMMITTED / in_year if in_year else 1
    contracts = []
    for n, (lot, start, end, hours, family_id) in enumerate(plans, start=1):
        holder = HOLDERS[n % len(HOLDERS)]
        contracts.append(
            Contract.objects.create(
                organisation=organisation,
                buyer_service=lot.operation.buyer_service,
                lot=lot,
                reference=f"{PREFIX}{year}-{n:03d}",
                title=lot.title,
                project_name=lot.operation.title,
                holder_siret=siret_from(rng),
                holder_name=holder,
                signed_on=start - timedelta(days=rng.randint(20, 60)),
                start_date=start,
                end_date=end,
                amount=lot.estimated_amount,
                required_hours=Decimal(round(hours * scale)),
                reservation_kind=lot.reservation_kind,
                facilitator=facilitator,
                department_code=(getattr(lot, "department_codes", None) or [""])[0][:3],
                trade_family=family_id,
            )
        )
    declarations, beneficiaries = _declarations(rng, organisation, contracts, today, facilitator)
    accepted = _accept_pipeline_findings(organisation, [lot for n, lot in enumerate(lots) if n % 4 == 3])
    stdout.write(
        f"  Suivi des clauses : objectif {OBJECTIVE} h, {len(contracts)} marchés, {beneficiaries} bénéficiaires, "
        f"{declarations} déclarations (heures exigées × {scale:.2f} pour l'échelle régionale), "
        f"{accepted} recommandation(s) acceptée(s) en projet."
    )


def _accept_pipeline_findings(organisation, lots, limit=40):
    """Show a pipeline: accept the scanner's hour proposals on some lots not awarded yet, as the
    purchasing officer would — only when no decision was recorded at all (never overrides one)."""
    from dentelle.purchases.models import Finding, FindingStatus

    findings = Finding.objects.filter(lot__in=lots, estimated_hours__gt=0)
    if findings.exclude(status=FindingStatus.PROPOSED).exists():
        return 0
    officer = User.objects.filter(username="acheteuse-responsable").first()
    chosen, seen = [], set()
    for finding in findings.order_by("lot_id", "pk"):
        if finding.lot_id not in seen and len(seen) < limit:
            seen.add(finding.lot_id)
            chosen.append(finding.pk)
    return Finding.objects.filter(pk__in=chosen).update(
        status=FindingStatus.ACCEPTED, decided_by=officer, decided_at=timezone.now()
    )


def _overlap_share(start, end, year):
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    first = max(start.year * 12 + start.month, year * 12 + 1)
    last = min(end.year * 12 + end.month, year * 12 + 12)
    return max(0, last - first + 1) / months


def _beneficiary(rng, organisation, n, contract, today):
    young = rng.random() < 0.30
    categories = rng.sample(
        [c for c in ClauseCategory.values if c not in DERIVED_CATEGORIES], rng.randint(1, 2)
    )
    criteria = rng.sample(
        [IaeCriterion.DELD, IaeCriterion.RSA, IaeCriterion.TH, IaeCriterion.PI, IaeCriterion.ASS], 1
    )
    if young:
        categories.append(ClauseCategory.YOUTH_LOW_QUALIFICATION)
        criteria += [IaeCriterion.JEUNE, IaeCriterion.CAP_BEP]
    is_qpv = rng.random() < 0.15
    if is_qpv:
        criteria.append(IaeCriterion.QPV)
        categories.append(ClauseCategory.QPV_RESIDENT)
    start = max(contract.start_date, _month_add(date(contract.start_date.year, 1, 1), rng.randint(0, 6)))
    end = start + timedelta(days=rng.choice([61, 92, 122, 183, 365]))
    outcome = rng.choice(
        [ExitOutcome.SUSTAINABLE_JOB, ExitOutcome.TEMPORARY_JOB, ExitOutcome.TRAINING, ExitOutcome.JOB_SEARCH]
    )
    return Beneficiary(
        organisation=organisation,
        pseudonym=f"B-D{n:08X}",
        clause_categories=sorted(set(categories)),
        iae_criteria=sorted(set(criteria)),
        sex="F" if rng.random() < 0.17 else "M",
        age_band=AgeBand.UNDER_26 if young else rng.choice([AgeBand.FROM_26_TO_49, AgeBand.FROM_50]),
        is_qpv=is_qpv,
        commune_insee_code=rng.choice(
            ["93001", "93066", "94028", "75118", "92050", "77288", "91228", "95127"]
        ),
        employment_contract_type=rng.choice(list(EmploymentContractType.values)),
        contract_start=start,
        contract_end=end,
        exit_outcome=outcome if end < today else ExitOutcome.ONGOING,
        exited_on=end if end < today else None,
    )


def _declarations(rng, organisation, contracts, today, facilitator):
    year = today.year
    last_month = _month_add(today.replace(day=1), -1)  # declarations arrive the month after
    now = timezone.now()
    rows, people, counter = [], [], 0
    for contract in contracts:
        per_month = float(contract.required_hours) / contract.duration_months
        delivery = rng.uniform(0.72, 1.08)
        modes = MODES_BY_FAMILY.get(contract.trade_family, DEFAULT_MODES)
        team = []
        for _ in range(max(1, min(15, round(per_month * delivery / HOURS_PER_PERSON_MONTH)))):
            counter += 1
            team.append((_beneficiary(rng, organisation, counter, contract, today), rng.choice(modes)))
        people += [b for b, _ in team]
        month = max(contract.start_date.replace(day=1), date(year, 1, 1))
        while month <= min(last_month, contract.end_date):
            share = per_month * delivery * rng.uniform(0.8, 1.2) / len(team)
            for beneficiary, mode in team:
                status = (
                    DeclarationStatus.DRAFT
                    if month == last_month and rng.random() < 0.4
                    else DeclarationStatus.VALIDATED
                )
                rows.append(
                    HoursDeclaration(
                        contract=contract,
                        month=month,
                        fulfilment_mode=mode,
                        beneficiary=beneficiary,
                        hours=Decimal(str(round(share, 1))),
                        status=status,
                        validated_by=facilitator if status == DeclarationStatus.VALIDATED else None,
                        validated_at=now if status == DeclarationStatus.VALIDATED else None,
                        created_by=facilitator,
                    )
                )
            month = _month_add(month, 1)
    for person in people:
        person.save()  # save() derives the department and contract duration
    HoursDeclaration.objects.bulk_create(rows, batch_size=2000)
    refresh_realised()  # bulk_create sends no signal
    return len(rows), len(people)
