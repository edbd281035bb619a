"""What every reference-data loader shares: finding files, reading CSV safely, upserting rows.

A bad file never produces a traceback: structural problems (missing file, unreadable encoding,
missing columns) raise ``ReferenceFileError`` with the file, line and problem in French; bad rows are
recorded in the import report with their line and column, and the whole load is rolled back.
"""

import csv
import hashlib
from pathlib import Path

from django.db.models import ProtectedError

from dentelle.core import tabular
from dentelle.core.importing import ImportReport

BATCH_SIZE = 2000


class ReferenceFileError(Exception):
    """A reference file cannot be read at all. ``str()`` is the message shown to the user."""

    def __init__(self, path, reason, line=None):
        self.path, self.reason, self.line = Path(path), reason, line
        where = f", ligne {line}" if line else ""
        super().__init__(f"Fichier {self.path}{where} : {reason}")


def file_report_error(report: ImportReport, path, line, column, reason):
    """Record a blocking row error and remember which file it came from."""
    report.error(line, column, reason)
    report.problems[-1].file = Path(path).name


def file_report_warning(report: ImportReport, path, line, column, reason):
    report.warning(line, column, reason)
    report.problems[-1].file = Path(path).name


def checksum(paths):
    """Short SHA-256 of the files' contents, in order (the version recorded for --if-changed)."""
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()[:16]


def read_text(path):
    """Whole file as text (UTF-8, BOM tolerated); French error naming the line if it is not UTF-8."""
    path = Path(path)
    if not path.is_file():
        raise ReferenceFileError(path, "fichier introuvable")
    try:
        return tabular.decode(path.read_bytes(), path.name, tabular.UTF8)
    except tabular.TabularError as exc:
        if exc.line is None:  # NUL bytes: the message already says what is wrong
            raise ReferenceFileError(path, str(exc).split(" : ", 1)[-1]) from None
        raise ReferenceFileError(path, "encodage illisible (UTF-8 attendu)", exc.line) from None


def read_header(path):
    """Column names of a CSV file (used to detect which layout a file follows)."""
    text = read_text(path)
    first = text.split("\n", 1)[0]
    return [name.strip() for name in next(csv.reader([first], delimiter=tabular.sniff_delimiter(first)), [])]


def read_csv(path, required_columns):
    """Yield ``(line_number, row)`` with stripped values; check the header first.

    The delimiter (comma or semicolon) is detected from the header line, so the official INSEE
    files and our shared files read the same way.
    """
    path = Path(path)
    text = read_text(path)
    if not text.strip():
        raise ReferenceFileError(path, "fichier vide")
    reader = tabular.csv_reader(text, tabular.sniff_delimiter(text.split("\n", 1)[0]), strict=True)
    try:
        header = [name.strip() for name in next(reader)]
        missing = [name for name in required_columns if name not in header]
        if missing:
            raise ReferenceFileError(path, f"colonne(s) manquante(s) : {', '.join(missing)}", 1)
        width = len(header)
        for row in reader:
            line = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != width:
                raise ReferenceFileError(
                    path,
                    f"{len(row)} colonne(s) au lieu de {width} (séparateur ou guillemet en trop ?)",
                    line,
                )
            yield line, {name: value.strip() for name, value in zip(header, row, strict=True)}
    except csv.Error as exc:
        raise ReferenceFileError(path, f"CSV mal formé ({exc})", reader.line_num) from None


def upsert(model, objects, key, fields):
    """Insert or update ``objects`` by primary key, in batches; return how many were written."""
    if objects:
        model.objects.bulk_create(
            objects, batch_size=BATCH_SIZE, update_conflicts=True, unique_fields=[key], update_fields=fields
        )
    return len(objects)


def delete_missing(model, keep_keys, report, label):
    """Remove rows absent from the new file; rows still used elsewhere are kept, with a warning."""
    stale = sorted(set(model.objects.values_list("pk", flat=True)) - set(keep_keys))
    removed = 0
    for start in range(0, len(stale), 500):
        chunk = stale[start : start + 500]
        try:
            removed += model.objects.filter(pk__in=chunk).delete()[1].get(model._meta.label, 0)
        except ProtectedError:
            report.warning(
                None, "", f"{label} : {len(chunk)} ligne(s) absente(s) du fichier mais encore utilisée(s)"
            )
    if removed:
        report.count(f"{label} supprimés (absents du fichier)", removed)
    return removed
