"""The steps of `dentelle demo`, in order. Each app writes its own step; this top layer lists them.

A step is a callable ``step(stdout)``; it must be idempotent and fast when already done.
"""

from django.db import connection, transaction

from dentelle.accounts.demo import demo_organisation, load_demo_organisation
from dentelle.decp.repair import ALTERED, DAMAGE, REPAIRED, repair_text
from dentelle.insertion.demo import load_insertion_demo
from dentelle.purchases.demo import PLAN_NAME, load_demo_plan
from dentelle.purchases.models import Lot, Operation
from dentelle.referentials.demo import load_referentials
from dentelle.rules.demo import load_demo_overrides
from dentelle.siaes.demo import link_demo_siae_member, load_demo_siaes


def refresh_planner_statistics(stdout):
    """The demo has just written tens of thousands of rows: PostgreSQL plans its joins on stale row
    counts until autovacuum passes (the dashboard's pipeline query took 11 ms instead of 3.5 ms)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        stdout.write("  Statistiques du planificateur PostgreSQL mises à jour (ANALYZE).")


def repair_demo_text(stdout):
    """The demo plan replays DECP rows, some from the AIFE feed whose accents were lost at the source
    (« March� »): repair their titles as the DECP readers do, and say so in the operation's description."""
    mine = {"plan__organisation": demo_organisation(), "plan__name": PLAN_NAME}  # the demo plan only

    notes = {
        REPAIRED: "Texte réparé : accents perdus à la source (DECP AIFE 2019), restitués par le lexique.",
        ALTERED: "Texte altéré à la source : accents perdus dans la DECP AIFE 2019, certains mots restent illisibles.",
    }
    operations = lots = 0
    with transaction.atomic():
        for operation in Operation.objects.filter(title__contains=DAMAGE, **mine):
            fixed = repair_text(operation.title)
            if fixed.text == operation.title:
                continue  # already repaired as far as it safely can be
            operation.title = fixed.text[:500]
            note = notes.get(fixed.flag, "")
            if note and note not in operation.description:
                operation.description = f"{operation.description}\n{note}".strip()
            operation.save(update_fields=["title", "description", "updated_at"])
            operations += 1
        lot_filter = {f"operation__{k}": v for k, v in mine.items()}
        for lot in Lot.objects.filter(title__contains=DAMAGE, **lot_filter).select_related("operation"):
            fixed = repair_text(lot.title)
            if fixed.text == lot.title:
                continue
            lot.title = fixed.text[:500]
            lot.save(update_fields=["title", "updated_at"])
            note = notes.get(fixed.flag, "")
            if note and note not in lot.operation.description:
                lot.operation.description = f"{lot.operation.description}\n{note}".strip()
                lot.operation.save(update_fields=["description", "updated_at"])
            lots += 1
    left = Lot.objects.filter(title__contains=DAMAGE, **lot_filter).count()
    stdout.write(
        f"  Texte DECP de la démonstration : {operations} opérations et {lots} lots réparés "
        f"({left} lots gardent des mots illisibles, signalés « {ALTERED} »)."
    )


DEMO_STEPS = [
    load_referentials,
    load_demo_organisation,
    load_demo_siaes,
    link_demo_siae_member,
    load_demo_overrides,
    load_demo_plan,
    repair_demo_text,
    load_insertion_demo,
    refresh_planner_statistics,
]
