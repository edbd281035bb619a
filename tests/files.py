"""Small files the tests build: one helper per kind of file."""

import io

from openpyxl import Workbook


def xlsx_bytes(rows):
    """An .xlsx of one sheet holding ``rows`` (header included), as openpyxl writes it."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
