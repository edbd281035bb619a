"""Read a purchase plan for batch matching (`dentelle match plan`).

The one plan reader (``purchases.planfile``: CSV, XLSX, JSON, its column aliases and its limits) reads
the file; each lot becomes the ``LotDescription`` the matching ranks structures for.
"""

from pathlib import Path

from django.core.management.base import CommandError

from dentelle.matching.description import LotDescription
from dentelle.purchases.plan_data import PlanFileError
from dentelle.purchases.planfile import read_plan_file


def _float(value):
    return float(value) if value is not None else None


def lot_facts(operation, lot):
    """``LotDescription`` of one lot of a parsed plan (``plan_data.LotData`` in its ``OperationData``)."""
    title = lot.title if lot.title == operation.title else f"{operation.title} — {lot.title}"
    return LotDescription(
        cpv_codes=[c for c in [lot.cpv, *lot.additional_cpv] if c],
        amount=_float(lot.amount),
        annual_amount=_float(lot.annual_amount),
        duration_months=lot.duration_months or operation.duration_months,
        place_kind=lot.place_kind_hint if lot.place_code else "",
        place_code=lot.place_code,
        place_text=lot.place,
        nature=operation.nature or "services",
        reservation_kind=lot.reservation_kind,
        text=title,
    )


def read_plan(path):
    """[(line number, LotDescription)] of a plan file. A row the reader refuses (an unreadable amount, a bad CPV
    code) is left out or read without that value, as the import would; a file with no lot at all raises
    ``CommandError`` with the reader's first problems (French)."""
    if not Path(path).exists():
        raise CommandError(f"Fichier introuvable : {path}")
    try:
        plan, report = read_plan_file(str(path))
    except PlanFileError as error:
        raise CommandError(str(error)) from None
    lots = [
        (lot.line or 0, lot_facts(operation, lot)) for operation in plan.operations for lot in operation.lots
    ]
    if not lots:
        problems = "; ".join(str(problem) for problem in report.errors[:3]) or "aucune ligne de lot"
        raise CommandError(
            f"{Path(path).name} : en-têtes attendus introuvables ou aucun lot lisible : {problems}"
        )
    return lots
