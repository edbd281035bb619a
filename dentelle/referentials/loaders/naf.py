"""NAF rév. 2 loader (`naf/naf_rev2_niveaux.csv`: niveau, code, libelle, code_parent)."""

from pathlib import Path

from dentelle.referentials.loaders.base import (
    ReferenceFileError,
    checksum,
    delete_missing,
    file_report_error,
    read_csv,
    upsert,
)
from dentelle.referentials.models import NafCode

COLUMNS = ["niveau", "code", "libelle", "code_parent"]
LEVELS = {"section", "division", "groupe", "classe", "sous-classe"}


def find_files(data_dir):
    data_dir = Path(data_dir)
    for folder in (data_dir / "naf", data_dir):
        if (folder / "naf_rev2_niveaux.csv").is_file():
            return [folder / "naf_rev2_niveaux.csv"]
    raise ReferenceFileError(data_dir / "naf" / "naf_rev2_niveaux.csv", "fichier introuvable")


def version(files):
    return f"NAF rév. 2 · {checksum(files)}"


def load(files, report):
    path = files[0]
    nodes = {}
    for line, row in read_csv(path, COLUMNS):
        code = row["code"]
        if not code or len(code) > 8 or code in nodes:
            file_report_error(report, path, line, "code", f"code NAF invalide ou en double ({code!r})")
            continue
        if row["niveau"] not in LEVELS:
            file_report_error(report, path, line, "niveau", f"niveau inconnu ({row['niveau']!r})")
            continue
        if not row["libelle"]:
            file_report_error(report, path, line, "libelle", "libellé manquant")
            continue
        nodes[code] = (row["niveau"], row["libelle"][:300], row["code_parent"] or None, line)
    for level, _label, parent, line in nodes.values():
        if parent and parent not in nodes:
            file_report_error(report, path, line, "code_parent", f"code parent inconnu ({parent!r})")
        elif not parent and level != "section":
            file_report_error(report, path, line, "code_parent", "code parent manquant")
    if not report.ok:
        return
    objects = [
        NafCode(code=code, level=level, label=label, parent_id=parent)
        for code, (level, label, parent, _line) in nodes.items()
    ]
    report.count("codes NAF", upsert(NafCode, objects, "code", ["level", "label", "parent"]))
    delete_missing(NafCode, nodes.keys(), report, "codes NAF")
