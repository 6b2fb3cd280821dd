"""Curator CSV import of the catalogue: all rows or none, every change versioned."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from loket.instruments.models import (
    Funder,
    Instrument,
)
from loket.instruments.services.changelog import (
    _upsert,
)
from loket.lib.errors import ApplicationError

# --- curator CSV --------------------------------------------------------------------------------

CSV_FIELDS = [
    "slug",
    "name",
    "short_name",
    "funder",
    "level",
    "category",
    "summary",
    "target_groups",
    "themes",
    "funding_rate_min",
    "funding_rate_max",
    "amount_min",
    "amount_max",
    "website",
    "source_document",
    "source_section",
    "source_url",
    "source_date",
    "valid_from",
    "valid_until",
    "is_historical",
]
CSV_MAX_BYTES = 2 * 1024 * 1024


def _parse_csv_value(name: str, raw: str) -> Any:
    raw = raw.strip()
    if raw.startswith("'") and raw[1:2] in {"=", "+", "-", "@", "\t", "\r"}:
        raw = raw[1:]  # undo the export's formula escape
    if name in {"target_groups", "themes"}:
        return [part.strip() for part in raw.split(";") if part.strip()]
    if name in {"funding_rate_min", "funding_rate_max", "amount_min", "amount_max"}:
        return Decimal(raw) if raw else None
    if name in {"source_date", "valid_from", "valid_until"}:
        return datetime.date.fromisoformat(raw) if raw else None
    if name == "is_historical":
        return raw.lower() in {"1", "true", "yes", "ja"}
    return raw


@dataclass
class CsvImportReport:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def instruments_csv_import(*, data: bytes, user: Any) -> CsvImportReport:
    """All rows or none: any error leaves the catalogue unchanged and lists every problem."""
    if len(data) > CSV_MAX_BYTES:
        raise ApplicationError(_("The file is larger than 2 MB."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApplicationError(_("The file is not UTF-8 text.")) from exc
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "slug" not in reader.fieldnames:
        raise ApplicationError(_("The CSV needs a header row with at least a 'slug' column."))
    unknown = set(reader.fieldnames) - set(CSV_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Unknown columns: %(cols)s") % {"cols": ", ".join(sorted(unknown))}
        )
    funders = {f.code: f for f in Funder.objects.all()}
    report = CsvImportReport()
    try:
        with transaction.atomic():
            for number, row in enumerate(reader, start=2):
                try:
                    values = {
                        name: _parse_csv_value(name, row.get(name) or "")
                        for name in reader.fieldnames
                        if name != "slug"
                    }
                    if "funder" in values:
                        code = values.pop("funder")
                        if code not in funders:
                            raise ValueError(_("unknown funder %(code)s") % {"code": code})
                        values["funder"] = funders[code]
                    _obj, created = _upsert(
                        Instrument,
                        lookup={"slug": (row.get("slug") or "").strip()},
                        values=values,
                        user=user,
                        via="csv",
                    )
                    if created:
                        report.created += 1
                    else:
                        report.updated += 1
                except (ValueError, ValidationError, InvalidOperation) as exc:
                    message = (
                        "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                    )
                    report.errors.append(f"{_('row')} {number}: {message}")
            if report.errors:
                raise _Rollback
    except _Rollback:
        report.created = report.updated = 0
    return report


class _Rollback(Exception):
    pass
