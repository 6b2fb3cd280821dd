"""Curator CSV import of the catalogue (instruments, collaboration modalities, eligibility rules):
all rows or none, every problem reported with its line, every change versioned in the ChangeLog.

The cell formats are those of the export (selectors.curation_rows): lists joined by ";", JSON
for rule parameters and call windows, the export's formula escape "'" undone."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.utils.translation import gettext as _

from loket.instruments import rules
from loket.instruments.models import (
    CollaborationModality,
    EligibilityRule,
    Funder,
    Instrument,
    Modality,
    Requirement,
    RuleKind,
    TargetGroup,
)
from loket.instruments.services.changelog import record_upsert
from loket.lib.errors import ApplicationError

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
    "spillover_counts",
    "application_steps",
    "evaluation_criteria",
    "call_windows",
]
MODALITY_FIELDS = ["instrument", "modality", "variant", "requirement", "note", "source_section"]
RULE_FIELDS = [
    "instrument",
    "position",
    "kind",
    "params",
    "is_required",
    "note",
    "source_section",
]
CSV_MAX_BYTES = 2 * 1024 * 1024
TRUE = {"1", "true", "yes", "ja", "y", "j", "waar"}
FALSE = {"0", "false", "no", "nee", "n", "onwaar"}
LISTS = {"target_groups", "themes", "application_steps", "evaluation_criteria"}
DECIMALS = {"funding_rate_min", "funding_rate_max", "amount_min", "amount_max"}
DATES = {"source_date", "valid_from", "valid_until"}


class RowError(ValueError):
    """A problem with one cell or row, worded for the curator."""


def _unescape(raw: str) -> str:
    raw = raw.strip()
    if raw.startswith("'") and raw[1:2] in {"=", "+", "-", "@", "\t", "\r"}:
        return raw[1:]  # undo the export's formula escape
    return raw


def _bool(name: str, raw: str, *, blank: bool | None) -> bool | None:
    if not raw:
        return blank
    if raw.lower() in TRUE:
        return True
    if raw.lower() in FALSE:
        return False
    raise RowError(_("%(col)s: %(value)s is not yes or no.") % {"col": name, "value": raw})


def _json(name: str, raw: str, *, blank: Any) -> Any:
    if not raw:
        return blank
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise RowError(
            _("%(col)s is not valid JSON (%(error)s).") % {"col": name, "error": exc.msg}
        ) from exc


def _choice(name: str, raw: str, allowed: list[str]) -> str:
    if raw not in allowed:
        raise RowError(
            _("%(col)s: %(value)s is not one of %(allowed)s.")
            % {"col": name, "value": raw or '""', "allowed": ", ".join(allowed)}
        )
    return raw


def _problems(messages: list[rules.Message]) -> None:
    if messages:
        raise RowError(" ".join(m.render(_) for m in messages))


def _instrument_value(name: str, raw: str, funders: dict[str, Funder]) -> Any:
    if name in LISTS:
        values = [part.strip() for part in raw.split(";") if part.strip()]
        if name == "target_groups":
            unknown = [v for v in values if v not in TargetGroup.values]
            if unknown:
                raise RowError(
                    _("target_groups: unknown %(values)s (allowed: %(allowed)s).")
                    % {"values": ", ".join(unknown), "allowed": ", ".join(TargetGroup.values)}
                )
        return values
    if name in DECIMALS:
        try:
            return Decimal(raw.replace(",", ".")) if raw else None
        except InvalidOperation as exc:
            raise RowError(
                _("%(col)s: %(value)s is not a number.") % {"col": name, "value": raw}
            ) from exc
    if name in DATES:
        try:
            return datetime.date.fromisoformat(raw) if raw else None
        except ValueError as exc:
            raise RowError(
                _("%(col)s: %(value)s is not a date (YYYY-MM-DD).") % {"col": name, "value": raw}
            ) from exc
    if name == "is_historical":
        return _bool(name, raw, blank=False)
    if name == "spillover_counts":
        return _bool(name, raw, blank=None)
    if name == "call_windows":
        windows = _json(name, raw, blank=[])
        _problems(rules.windows_problems(windows))
        return windows
    if name == "funder":
        if raw not in funders:
            raise RowError(_("unknown funder %(code)s") % {"code": raw or '""'})
        return funders[raw]
    return raw


@dataclass
class Table:
    """One importable table: its columns, its key columns, and how a row becomes an upsert."""

    name: str
    fields: list[str]
    required: list[str]
    key: list[str]
    model: type[models.Model]
    parse: Callable[[dict[str, str], list[str], dict[str, Any]], tuple[dict, dict]]
    context: Callable[[], dict[str, Any]]


def _instruments_context() -> dict[str, Any]:
    return {"funders": {f.code: f for f in Funder.objects.all()}}


def _instrument_row(row: dict[str, str], columns: list[str], ctx: dict[str, Any]):
    slug = row["slug"]
    if not slug:
        raise RowError(_("slug is empty."))
    values = {
        name: _instrument_value(name, row[name], ctx["funders"])
        for name in columns
        if name != "slug"
    }
    return {"slug": slug}, values


def _by_slug() -> dict[str, Any]:
    return {"instruments": {i.slug: i for i in Instrument.objects.all()}}


def _instrument_of(row: dict[str, str], ctx: dict[str, Any]) -> Instrument:
    instrument = ctx["instruments"].get(row["instrument"])
    if instrument is None:
        raise RowError(_("unknown instrument %(slug)s") % {"slug": row["instrument"] or '""'})
    return instrument


def _modality_row(row: dict[str, str], columns: list[str], ctx: dict[str, Any]):
    lookup = {
        "instrument": _instrument_of(row, ctx),
        "modality": _choice("modality", row["modality"], Modality.values),
        "variant": row.get("variant", ""),
    }
    values: dict[str, Any] = {}
    if "requirement" in columns:
        values["requirement"] = _choice("requirement", row["requirement"], Requirement.values)
    for name in ("note", "source_section"):
        if name in columns:
            values[name] = row[name]
    return lookup, values


def _rule_row(row: dict[str, str], columns: list[str], ctx: dict[str, Any]):
    instrument = _instrument_of(row, ctx)
    try:
        position = int(row["position"])
        if position < 0:
            raise ValueError
    except ValueError as exc:
        raise RowError(
            _("position: %(value)s is not a whole number of 0 or more.")
            % {"value": row["position"] or '""'}
        ) from exc
    values: dict[str, Any] = {"kind": _choice("kind", row["kind"], RuleKind.values)}
    params = _json("params", row.get("params", ""), blank={})
    _problems(rules.params_problems(values["kind"], params))
    values["params"] = params
    if "is_required" in columns:
        values["is_required"] = _bool("is_required", row["is_required"], blank=True)
    for name in ("note", "source_section"):
        if name in columns:
            values[name] = row[name]
    return {"instrument": instrument, "position": position}, values


TABLES = {
    "instruments": Table(
        "instruments",
        CSV_FIELDS,
        ["slug"],
        ["slug"],
        Instrument,
        _instrument_row,
        _instruments_context,
    ),
    "modalities": Table(
        "modalities",
        MODALITY_FIELDS,
        ["instrument", "modality"],
        ["instrument", "modality", "variant"],
        CollaborationModality,
        _modality_row,
        _by_slug,
    ),
    "rules": Table(
        "rules",
        RULE_FIELDS,
        ["instrument", "position", "kind"],
        ["instrument", "position"],
        EligibilityRule,
        _rule_row,
        _by_slug,
    ),
}


@dataclass
class CsvImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


class _Rollback(Exception):
    pass


def _validation_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(
            f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)


def _read(data: bytes, table: Table) -> tuple[csv.DictReader, list[str]]:
    if len(data) > CSV_MAX_BYTES:
        raise ApplicationError(_("The file is larger than 2 MB."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApplicationError(_("The file is not UTF-8 text.")) from exc
    # Spreadsheets set to Dutch write ";" between cells: take whichever the header row uses.
    first = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        columns = [(name or "").strip() for name in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise ApplicationError(_("The file is not readable as CSV: %(e)s") % {"e": exc}) from exc
    reader.fieldnames = columns
    missing = [name for name in table.required if name not in columns]
    if missing:
        raise ApplicationError(
            _("The CSV needs a header row with the columns %(cols)s.")
            % {"cols": ", ".join(table.required)}
        )
    unknown = sorted(set(columns) - set(table.fields))
    if unknown:
        raise ApplicationError(
            _("Unknown columns: %(cols)s (allowed: %(allowed)s).")
            % {"cols": ", ".join(unknown), "allowed": ", ".join(table.fields)}
        )
    if len(set(columns)) != len(columns):
        raise ApplicationError(_("A column appears twice in the header row."))
    return reader, columns


def catalogue_csv_import(*, table: str, data: bytes, user: Any) -> CsvImportReport:
    """All rows or none: any error leaves the catalogue unchanged and lists every problem with
    its line number; otherwise each created or changed row gets a ChangeLog entry (via "csv")."""
    spec = TABLES.get(table)
    if spec is None:
        raise ApplicationError(_("Unknown table %(t)s.") % {"t": table})
    reader, columns = _read(data, spec)
    ctx = spec.context()
    report = CsvImportReport()
    seen: dict[tuple, int] = {}
    try:
        with transaction.atomic():
            while True:
                try:
                    raw = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    report.errors.append(
                        _("line %(n)s: %(message)s") % {"n": reader.line_num, "message": exc}
                    )
                    break
                number = reader.line_num
                try:
                    if None in raw:
                        raise RowError(_("more cells than columns in the header."))
                    row = {name: _unescape(raw.get(name) or "") for name in columns}
                    if not any(row.values()):
                        continue
                    key = tuple(row.get(name, "") for name in spec.key)
                    if key in seen:
                        raise RowError(
                            _("the same %(key)s as line %(n)s; each may appear once.")
                            % {"key": " + ".join(spec.key), "n": seen[key]}
                        )
                    seen[key] = number
                    lookup, values = spec.parse(row, columns, ctx)
                    with transaction.atomic():
                        _obj, status = record_upsert(
                            spec.model, lookup=lookup, values=values, user=user, via="csv"
                        )
                    setattr(report, status, getattr(report, status) + 1)
                except RowError as exc:
                    report.errors.append(
                        _("line %(n)s: %(message)s") % {"n": number, "message": exc}
                    )
                except DatabaseError as exc:
                    report.errors.append(
                        _("line %(n)s: the database refused the row (%(e)s).")
                        % {"n": number, "e": exc.__class__.__name__}
                    )
                except ValidationError as exc:
                    report.errors.append(
                        _("line %(n)s: %(message)s")
                        % {"n": number, "message": _validation_text(exc)}
                    )
            if report.errors:
                raise _Rollback
    except _Rollback:
        report.created = report.updated = report.unchanged = 0
    return report


def instruments_csv_import(*, data: bytes, user: Any) -> CsvImportReport:
    return catalogue_csv_import(table="instruments", data=data, user=user)
