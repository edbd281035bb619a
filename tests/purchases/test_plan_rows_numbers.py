"""The number columns of a lot row (``plan_rows._LOT_NUMBERS``): each read into its LotData attribute when
the file has it, left at its default when it has not, a bad value a row error in the user's words (no
database)."""

from decimal import Decimal

from dentelle.core.importing import ImportReport
from dentelle.purchases.plan_rows import rows_to_plan

HEADER = [
    "Objet",
    "Montant HT",
    "Montant annuel",
    "Durée (mois)",
    "Heures d'insertion",
    "Nombre de sites",
    "Heures mensuelles reprises",
]


def lots(header, *rows):
    report = ImportReport()
    plan = rows_to_plan(header, rows, report)
    return [lot for operation in plan.operations for lot in operation.lots], report


def test_every_number_column_is_read():
    [lot], report = lots(HEADER, ["Nettoyage", "1 200 000", "300000", "48", "2 400", "12", "151,5"])
    assert not report.problems
    assert lot.amount == Decimal("1200000")
    assert lot.annual_amount == Decimal("300000")
    assert lot.duration_months == 48
    assert lot.clause_hours == 2400
    assert lot.sites_count == 12
    assert lot.transferred_staff_monthly_hours == Decimal("151.5")


def test_absent_columns_keep_the_defaults():
    [lot], report = lots(["Objet"], ["Nettoyage"])
    assert not report.problems
    assert (lot.amount, lot.annual_amount, lot.duration_months) == (None, None, None)
    assert (lot.clause_hours, lot.sites_count, lot.transferred_staff_monthly_hours) == (None, None, None)


def test_a_bad_number_is_a_row_error_in_the_user_column():
    [lot], report = lots(HEADER, ["Nettoyage", "beaucoup", "", "", "", "-3", ""])
    assert lot.amount is None and lot.sites_count is None
    assert [(p.line, p.column) for p in report.errors] == [(2, "Montant HT"), (2, "Nombre de sites")]
