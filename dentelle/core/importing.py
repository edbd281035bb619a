"""What every import shares: dry-run by default, one transaction on --wet-run, a row report.

An importer is a function ``run(report, **options)`` that reads its source, validates each row,
records problems with ``report.error(line, column, reason)`` and writes through the ORM. The
command wraps it in a transaction that is rolled back unless ``--wet-run`` is given *and* the
report holds no blocking error, so a bad file never leaves half its rows behind.
"""

import logging
import time
from dataclasses import dataclass, field

from django.core.management.base import CommandError
from django.db import transaction

from dentelle.core.commands import DentelleCommand, add_wet_run, warn_simulation
from dentelle.core.logs import kv
from dentelle.core.numbers import NumberError, parse_integer, parse_number

logger = logging.getLogger("dentelle.import")


@dataclass
class RowProblem:
    line: int | None
    column: str
    reason: str
    blocking: bool = True

    def __str__(self):
        where = f"ligne {self.line}" if self.line else "fichier"
        col = f", colonne « {self.column} »" if self.column else ""
        kind = "erreur" if self.blocking else "avertissement"
        return f"{where}{col} : {self.reason} ({kind})"


@dataclass
class ImportReport:
    source: str = ""
    problems: list[RowProblem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    rows: int | None = (
        None  # rows read from the source, when the importer or its caller knows them (log line)
    )

    def error(self, line, column, reason):
        self.problems.append(RowProblem(line, column, reason, blocking=True))

    def warning(self, line, column, reason):
        self.problems.append(RowProblem(line, column, reason, blocking=False))

    def number(self, line, column, value, bound, *, integer=False, truncate=False):
        """``value`` parsed within ``bound`` (``core.numbers``); None and a row error if it is not.

        ``integer``: an int (``truncate``: decimals dropped rather than refused).
        """
        try:
            if integer:
                return parse_integer(value, bound, truncate=truncate)
            return parse_number(value, bound)
        except NumberError as exc:
            self.error(line, column, exc.reason)
            return None

    def count(self, key, n=1):
        self.counts[key] = self.counts.get(key, 0) + n

    @property
    def errors(self):
        return [p for p in self.problems if p.blocking]

    @property
    def warnings(self):
        return [p for p in self.problems if not p.blocking]

    @property
    def ok(self):
        return not self.errors

    def as_dict(self):
        return {
            "source": self.source,
            "counts": self.counts,
            "errors": [vars(p) for p in self.errors],
            "warnings": [vars(p) for p in self.warnings],
        }


class DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def run_import(importer, *, wet_run, report=None, strict=True, **options):
    """Run ``importer(report, **options)`` in one transaction; commit only on a clean wet run.

    ``strict``: any blocking error cancels the whole import (the default). Returns the report
    and whether the changes were committed.
    """
    report = report or ImportReport()
    committed = False
    started = time.monotonic()
    name = getattr(importer, "__module__", "?") + "." + getattr(importer, "__qualname__", "?")
    try:
        with transaction.atomic():
            importer(report, **options)
            if not wet_run or (strict and not report.ok):
                raise DryRun
            committed = True
    except DryRun:
        pass
    except Exception:  # boundary: whatever the importer raised is logged once, then goes on up
        logger.exception(
            kv(event="import", importer=name, source=_source(report), wet_run=wet_run, status="failed")
        )
        raise
    logger.info(
        kv(
            event="import",
            importer=name,
            source=_source(report),
            rows="?" if report.rows is None else report.rows,
            wet_run=wet_run,
            committed=committed,
            errors=len(report.errors),
            warnings=len(report.warnings),
            counts=";".join(f"{key}={value}" for key, value in sorted(report.counts.items())) or None,
            seconds=f"{time.monotonic() - started:.2f}",
        )
    )
    return report, committed


def _source(report):
    """The source's file name (never its full path), or what the importer reads ("API")."""
    return str(report.source).replace("\\", "/").rsplit("/", 1)[-1] or None


class ImportCommand(DentelleCommand):
    """Base for import commands: adds --wet-run and prints the report in French."""

    max_listed_problems = 200

    def add_arguments(self, parser):
        add_wet_run(parser)

    def print_report(self, report, committed, wet_run):
        for key, value in sorted(report.counts.items()):
            self.stdout.write(f"  {key} : {value}")
        for problem in report.problems[: self.max_listed_problems]:
            self.stdout.write(f"  - {problem}")
        hidden = len(report.problems) - self.max_listed_problems
        if hidden > 0:
            self.stdout.write(f"  … et {hidden} autres signalements.")
        if committed:
            self.stdout.write(self.style.SUCCESS("Import enregistré."))
        elif wet_run:
            raise CommandError(
                f"Import annulé : {len(report.errors)} erreur(s) bloquante(s). La base n'a pas été modifiée."
            )
        else:
            warn_simulation(self, "importer")
