"""CSV and XLSX downloads with formula injection neutralised (RELIABILITY.md: cells starting
= + - @ tab CR). openpyxl stores any string starting with "=" as a formula, so XLSX text cells get
the same "'" prefix as CSV cells and are written with the string type; numbers and dates stay
numbers and dates."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")

Sheet = tuple[str, Sequence[str], Iterable[Sequence[Any]]]


def csv_safe(value: Any) -> str:
    text = "" if value is None else str(value)
    if text.startswith(DANGEROUS_PREFIXES):
        return "'" + text
    return text


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_safe(h) for h in header])
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    return _attachment(response, filename)


def xlsx_value(value: Any) -> Any:
    """Numbers, dates and booleans as themselves; everything else as escaped text."""
    if value is None:
        return None
    if isinstance(value, bool | int | float | Decimal | datetime.date):
        return value
    return csv_safe(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def xlsx_bytes(*, sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        for row in [header, *rows]:
            cells = []
            for raw in row:
                value = xlsx_value(raw)
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(*, filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(sheets=sheets), content_type=XLSX_CONTENT_TYPE)
    return _attachment(response, filename)


def table_response(
    *,
    fmt: str,
    stem: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    title: str = "data",
) -> HttpResponse:
    """One table as CSV or XLSX (fmt is "csv" or "xlsx")."""
    if fmt == "xlsx":
        return xlsx_response(filename=f"{stem}.xlsx", sheets=[(title, header, list(rows))])
    return csv_response(filename=f"{stem}.csv", header=header, rows=rows)
