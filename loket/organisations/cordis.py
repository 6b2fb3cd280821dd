"""Read and validate CORDIS CSV files (FP7, H2020) into plain dataclasses. No Django imports.

The file layout is described in ``LOKET_DATA_DIR/cordis/README.md``. Every ``parse_*`` function
takes one ``csv.DictReader`` row and returns a dataclass or raises ``RowError`` with a reason;
``read_rows`` turns a file into (line number, parsed row) pairs and collects ``RowIssue``s for the
rows it had to skip, so one bad row never stops an import.
"""

from __future__ import annotations

import csv
import gzip
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import IO, TypeVar
from urllib.parse import urlsplit, urlunsplit

PROGRAMMES = ("H2020", "FP7")
ROLES = ("coordinator", "participant", "thirdParty", "partner")
ACTIVITY_TYPES = ("PRC", "HES", "REC", "PUB", "OTH")
# CORDIS writes the United Kingdom and Greece as UK and EL; Loket stores ISO 3166 codes.
COUNTRY_TO_ISO = {"UK": "GB", "EL": "GR"}
# The model stores amounts as DECIMAL(14, 2).
MAX_AMOUNT = Decimal("999999999999.99")
PROFILE_TEXT_LIMIT = 4000

PROJECT_COLUMNS = ("id", "title", "startDate", "endDate", "frameworkProgramme")
PARTICIPATION_COLUMNS = ("projectID", "organisationID", "role", "ecContribution")
ORGANISATION_COLUMNS = ("organisationID", "name", "activityType", "country")

_NUTS_RE = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_HOST_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_SPACES_RE = re.compile(r"\s+")
# A whole CSV field, quotes doubled inside: what some export step left in already parsed names.
_QUOTED_FIELD_RE = re.compile(r'"((?:[^"]|"")*)"')


class CordisFileError(Exception):
    """A whole file is missing or unreadable (bad gzip, missing columns)."""


class RowError(ValueError):
    """One row cannot be used; the message is the reason shown to the operator."""


@dataclass(frozen=True)
class RowIssue:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass(frozen=True)
class CordisFiles:
    organisations: Path
    projects: tuple[tuple[Path, str], ...]  # (path, programme the file's name implies)
    participations: tuple[Path, ...]


@dataclass(frozen=True)
class ProjectRow:
    cordis_id: str
    acronym: str
    title: str
    objective: str
    programme: str
    start_date: date | None
    end_date: date | None
    topics: str
    topic_description: str
    funding_scheme: str
    type_of_action: str
    thematic_priority: str
    total_cost: Decimal | None
    eu_contribution: Decimal | None
    has_participation_data: bool


@dataclass(frozen=True)
class ParticipationRow:
    project_id: str
    pic: str
    name: str
    short_name: str
    activity_type: str
    sme: bool | None
    role: str
    country: str
    nuts_code: str
    city: str
    ec_contribution: Decimal | None
    net_ec_contribution: Decimal | None
    website: str


@dataclass(frozen=True)
class OrganisationRow:
    pic: str
    name: str
    short_name: str
    activity_type: str
    country: str
    is_sme: bool | None
    nuts_code: str
    city: str
    website: str

    @classmethod
    def from_participation(cls, row: ParticipationRow) -> OrganisationRow:
        """Fallback for a PIC that organisations.csv does not list."""
        return cls(
            pic=row.pic,
            name=row.name,
            short_name=row.short_name,
            activity_type=row.activity_type,
            country=row.country,
            is_sme=row.sme,
            nuts_code=row.nuts_code,
            city=row.city,
            website=row.website,
        )


@dataclass(frozen=True)
class ProfileProject:
    """The parts of a project that go into an organisation's derived profile text."""

    title: str
    objective: str
    topic_description: str
    start_date: date | None


# --- files -----------------------------------------------------------------------------------


def _find(directory: Path, stem: str) -> Path | None:
    for name in (f"{stem}.csv.gz", f"{stem}.csv"):
        if (directory / name).is_file():
            return directory / name
    return None


