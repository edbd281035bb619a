"""Helpers of the snapshot tests (syrupy): what a file says, without what changes from run to run."""

import io

from openpyxl import load_workbook
from syrupy.filters import props

# Database ids depend on the sequences (not rolled back on PostgreSQL): never in a snapshot.
WITHOUT_IDS = props("id")


def xlsx_rows(content):
    """Every sheet of an XLSX file as {title: [row values, ...]}, as a reader of the file sees it."""
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    try:
        return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook}
    finally:
        workbook.close()
