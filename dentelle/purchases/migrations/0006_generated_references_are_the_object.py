"""An operation read from a file without a reference was keyed « service|objet » (shown as such on the plan
page); it is now keyed by its object alone (operations are already one per plan and service). Stored keys are
rewritten, so that re-importing the same file updates those operations instead of adding new ones."""

from django.db import migrations

REFERENCE_LENGTH = 80


def generated(reference, title):
    """Whether ``reference`` is the former « service|objet » key of an operation named ``title``."""
    prefix, bar, rest = reference.partition("|")
    return bool(bar and prefix and rest) and reference == f"{prefix}|{title}"[:REFERENCE_LENGTH]


def forward(apps, schema_editor):
    Operation = apps.get_model("purchases", "Operation")
    taken = set(Operation.objects.values_list("plan_id", "buyer_service_id", "reference"))
    for operation in Operation.objects.filter(reference__contains="|").only(
        "plan_id", "buyer_service_id", "reference", "title"
    ):
        if not generated(operation.reference, operation.title):
            continue
        key = (operation.plan_id, operation.buyer_service_id, operation.title[:REFERENCE_LENGTH])
        if key in taken:  # the object is already another operation's reference: keep the old key
            continue
        taken.add(key)
        Operation.objects.filter(pk=operation.pk).update(reference=key[2])


class Migration(migrations.Migration):
    dependencies = [("purchases", "0005_operation_reference_per_plan")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