def locate_files(directory: Path) -> CordisFiles:
    """The five CORDIS files in ``directory`` (each .csv.gz or .csv); CordisFileError if any lacks."""
    if not directory.is_dir():
        raise CordisFileError(f"{directory} is not a directory")
    stems = [
        "organisations",
        "h2020_projects",
        "fp7_projects",
        "h2020_participations",
        "fp7_participations",
    ]
    found = {stem: _find(directory, stem) for stem in stems}
    missing = [f"{stem}.csv.gz" for stem, path in found.items() if path is None]
    if missing:
        raise CordisFileError(
            f"{directory} lacks {', '.join(missing)} (uncompressed .csv is accepted too)"
        )
    paths = {stem: path for stem, path in found.items() if path is not None}
    return CordisFiles(
        organisations=paths["organisations"],
        projects=((paths["h2020_projects"], "H2020"), (paths["fp7_projects"], "FP7")),
        participations=(paths["h2020_participations"], paths["fp7_participations"]),
    )


def _open_text(path: Path) -> IO[str]:
    # errors="replace" keeps one bad byte from ending the file; rows holding U+FFFD are refused.
    if path.name.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8-sig", errors="replace", newline="")
    return path.open(encoding="utf-8-sig", errors="replace", newline="")


T = TypeVar("T")


def read_rows(
    path: Path,
    parse: Callable[[dict[str, str]], T],
    required_columns: Iterable[str],
    issues: list[RowIssue],
    on_row: Callable[[], None] | None = None,
) -> Iterator[tuple[int, T]]:
    """Yield (line number, parsed row); malformed rows are appended to ``issues`` and skipped.

    Line numbers are physical lines of the file (the header is line 1), so a quoted field that
    spans lines does not shift the numbers of the rows after it.
    """
    name = path.name
    try:
        with _open_text(path) as handle:
            reader = csv.DictReader(handle, restkey="\x00extra")
            header = reader.fieldnames or []
            lacking = [column for column in required_columns if column not in header]
            if lacking:
                raise CordisFileError(f"{name}: header lacks column(s) {', '.join(lacking)}")
            last_line = reader.line_num
            while True:
                try:
                    raw = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    issues.append(RowIssue(name, last_line + 1, f"unreadable CSV: {exc}"))
                    last_line = reader.line_num
                    continue
                line, last_line = last_line + 1, reader.line_num
                if on_row is not None:
                    on_row()
                try:
                    _check_shape(raw)
                    yield line, parse(raw)
                except RowError as exc:
                    issues.append(RowIssue(name, line, str(exc)))
    except (OSError, EOFError, zlib.error) as exc:
        raise CordisFileError(f"{name}: cannot be read ({exc})") from exc


def _check_shape(raw: dict) -> None:
    if "\x00extra" in raw:
        raise RowError("more fields than the header has columns")
    if any(value is None for value in raw.values()):
        raise RowError("fewer fields than the header has columns")
    if any("\ufffd" in value for value in raw.values()):
        raise RowError("invalid UTF-8")


# --- field parsers ---------------------------------------------------------------------------


def clean_text(value: str | None) -> str:
    """Collapse whitespace (some titles start with a newline); NA is R's missing value."""
    text = _SPACES_RE.sub(" ", value or "").strip()
    return "" if text == "NA" else text


def _unquote(text: str) -> str:
    for _ in range(3):  # quoted more than once
        match = _QUOTED_FIELD_RE.fullmatch(text)
        if match is None:
            break
        text = match.group(1).replace('""', '"').strip()
    return text


def clean_name(value: str | None) -> str:
    """A name without the CSV quoting an export step left in it.

    Some names arrive quoted a second time: ``"Fondacija ""PRONA"" Novi Sad"`` for
    ``Fondacija "PRONA" Novi Sad`` (the same organisation is spelt cleanly in other files);
    others carry doubled quotes without the wrapping ones, or one stray quote at either end.
    Quotes that belong to the name stay.
    """
    text = _unquote(clean_text(value))
    text = _unquote(text.replace('""', '"'))
    if text.count('"') % 2:  # one quote without its partner, at an end: left over
        if text.startswith('"'):
            text = text[1:]
        elif text.endswith('"'):
            text = text[:-1]
    return clean_text(text)


def parse_project_id(value: str) -> str:
    text = (value or "").strip()
    if not text.isdigit() or len(text) > 12:
        raise RowError(f"invalid project id {text!r}")
    return str(int(text))


