"""Demo step, the people and their hours: beneficiaries of each contract's team (pseudonymised, seeded)
and their monthly hour declarations, from the contract's start, following its monthly volume (delivery
between 80 and 105 %) and never above 105 % of the required hours."""

from decimal import Decimal

from django.utils import timezone

from dentelle.insertion.enums import (
    AgeBand,
    ClauseCategory,
    DeclarationStatus,
    EmploymentContractType,
    ExitOutcome,
    FulfilmentMode,
    IaeCriterion,
)
from dentelle.insertion.models import Beneficiary, HoursDeclaration
from dentelle.insertion.progress import month_add
from dentelle.insertion.totals import refresh_realised

HOURS_PER_PERSON_MONTH = 110
DERIVED_CATEGORIES = {
    ClauseCategory.YOUTH_LOW_QUALIFICATION,
    ClauseCategory.QPV_RESIDENT,
}  # follow age and QPV
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


FIXED_TERM_TYPES = [t for t in EmploymentContractType.values if t != EmploymentContractType.CDI]


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
    # Hired for the market: the work contract covers every month the person's hours are declared for
    # (no hours after its end), and a fixed-term one — a CDI has no end date.
    start, end = contract.start_date, contract.end_date
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
        employment_contract_type=rng.choice(FIXED_TERM_TYPES),
        contract_start=start,
        contract_end=end,
        exit_outcome=outcome if end < today else ExitOutcome.ONGOING,
        exited_on=end if end < today else None,
    )


def create_declarations(rng, organisation, contracts, today, facilitator):
    last_month = month_add(today.replace(day=1), -1)  # declarations arrive the month after
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
            month = month_add(month, 1)
    for person in people:
        person.save()  # save() derives the department and contract duration
    HoursDeclaration.objects.bulk_create(rows, batch_size=2000)
    refresh_realised()  # bulk_create sends no signal
    return len(rows), len(people)
