"""Demo step: the real directory from the shared SIAE, GEIQ and ESAT files (idempotent).

A second `make demo` is fast: a file whose fingerprint (its bytes, the NAF → CPV table, the importer
code and the loaded referentials) matches its last committed import is skipped, like the
referentials' `--if-changed`. Once one file is imported again, the following ones are too, because
the order matters (asp-ids only enriches structures that exist). Then the demo SIAE member is
attached to one structure.
"""

import hashlib
import json
import time
from pathlib import Path

from django.conf import settings
from django.utils.text import slugify

from dentelle.accounts.models import User
from dentelle.core.importing import run_import
from dentelle.referentials.models import ReferentialLoad
from dentelle.siaes import importers, naf_cpv
from dentelle.siaes.importers import import_file
from dentelle.siaes.models import ImportedFile, Network, Siae

# Lineage dates decide which value wins, whatever the order. asp-ids comes last because it only
# enriches structures that exist: after the others, one pass reaches the steady state.
DEMO_FILES = [
    ("asp", "siae/siae_asp_2019_07.csv"),
    ("lemarche", "lemarche/siaes_fixture_2020.json"),
    ("geiq", "siae/geiq_2019_11.csv"),
    ("esat", "siae/esat_finess_liste_officielle.csv"),
    ("asp-ids", "siae/siae_asp_2020_02_identifiants.csv"),
]


def load_networks(data_dir):
    """The 13 IAE and disability networks and 5 labels of Le marché (names and websites only)."""

    created = 0
    for file_name, kind in (("lemarche/networks.json", "network"), ("lemarche/labels.json", "label")):
        path = Path(data_dir) / file_name
        if not path.exists():
            continue
        for item in json.loads(path.read_text(encoding="utf-8")):
            fields = item.get("fields", {})
            slug = fields.get("slug") or slugify(fields.get("name", ""))[:100]
            _obj, was_created = Network.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": fields.get("name", slug),
                    "kind": kind,
                    "website": (fields.get("website") or "")[:200],
                },
            )
            created += was_created
    return created


def _sha256(paths):
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).read_bytes())
    return digest


def context_fingerprint():
    """What else decides an import's result: the NAF → CPV table, the importers, the referentials."""

    code = sorted(Path(importers.__file__).parent.glob("*.py"))
    digest = _sha256([naf_cpv.TABLE_PATH, *code])
    for name, version in ReferentialLoad.objects.order_by("name").values_list("name", "version"):
        digest.update(f"{name}={version};".encode())
    return digest.hexdigest()


def file_fingerprint(path, context):
    digest = _sha256([path])
    digest.update(context.encode())
    return digest.hexdigest()


def load_demo_siaes(stdout):
    data_dir = Path(settings.DENTELLE_DATA_DIR)
    context = context_fingerprint()
    # An emptied directory (flush, tests) must be imported again whatever the records say.
    reimporting = not Siae.objects.exists()
    for source, relative in DEMO_FILES:
        path = data_dir / relative
        if not path.exists():
            stdout.write(f"    fichier absent, étape ignorée : {path}")
            continue
        fingerprint = file_fingerprint(path, context)
        known = ImportedFile.objects.filter(source=source, path=relative, fingerprint=fingerprint).exists()
        if known and not reimporting:
            stdout.write(f"    {relative} : inchangé depuis le dernier import, ignoré")
            continue
        reimporting = True
        started = time.perf_counter()
        report, committed = run_import(import_file, wet_run=True, strict=False, source=source, path=str(path))
        changes = report.counts.get("modifications", 0)
        status = "enregistré" if committed else "annulé"
        if committed:
            ImportedFile.objects.update_or_create(
                source=source, path=relative, defaults={"fingerprint": fingerprint, "changes": changes}
            )
        stdout.write(
            f"    {relative} : {changes} modification(s), {len(report.errors)} ligne(s) écartée(s), "
            f"{len(report.warnings)} avertissement(s) — {status} ({time.perf_counter() - started:.1f} s)"
        )
    created = load_networks(data_dir)
    if created:
        stdout.write(f"    réseaux et labels ajoutés : {created}")


def link_demo_siae_member(stdout):
    """Attach the demo SIAE member to one structure (after the SIAE import): without it the role has
    nothing to edit and the demo cannot show "an SIAE member edits only its own structure"."""
    member = User.objects.filter(username="membre-siae", siae__isnull=True).first()
    if member is None:
        return
    siae = Siae.objects.filter(is_active=True, region_code="11").order_by("siret").first()
    if siae is None:
        stdout.write("  Aucune SIAE active en Île-de-France : le compte membre-siae reste sans structure.")
        return
    member.siae = siae
    member.save(update_fields=["siae"])
    stdout.write(f"  Compte membre-siae rattaché à « {siae.name} » ({siae.siret}).")
