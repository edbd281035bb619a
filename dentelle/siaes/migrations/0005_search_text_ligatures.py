"""Search text folds œ, æ and ß now (« Cœur » → « coeur », it was « cur »): recompute it where they occur."""

from functools import reduce
from operator import or_

from django.db import migrations
from django.db.models import Q

from dentelle.core.text import plain_words

LETTERS = ("œ", "Œ", "æ", "Æ", "ß")


def recompute(apps, schema_editor):
    Siae = apps.get_model("siaes", "Siae")
    touched = reduce(or_, (Q(**{f"{field}__contains": c}) for field in ("name", "brand", "city") for c in LETTERS))
    rows = list(Siae.objects.filter(touched).only("pk", "name", "brand", "city", "search_text"))
    for row in rows:
        # The model's compute_search_text, which a historical model does not carry.
        row.search_text = plain_words(f"{row.name} {row.brand} {row.city}")[:600]
    Siae.objects.bulk_update(rows, ["search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("siaes", "0004_directory_version")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