def parse_pic(value: str) -> str:
    text = (value or "").strip()
    if not text.isdigit() or len(text) > 12:
        raise RowError(f"invalid organisation PIC {text!r}")
    return text


def parse_date(value: str, field: str) -> date | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RowError(f"invalid {field} {text!r} (expected YYYY-MM-DD)") from None


def parse_amount(value: str, field: str) -> Decimal | None:
    text = (value or "").strip()
    if not text or text == "NA":
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise RowError(f"invalid {field} {text!r}") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise RowError(f"{field} out of range: {text!r}")
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def parse_bool(value: str, field: str) -> bool | None:
    text = (value or "").strip().lower()
    if text in {"", "na"}:
        return None
    if text in {"true", "yes", "1"}:
        return True
    if text in {"false", "no", "0"}:
        return False
    raise RowError(f"invalid {field} {value!r} (expected true/false)")


def normalise_country(value: str) -> str:
    """ISO 3166 alpha-2; a repeated value such as 'FI;FI' collapses, mixed values are refused."""
    values = {part.strip().upper() for part in (value or "").split(";") if part.strip()}
    values.discard("NA")
    if not values:
        return ""
    if len(values) > 1 or not _COUNTRY_RE.match(next(iter(values))):
        raise RowError(f"invalid country {value!r}")
    code = values.pop()
    return COUNTRY_TO_ISO.get(code, code)


def normalise_nuts(value: str) -> str:
    text = (value or "").strip().upper()
    if text in {"", "-", "NA"}:
        return ""
    if not _NUTS_RE.match(text):
        raise RowError(f"invalid NUTS code {value!r}")
    return text


def normalise_activity_type(value: str) -> str:
    parts = {part.strip().upper() for part in (value or "").split(";") if part.strip()}
    parts.discard("NA")
    if not parts:
        return ""
    if len(parts) > 1 or next(iter(parts)) not in ACTIVITY_TYPES:
        raise RowError(f"invalid activity type {value!r}")
    return parts.pop()


def normalise_url(value: str, max_length: int = 500) -> str:
    """An http(s) URL with a plausible host name, or '' when the value cannot be one.

    'www.example.be' becomes 'https://www.example.be'; e-mail addresses, other schemes, spaces and
    hosts without a dot are dropped rather than stored as a broken link.
    """
    text = (value or "").strip()
    if not text or text.upper() == "NA" or any(ch.isspace() for ch in text) or "@" in text:
        return ""
    if "://" not in text:
        if ":" in text.split("/", 1)[0] and not text.lower().startswith("www."):
            return ""
        text = "https://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme.lower() not in {"http", "https"} or parts.username or parts.password:
        return ""
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return ""
    if not _HOST_RE.match(host):
        return ""
    netloc = f"{host}:{port}" if port else host
    url = urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, ""))
    return url if len(url) <= max_length else ""


