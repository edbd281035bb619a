"""Demo step: contracts with a clause and their hour declarations, generated deterministically (seeded).

What makes it true to life:

- a contract exists only where the scanner proposed a clause on a lot of the demo plan, with the
  estimator's hours as the required volume (no scaling to reach the objective);
- the demo plan is next year's: a lot planned for next year cannot be running yet, so the contract is
  the **current** award of the same recurring need, ending the day before the planned launch (not
  linked to the planned lot, which stays in the pipeline); a one-off works operation of the plan
  announced for next year (Aubervilliers, the regional cleaning example) gets no contract;
- the holder is a structure of the directory whose trade fits the lot, through the NAF → CPV table
  (``rules/data/naf_cpv.csv``);
- declarations start with the contract and follow its monthly volume (delivery between 80 and 105 %),
  never exceeding 105 % of the required hours.

Without a plan (tests), a few lots are created here and the estimator alone decides the clause.
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


CLAUSE_KINDS = ("social_clause", "mandatory_condition", "new_sector")
NO_CONTRACT_REFERENCES = ("DESR-2027-AUB-CAMPUS", "DL-2027-NETTOYAGE-LYCEES")  # announced for next year


def _scanner_hours(lots):
    """{lot pk: hours} from the scanner's current findings that carry an estimate (clause proposed)."""
    from dentelle.purchases.models import Finding

    hours = {}
    rows = Finding.objects.filter(
        lot__in=lots, is_current=True, kind__in=CLAUSE_KINDS, estimated_hours__gt=0
    ).values_list("lot_id", "estimated_hours")
    for lot_id, value in rows:
        hours[lot_id] = max(hours.get(lot_id, 0), value)
    return hours


def _estimator_hours(lot, rules):
    """Fallback lots (no scan): the estimator's hours when it advises a clause, else None."""
    from dentelle.insertion.hours import estimate_for_family
    from dentelle.rules import family_for_cpv

    family = family_for_cpv(lot.cpv_code, rules) if lot.cpv_code else None
    if family is None or not lot.estimated_amount:
        return None
    estimate = estimate_for_family(lot.estimated_amount, family, lot.duration_months)
    return estimate.hours if estimate.clause_advised and estimate.hours else None


