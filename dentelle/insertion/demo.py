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

Without a plan (tests), a few lots are created and the estimator alone decides the clause. The lots and
their hours: demo_lots.py; the holders: demo_holders.py; beneficiaries and declarations:
demo_declarations.py; this module creates the contracts and accepts a few pipeline proposals.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dentelle.accounts.demo import demo_organisation
from dentelle.accounts.models import User
from dentelle.insertion.demo_declarations import create_declarations
from dentelle.insertion.demo_holders import Holders
from dentelle.insertion.demo_lots import PREFIX, demo_lots, estimator_hours, scanner_hours
from dentelle.insertion.models import AnnualObjective, Contract
from dentelle.insertion.progress import month_add
from dentelle.purchases.models import Finding, FindingStatus
from dentelle.rules import family_for_cpv
from dentelle.rules.services import rules_for

SEED = 170_000
OBJECTIVE = Decimal("170000")
MIN_CLAUSE_HOURS = 300  # lots below this get no clause in the demo (the only sourced floor is 150 h)
NO_CONTRACT_REFERENCES = ("DESR-2027-AUB-CAMPUS", "DL-2027-NETTOYAGE-LYCEES")  # announced for next year


def load_insertion_demo(stdout):
    organisation = demo_organisation()
    if Contract.objects.filter(organisation=organisation, reference__startswith=PREFIX).exists():
        stdout.write("  Suivi des clauses : démonstration déjà chargée.")
        return
    with transaction.atomic():
        _generate(organisation, stdout)


def _generate(organisation, stdout, today=None):
    rng = random.Random(SEED)
    today = today or timezone.localdate()
    year = today.year
    AnnualObjective.objects.update_or_create(
        organisation=organisation, year=year, defaults={"hours": OBJECTIVE}
    )
    facilitator = User.objects.filter(username="facilitatrice").first()
    rules = rules_for(organisation)
    lots = demo_lots(organisation)
    scanned = scanner_hours(lots)
    holders = Holders(rng)
    this_month = today.replace(day=1)
    plans, skipped = [], {"no_clause": 0, "next_year_operation": 0, "no_holder": 0}
    for n, lot in enumerate(lots):
        if n % 4 == 3:  # one lot in four is not awarded yet: it stays in the pipeline
            continue
        hours = scanned.get(lot.pk) if scanned else estimator_hours(lot, rules)
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
            start = month_add(launch.replace(day=1), -duration)
        else:
            start = month_add(this_month, -rng.randint(1, duration - 1))
            end = month_add(start, duration) - timedelta(days=1)
        if start > this_month:
            start = month_add(this_month, -1)
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
    declarations, beneficiaries = create_declarations(rng, organisation, contracts, today, facilitator)
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