def _truncate(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


# --- row parsers -----------------------------------------------------------------------------


def parse_project(raw: dict[str, str], default_programme: str) -> ProjectRow:
    cordis_id = parse_project_id(raw.get("id", ""))
    programme = clean_text(raw.get("frameworkProgramme")) or default_programme
    if programme not in PROGRAMMES:
        raise RowError(f"unknown framework programme {programme!r}")
    acronym = clean_text(raw.get("acronym"))
    if len(acronym) > 100:
        raise RowError("acronym longer than 100 characters")
    start_date = parse_date(raw.get("startDate", ""), "startDate")
    end_date = parse_date(raw.get("endDate", ""), "endDate")
    if start_date and end_date and end_date < start_date:
        raise RowError(f"endDate {end_date} before startDate {start_date}")
    topics = clean_text(raw.get("topics"))
    if len(topics) > 300:
        raise RowError("topics longer than 300 characters")
    eu_contribution = parse_amount(
        raw.get("euContributionDashboard", ""), "euContributionDashboard"
    )
    if eu_contribution is None:
        eu_contribution = parse_amount(raw.get("ecMaxContribution", ""), "ecMaxContribution")
    return ProjectRow(
        cordis_id=cordis_id,
        acronym=acronym,
        # 31 H2020 rows have neither title nor acronym; the model needs a title.
        title=clean_text(raw.get("title")) or acronym or f"CORDIS project {cordis_id}",
        objective=(raw.get("objective") or "").strip(),
        programme=programme,
        start_date=start_date,
        end_date=end_date,
        topics=topics,
        topic_description=clean_text(raw.get("topicDescription")),
        funding_scheme=_truncate(clean_text(raw.get("fundingScheme")), 100),
        type_of_action=_truncate(clean_text(raw.get("typeOfAction")), 200),
        thematic_priority=_truncate(clean_text(raw.get("thematicPriority")), 300),
        total_cost=parse_amount(raw.get("totalCost", ""), "totalCost"),
        eu_contribution=eu_contribution,
        has_participation_data=parse_bool(
            raw.get("hasParticipationData", ""), "hasParticipationData"
        )
        is True,
    )


def parse_participation(raw: dict[str, str]) -> ParticipationRow:
    role = (raw.get("role") or "").strip()
    if role not in ROLES:
        raise RowError(f"unknown role {role!r}")
    return ParticipationRow(
        project_id=parse_project_id(raw.get("projectID", "")),
        pic=parse_pic(raw.get("organisationID", "")),
        name=_truncate(clean_name(raw.get("name")), 300),
        short_name=_truncate(clean_name(raw.get("shortName")), 100),
        activity_type=normalise_activity_type(raw.get("activityType", "")),
        sme=parse_bool(raw.get("SME", ""), "SME"),
        role=role,
        country=normalise_country(raw.get("country", "")),
        nuts_code=normalise_nuts(raw.get("nutsCode", "")),
        city=_truncate(clean_text(raw.get("city")), 120),
        ec_contribution=parse_amount(raw.get("ecContribution", ""), "ecContribution"),
        net_ec_contribution=parse_amount(raw.get("netEcContribution", ""), "netEcContribution"),
        website=normalise_url(raw.get("organizationURL", "")),
    )


def parse_organisation(raw: dict[str, str]) -> OrganisationRow:
    return OrganisationRow(
        pic=parse_pic(raw.get("organisationID", "")),
        name=_truncate(clean_name(raw.get("name")), 300),
        short_name=_truncate(clean_name(raw.get("shortName")), 100),
        activity_type=normalise_activity_type(raw.get("activityType", "")),
        country=normalise_country(raw.get("country", "")),
        is_sme=parse_bool(raw.get("SME_2021", ""), "SME_2021"),
        nuts_code=normalise_nuts(raw.get("nutsCode", "")),
        city=_truncate(clean_text(raw.get("city")), 120),
        website=normalise_url(raw.get("organizationURL", "")),
    )


def organisation_display_name(row: OrganisationRow) -> str:
    """134 dashboard-only rows have no name at all; the PIC is all that is known."""
    return row.name or row.short_name or f"PIC {row.pic}"


# --- derived text ----------------------------------------------------------------------------


def build_profile_text(projects: Iterable[ProfileProject], limit: int = PROFILE_TEXT_LIMIT) -> str:
    """Project titles and topics (most recent first), then objectives, cut at ``limit`` characters.

    Titles come first so that an organisation with many projects is described by the breadth of
    its work rather than by the first objective that happens to fill the budget.
    """
    ordered = sorted(projects, key=lambda p: p.start_date or date.min, reverse=True)
    parts: list[str] = []
    seen: set[str] = set()
    for project in ordered:
        title = clean_text(project.title)
        topic = clean_text(project.topic_description)
        line = title
        if topic and topic.casefold() not in seen and topic.casefold() != title.casefold():
            seen.add(topic.casefold())
            line = f"{title} ({topic})" if title else topic
        if line and line.casefold() not in seen:
            seen.add(line.casefold())
            parts.append(line)
    for project in ordered:
        objective = clean_text(project.objective)
        if objective and objective.casefold() not in seen:
            seen.add(objective.casefold())
            parts.append(objective)
    text = "\n".join(parts)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    boundary = max(cut.rfind(" "), cut.rfind("\n"))
    if boundary > limit // 2:
        cut = cut[:boundary]
    return cut.rstrip(" ,;:.\n") + "…"