class Holders:
    """Structures of the directory by trade: the NAF codes whose CPV prefix fits the lot's code."""

    def __init__(self, rng):
        import csv

        from dentelle.rules.loader import DATA_DIR
        from dentelle.siaes.models import Siae

        self.rng = rng
        self.by_naf = {}
        for siret, name, naf, department in (
            Siae.objects.filter(is_active=True)
            .exclude(naf="")
            .values_list("siret", "name", "naf", "department_code")
        ):
            self.by_naf.setdefault(naf, []).append((siret, name, department))
        self.rows = []
        with open(DATA_DIR / "naf_cpv.csv", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                key = row["key"].replace(".", "")
                self.rows.append((row["cpv_prefix"], row["scope"], key))
        self._memo = {}

    def candidates(self, cpv):
        if cpv not in self._memo:
            fitting = [
                (len(prefix), scope, key) for prefix, scope, key in self.rows if cpv.startswith(prefix)
            ]
            found = []
            for length in sorted({f[0] for f in fitting}, reverse=True):  # most specific trade first
                for _, scope, key in (f for f in fitting if f[0] == length):
                    if scope == "naf":
                        found += self.by_naf.get(key, [])
                    else:  # a NAF division: every subclass of it
                        found += [s for naf, rows in self.by_naf.items() if naf.startswith(key) for s in rows]
                if found:
                    break
            self._memo[cpv] = sorted(set(found))
        return self._memo[cpv]

    def pick(self, cpv, department):
        if not self.by_naf:  # no directory loaded (tests): a labelled stand-in, never a real structure
            return (siret_from(self.rng), "Titulaire de démonstration (annuaire non chargé)", department)
        found = self.candidates(cpv or "")
        if not found:
            return None
        local = [s for s in found if s[2] == department]
        return self.rng.choice(local or found)


def _generate(organisation, stdout, today=None):
    from dentelle.rules import family_for_cpv
    from dentelle.rules.services import rules_for

    rng = random.Random(SEED)
    today = today or timezone.localdate()
    year = today.year
    AnnualObjective.objects.update_or_create(
        organisation=organisation, year=year, defaults={"hours": OBJECTIVE}
    )
    facilitator = User.objects.filter(username="facilitatrice").first()
    rules = rules_for(organisation)
    lots = _lots(organisation)
    scanned = _scanner_hours(lots)
    holders = Holders(rng)
    this_month = today.replace(day=1)
    plans, skipped = [], {"no_clause": 0, "next_year_operation": 0, "no_holder": 0}
    for n, lot in enumerate(lots):
        if n % 4 == 3:  # one lot in four is not awarded yet: it stays in the pipeline
            continue
        hours = scanned.get(lot.pk) if scanned else _estimator_hours(lot, rules)
        family = family_for_cpv(lot.cpv_code, rules) if lot.cpv_code else None
        if not hours or hours < MIN_CLAUSE_HOURS or family is None:
            skipped["no_clause"] += 1
            continue
        operation = lot.operation
        if operation.reference in NO_CONTRACT_REFERENCES:
            skipped["next_year_operation"] += 1
            continue
        department = (getattr(lot, "department_codes", None) or [""])[0][:3]
        holder = holders.pick(lot.cpv_code, department)
        if holder is None:
            skipped["no_holder"] += 1
            continue
        duration = max(6, min(48, lot.duration_months or operation.duration_months or 24))
        launch = getattr(operation, "planned_launch_date", None)
        if launch and launch > today:
            # The current award of the same need ends when the planned one starts.
            end = launch - timedelta(days=1)
            start = _month_add(launch.replace(day=1), -duration)
        else:
            start = _month_add(this_month, -rng.randint(1, duration - 1))
            end = _month_add(start, duration) - timedelta(days=1)
        if start > this_month:
            start = _month_add(this_month, -1)
        plans.append((lot, start, end, hours, family.id, department, holder))
    if not plans:
        stdout.write("  Suivi des clauses : aucun lot avec une clause proposée, rien à générer.")
        return
    contracts = []
    for n, (lot, start, end, hours, family_id, department, holder) in enumerate(plans, start=1):
        launch = getattr(lot.operation, "planned_launch_date", None)
        contracts.append(
            Contract.objects.create(
                organisation=organisation,
                buyer_service=lot.operation.buyer_service,
                lot=lot if launch is None or launch <= today else None,  # a planned lot is not awarded yet
                reference=f"{PREFIX}{year}-{n:03d}",
                title=lot.title,
                project_name=lot.operation.title,
                holder_siret=holder[0],
                holder_name=holder[1],
                signed_on=start - timedelta(days=rng.randint(20, 60)),
                start_date=start,
                end_date=end,
                amount=lot.estimated_amount,
                required_hours=Decimal(hours),
                reservation_kind=lot.reservation_kind,
                facilitator=facilitator,
                department_code=department,
                trade_family=family_id,
            )
        )
    declarations, beneficiaries = _declarations(rng, organisation, contracts, today, facilitator)
    accepted = _accept_pipeline_findings(organisation, [lot for n, lot in enumerate(lots) if n % 4 == 3])
    stdout.write(
        f"  Suivi des clauses : objectif {OBJECTIVE} h, {len(contracts)} marchés avec une clause proposée par le "
        f"balayage (heures de l'estimateur), {beneficiaries} bénéficiaires, {declarations} déclarations, "
        f"{accepted} recommandation(s) acceptée(s) en projet ; lots écartés : {skipped['no_clause']} sans "
        f"clause proposée, {skipped['next_year_operation']} d'opérations annoncées pour l'an prochain, "
        f"{skipped['no_holder']} sans structure du métier dans l'annuaire."
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
    last_month = _month_add(today.replace(day=1), -1)  # declarations arrive the month after
    now = timezone.now()
    rows, people, counter = [], [], 0
    for contract in contracts:
        required = float(contract.required_hours)
        per_month = required / contract.duration_months
        delivery = rng.uniform(0.80, 1.05)
        modes = MODES_BY_FAMILY.get(contract.trade_family, DEFAULT_MODES)
        team = []
        for _ in range(max(1, min(15, round(per_month * delivery / HOURS_PER_PERSON_MONTH)))):
            counter += 1
            team.append((_beneficiary(rng, organisation, counter, contract, today), rng.choice(modes)))
        people += [b for b, _ in team]
        month = contract.start_date.replace(day=1)  # hours start with the contract, never before
        delivered, ceiling = 0.0, required * 1.05
        while month <= min(last_month, contract.end_date):
            share = min(per_month * delivery * rng.uniform(0.9, 1.1), ceiling - delivered) / len(team)
            if share <= 0:
                break
            for beneficiary, mode in team:
                status = (
                    DeclarationStatus.DRAFT
                    if month == last_month and rng.random() < 0.4
                    else DeclarationStatus.VALIDATED
                )
                value = Decimal(str(round(share, 1)))
                delivered += float(value)
                rows.append(
                    HoursDeclaration(
                        contract=contract,
                        month=month,
                        fulfilment_mode=mode,
                        beneficiary=beneficiary,
                        hours=value,
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
