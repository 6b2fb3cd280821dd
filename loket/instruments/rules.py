"""Eligibility rules as data, evaluated against wizard answers and a planned consortium.

Pure Python, no Django import. Each rule is (kind, params, required). Messages are English
templates marked with gettext_noop so the caller can translate them (`Message.render`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeGuard


def gettext_noop(message: str) -> str:
    """Marks a string for translation extraction; the caller translates it when rendering."""
    return message


EU_MEMBER_STATES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "EL",
        "ES",
        "FI",
        "FR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
# Horizon Europe associated countries (association agreements in force or applied, 2025).
# Parameters of a rule may override this list.
ASSOCIATED_COUNTRIES = frozenset(
    [
        "AL",
        "AM",
        "BA",
        "CA",
        "CH",
        "FO",
        "GE",
        "IL",
        "IS",
        "KR",
        "MD",
        "ME",
        "MK",
        "NO",
        "NZ",
        "RS",
        "TN",
        "TR",
        "UA",
        "UK",
        "XK",
    ]
)
COUNTRY_ALIASES = {"GB": "UK", "GR": "EL"}
COMPANY_TYPES = frozenset({"company", "startup"})
SME_SIZES = frozenset({"micro", "small", "medium"})


def normalise_country(code: str) -> str:
    code = (code or "").strip().upper()
    return COUNTRY_ALIASES.get(code, code)


@dataclass(frozen=True)
class Partner:
    org_type: str
    country: str
    is_sme: bool | None = None
    cost_share: float | None = None  # percent of the project's costs
    independent: bool = True
    name: str = ""

    @property
    def is_company(self) -> bool:
        return self.org_type in COMPANY_TYPES


@dataclass(frozen=True)
class Answers:
    org_type: str = ""
    size_class: str = ""
    country: str = "BE"
    region: str = ""
    stage: str = ""
    budget: float | None = None
    theme: str = ""
    months_until_start: int | None = None
    own_cost_share: float | None = None
    partners: tuple[Partner, ...] = ()

    def consortium(self) -> list[Partner]:
        applicant = Partner(
            org_type=self.org_type,
            country=self.country or "BE",
            is_sme=(self.size_class in SME_SIZES) if self.size_class else None,
            cost_share=self.own_cost_share,
            name="applicant",
        )
        return [applicant, *self.partners]


@dataclass(frozen=True)
class Message:
    template: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, translate: Callable[[str], str] = gettext_noop) -> str:
        params = {
            key: value.render(translate) if isinstance(value, Message) else value
            for key, value in self.params.items()
        }
        return translate(self.template) % params if params else translate(self.template)


@dataclass(frozen=True)
class Suggestion:
    """Which partner would make the consortium eligible, and what to search for in matching."""

    message: Message
    partner_type: str = ""
    countries_to_avoid: tuple[str, ...] = ()
    needs_sme: bool = False


@dataclass(frozen=True)
class Outcome:
    kind: str
    passed: bool | None  # None: the answers do not say; treated as "check this"
    required: bool
    message: Message
    suggestion: Suggestion | None = None


@dataclass(frozen=True)
class RuleSpec:
    kind: str
    params: dict[str, Any]
    required: bool = True


@dataclass
class Evaluation:
    key: Any
    outcomes: list[Outcome]

    @property
    def eligible(self) -> bool:
        return all(o.passed is not False for o in self.outcomes if o.required)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.passed is False]

    @property
    def score(self) -> float:
        """Share of rules that pass; soft rules count half, unknown answers a quarter."""
        total = 0.0
        got = 0.0
        for outcome in self.outcomes:
            weight = 1.0 if outcome.required else 0.5
            total += weight
            if outcome.passed is True:
                got += weight
            elif outcome.passed is None:
                got += weight / 4
        return got / total if total else 0.0


# --- rule kinds -------------------------------------------------------------------------------


def _values(params: dict[str, Any]) -> list[str]:
    return [str(v) for v in params.get("values", [])]


def _rule_in(kind: str, attribute: str, label: str) -> Callable[..., Outcome]:
    def rule(params: dict[str, Any], answers: Answers, required: bool, **_: Any) -> Outcome:
        value = getattr(answers, attribute)
        allowed = _values(params)
        shown = ", ".join(allowed)
        if not value:
            return Outcome(
                kind,
                None,
                required,
                Message(
                    gettext_noop("Not answered: the %(what)s must be one of: %(allowed)s."),
                    {"what": label, "allowed": shown},
                ),
            )
        if value in allowed:
            return Outcome(
                kind,
                True,
                required,
                Message(
                    gettext_noop("Your %(what)s (%(value)s) qualifies."),
                    {"what": label, "value": value},
                ),
            )
        return Outcome(
            kind,
            False,
            required,
            Message(
                gettext_noop("Your %(what)s (%(value)s) is not one of: %(allowed)s."),
                {"what": label, "value": value, "allowed": shown},
            ),
        )

    return rule


def _budget_range(params: dict[str, Any], answers: Answers, required: bool, **_: Any) -> Outcome:
    low, high = params.get("min"), params.get("max")
    budget = answers.budget
    bounds = {"min": low if low is not None else 0, "max": high if high is not None else "∞"}
    if budget is None:
        return Outcome(
            "budget_range",
            None,
            required,
            Message(
                gettext_noop("Budget not given; the instrument funds %(min)s to %(max)s EUR."),
                bounds,
            ),
        )
    if (low is not None and budget < low) or (high is not None and budget > high):
        return Outcome(
            "budget_range",
            False,
            required,
            Message(
                gettext_noop("Your budget of %(budget)s EUR is outside %(min)s to %(max)s EUR."),
                {"budget": f"{budget:,.0f}", **bounds},
            ),
        )
    return Outcome(
        "budget_range",
        True,
        required,
        Message(
            gettext_noop("Your budget of %(budget)s EUR fits the range %(min)s to %(max)s EUR."),
            {"budget": f"{budget:,.0f}", **bounds},
        ),
    )


def _theme_keywords(params: dict[str, Any], answers: Answers, required: bool, **_: Any) -> Outcome:
    keywords = [str(k).lower() for k in params.get("keywords", [])]
    theme = (answers.theme or "").lower()
    if not theme:
        return Outcome(
            "theme_keywords",
            None,
            required,
            Message(
                gettext_noop("No theme given; this instrument focuses on: %(keywords)s."),
                {"keywords": ", ".join(keywords)},
            ),
        )
    hits = [k for k in keywords if k in theme]
    if hits:
        return Outcome(
            "theme_keywords",
            True,
            required,
            Message(gettext_noop("Your theme matches: %(hits)s."), {"hits": ", ".join(hits)}),
        )
    return Outcome(
        "theme_keywords",
        False,
        required,
        Message(
            gettext_noop("Your theme does not match its focus (%(keywords)s)."),
            {"keywords": ", ".join(keywords)},
        ),
    )


def _eligible_countries(params: dict[str, Any]) -> frozenset[str]:
    if params.get("countries"):
        return frozenset(normalise_country(c) for c in params["countries"])
    return EU_MEMBER_STATES | ASSOCIATED_COUNTRIES


def _min_entities_countries(
    params: dict[str, Any], answers: Answers, required: bool, **_: Any
) -> Outcome:
    min_entities = int(params.get("min_entities", 3))
    min_countries = int(params.get("min_countries", 3))
    min_member_states = int(params.get("min_member_states", 1))
    eligible = _eligible_countries(params)
    members = [
        p
        for p in answers.consortium()
        if p.independent and normalise_country(p.country) in eligible
    ]
    countries = sorted({normalise_country(p.country) for p in members})
    member_states = [c for c in countries if c in EU_MEMBER_STATES]
    facts = {
        "entities": len(members),
        "countries": len(countries),
        "have": ", ".join(countries) or "-",
        "min_entities": min_entities,
        "min_countries": min_countries,
    }
    missing = max(min_entities - len(members), min_countries - len(countries))
    if missing <= 0 and len(member_states) >= min_member_states:
        return Outcome(
            "min_entities_countries",
            True,
            required,
            Message(
                gettext_noop(
                    "Your consortium has %(entities)s independent entities from %(countries)s "
                    "eligible countries (%(have)s); at least %(min_entities)s from "
                    "%(min_countries)s are needed."
                ),
                facts,
            ),
        )
    if missing <= 0:
        suggestion = Suggestion(
            Message(gettext_noop("Add a partner from an EU member state.")),
            countries_to_avoid=tuple(countries),
        )
    else:
        suggestion = Suggestion(
            Message(
                gettext_noop(
                    "Add %(n)s independent partner(s) from another EU member state or associated "
                    "country (you already have %(have)s)."
                ),
                {"n": missing, "have": facts["have"]},
            ),
            countries_to_avoid=tuple(countries),
        )
    return Outcome(
        "min_entities_countries",
        False,
        required,
        Message(
            gettext_noop(
                "At least %(min_entities)s independent entities from %(min_countries)s different "
                "EU member states or associated countries are needed; your consortium has "
                "%(entities)s from %(countries)s (%(have)s)."
            ),
            facts,
        ),
        suggestion,
    )


def _min_companies(params: dict[str, Any], answers: Answers, required: bool, **_: Any) -> Outcome:
    min_companies = int(params.get("min_companies", 2))
    require_sme = bool(params.get("require_sme", False))
    max_share = params.get("max_cost_share")
    consortium = answers.consortium()
    companies = [p for p in consortium if p.is_company and p.independent]
    smes = [p for p in companies if p.is_sme]
    facts = {
        "n": len(companies),
        "min": min_companies,
        "max_share": max_share if max_share is not None else 100,
    }
    problems: list[Message] = []
    suggestion: Suggestion | None = None
    if len(companies) < min_companies:
        missing = min_companies - len(companies)
        problems.append(
            Message(
                gettext_noop("At least %(min)s independent companies are needed; you have %(n)s."),
                facts,
            )
        )
        needs_sme = require_sme and not smes
        suggestion = Suggestion(
            Message(
                gettext_noop("Add %(missing)s independent company partner(s), one of them an SME.")
                if needs_sme
                else gettext_noop("Add %(missing)s independent company partner(s)."),
                {"missing": missing},
            ),
            partner_type="company",
            needs_sme=needs_sme,
        )
    elif require_sme and not smes:
        problems.append(Message(gettext_noop("At least one of the companies must be an SME.")))
        suggestion = Suggestion(
            Message(gettext_noop("Add an SME as a partner.")),
            partner_type="company",
            needs_sme=True,
        )
    if max_share is not None:
        heavy = [p for p in consortium if p.cost_share is not None and p.cost_share > max_share]
        if heavy:
            problems.append(
                Message(
                    gettext_noop(
                        "No partner may bear more than %(max_share)s%% of the costs; "
                        "one bears %(share)s%%."
                    ),
                    {"max_share": max_share, "share": f"{max(p.cost_share or 0 for p in heavy):g}"},
                )
            )
            if suggestion is None:
                suggestion = Suggestion(
                    Message(
                        gettext_noop(
                            "Spread the costs: add a partner or give partners a larger "
                            "share so nobody bears more than %(max_share)s%%."
                        ),
                        {"max_share": max_share},
                    ),
                    partner_type="company",
                )
    if problems:
        return Outcome(
            "min_companies",
            False,
            required,
            Message(
                " ".join(["%(p" + str(i) + ")s" for i in range(len(problems))]),
                {f"p{i}": p for i, p in enumerate(problems)},
            ),
            suggestion,
        )
    return Outcome(
        "min_companies",
        True,
        required,
        Message(
            gettext_noop(
                "Your consortium has %(n)s independent companies (at least %(min)s needed)"
                ", with an SME where required, and no partner above %(max_share)s%% of the "
                "costs."
            ),
            facts,
        ),
    )


def _min_partners(params: dict[str, Any], answers: Answers, required: bool, **_: Any) -> Outcome:
    minimum = int(params.get("min", 1))
    types = [str(t) for t in params.get("org_types", [])]
    consortium = answers.consortium()
    matching = [p for p in consortium if not types or p.org_type in types]
    facts = {"n": len(matching), "min": minimum, "types": ", ".join(types) or "any"}
    if len(matching) >= minimum:
        return Outcome(
            "min_partners",
            True,
            required,
            Message(
                gettext_noop(
                    "Your consortium has %(n)s partner(s) of type %(types)s "
                    "(at least %(min)s needed)."
                ),
                facts,
            ),
        )
    return Outcome(
        "min_partners",
        False,
        required,
        Message(
            gettext_noop(
                "At least %(min)s partner(s) of type %(types)s are needed; you have %(n)s."
            ),
            facts,
        ),
        Suggestion(
            Message(
                gettext_noop("Add %(missing)s partner(s) of type %(types)s."),
                {"missing": minimum - len(matching), "types": facts["types"]},
            ),
            partner_type=types[0] if types else "",
        ),
    )


def _open_within(
    params: dict[str, Any], answers: Answers, required: bool, *, today: datetime.date, **_: Any
) -> Outcome:
    windows = params.get("windows", [])
    if params.get("continuous") or not windows:
        return Outcome(
            "open_within", True, required, Message(gettext_noop("You can apply at any time."))
        )
    months = answers.months_until_start
    horizon = today + datetime.timedelta(days=31 * (months if months is not None else 12))
    upcoming = []
    for window in windows:
        try:
            closes = datetime.date.fromisoformat(str(window["closes"]))
            opens = datetime.date.fromisoformat(str(window.get("opens") or window["closes"]))
        except (KeyError, TypeError, ValueError):
            continue  # a malformed window never crashes the wizard; curation reports it
        if closes >= today and opens <= horizon:
            upcoming.append(closes)
    if upcoming:
        return Outcome(
            "open_within",
            True,
            required,
            Message(
                gettext_noop("A call closes on %(date)s, within your timing."),
                {"date": min(upcoming).isoformat()},
            ),
        )
    return Outcome(
        "open_within",
        False,
        required,
        Message(gettext_noop("No call window is open within your timing.")),
    )


RULES: dict[str, Callable[..., Outcome]] = {
    "org_type_in": _rule_in("org_type_in", "org_type", gettext_noop("organisation type")),
    "size_class_in": _rule_in("size_class_in", "size_class", gettext_noop("size class")),
    "region_in": _rule_in("region_in", "region", gettext_noop("region")),
    "stage_in": _rule_in("stage_in", "stage", gettext_noop("stage")),
    "budget_range": _budget_range,
    "theme_keywords": _theme_keywords,
    "min_entities_countries": _min_entities_countries,
    "min_companies": _min_companies,
    "min_partners": _min_partners,
    "open_within": _open_within,
}


def evaluate_rule(rule: RuleSpec, answers: Answers, *, today: datetime.date) -> Outcome:
    try:
        evaluator = RULES[rule.kind]
    except KeyError:
        return Outcome(
            rule.kind,
            None,
            False,
            Message(
                gettext_noop("Unknown rule kind %(kind)s; ask a curator."), {"kind": rule.kind}
            ),
        )
    return evaluator(rule.params or {}, answers, rule.required, today=today)


def evaluate(
    key: Any, rules: Iterable[RuleSpec], answers: Answers, *, today: datetime.date
) -> Evaluation:
    return Evaluation(key, [evaluate_rule(rule, answers, today=today) for rule in rules])


def rank(
    candidates: Sequence[tuple[Any, Sequence[RuleSpec]]], answers: Answers, *, today: datetime.date
) -> list[Evaluation]:
    """Eligible instruments first, then by score; stable for equal scores."""
    evaluations = [evaluate(key, rules, answers, today=today) for key, rules in candidates]
    return sorted(evaluations, key=lambda e: (not e.eligible, -e.score))


# --- checking rule parameters (curator input) --------------------------------------------------

_INT = "int"
_NUMBER = "number"
_BOOL = "bool"
_STRINGS = "strings"
_WINDOWS = "windows"
PARAMS: dict[str, dict[str, str]] = {
    "org_type_in": {"values": _STRINGS},
    "size_class_in": {"values": _STRINGS},
    "region_in": {"values": _STRINGS},
    "stage_in": {"values": _STRINGS},
    "budget_range": {"min": _NUMBER, "max": _NUMBER},
    "theme_keywords": {"keywords": _STRINGS},
    "min_entities_countries": {
        "min_entities": _INT,
        "min_countries": _INT,
        "min_member_states": _INT,
        "countries": _STRINGS,
    },
    "min_companies": {"min_companies": _INT, "require_sme": _BOOL, "max_cost_share": _NUMBER},
    "min_partners": {"min": _INT, "org_types": _STRINGS},
    "open_within": {"continuous": _BOOL, "windows": _WINDOWS},
}
REQUIRED_PARAMS = {
    "org_type_in": ["values"],
    "size_class_in": ["values"],
    "region_in": ["values"],
    "stage_in": ["values"],
    "theme_keywords": ["keywords"],
}


def windows_problems(windows: Any) -> list[Message]:
    """Call windows: a list of {"label", "opens", "closes"} with ISO dates, opens <= closes."""
    if not isinstance(windows, list):
        return [Message(gettext_noop("Call windows must be a list."))]
    problems: list[Message] = []
    for number, window in enumerate(windows, start=1):
        if not isinstance(window, dict) or not window.get("closes"):
            problems.append(
                Message(gettext_noop("Call window %(n)s needs a closing date."), {"n": number})
            )
            continue
        try:
            closes = datetime.date.fromisoformat(str(window["closes"]))
            opens = datetime.date.fromisoformat(str(window.get("opens") or window["closes"]))
        except ValueError:
            problems.append(
                Message(
                    gettext_noop("Call window %(n)s: dates must be written as YYYY-MM-DD."),
                    {"n": number},
                )
            )
            continue
        if opens > closes:
            problems.append(
                Message(gettext_noop("Call window %(n)s closes before it opens."), {"n": number})
            )
        unknown = sorted(set(window) - {"label", "opens", "closes"})
        if unknown:
            problems.append(
                Message(
                    gettext_noop("Call window %(n)s: unknown keys %(keys)s."),
                    {"n": number, "keys": ", ".join(unknown)},
                )
            )
    return problems


def _is_number(value: object) -> TypeGuard[int | float]:
    """A non-negative int or float (bool is not a number here)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def _type_ok(expected: str, value: Any) -> bool:
    if expected == _BOOL:
        return isinstance(value, bool)
    if expected == _INT:
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if expected == _NUMBER:
        return _is_number(value)
    if expected == _STRINGS:
        return isinstance(value, list) and all(isinstance(v, str) and v for v in value)
    return True


def params_problems(kind: str, params: Any) -> list[Message]:
    """What is wrong with the parameters of a rule, in words a curator can act on; [] if fine."""
    if kind not in PARAMS:
        return [Message(gettext_noop("Unknown rule kind %(kind)s."), {"kind": kind})]
    if not isinstance(params, dict):
        return [Message(gettext_noop("The parameters must be a JSON object."))]
    schema = PARAMS[kind]
    problems: list[Message] = []
    unknown = sorted(set(params) - set(schema))
    if unknown:
        problems.append(
            Message(
                gettext_noop("Unknown parameters for %(kind)s: %(keys)s (allowed: %(allowed)s)."),
                {"kind": kind, "keys": ", ".join(unknown), "allowed": ", ".join(schema)},
            )
        )
    for key in REQUIRED_PARAMS.get(kind, []):
        if not params.get(key):
            problems.append(
                Message(
                    gettext_noop("%(kind)s needs the parameter %(key)s."),
                    {"kind": kind, "key": key},
                )
            )
    for key, expected in schema.items():
        if key not in params:
            continue
        if expected == _WINDOWS:
            problems.extend(windows_problems(params[key]))
        elif not _type_ok(expected, params[key]):
            problems.append(
                Message(
                    gettext_noop("Parameter %(key)s must be of type %(type)s."),
                    {"key": key, "type": {_STRINGS: "list of text"}.get(expected, expected)},
                )
            )
    low, high = params.get("min"), params.get("max")
    if kind == "budget_range" and _is_number(low) and _is_number(high) and low > high:
        problems.append(Message(gettext_noop("The minimum is larger than the maximum.")))
    share = params.get("max_cost_share")
    if kind == "min_companies" and _is_number(share) and share > 100:
        problems.append(Message(gettext_noop("max_cost_share is a percentage (0 to 100).")))
    return problems


def describe(kind: str, params: dict[str, Any]) -> Message:
    """A rule in plain words, without answers (for the instrument page)."""
    labels = {
        "org_type_in": gettext_noop("organisation type"),
        "size_class_in": gettext_noop("size class"),
        "region_in": gettext_noop("region"),
        "stage_in": gettext_noop("stage"),
    }
    if kind in labels:
        return Message(
            gettext_noop("The %(what)s is one of: %(allowed)s."),
            {"what": Message(labels[kind]), "allowed": ", ".join(_values(params))},
        )
    if kind == "budget_range":
        return Message(
            gettext_noop("Project budget from %(min)s to %(max)s EUR."),
            {"min": params.get("min", 0), "max": params.get("max", "∞")},
        )
    if kind == "theme_keywords":
        return Message(
            gettext_noop("Focus: %(keywords)s."),
            {"keywords": ", ".join(params.get("keywords", []))},
        )
    if kind == "min_entities_countries":
        return Message(
            gettext_noop(
                "At least %(min_entities)s independent entities from %(min_countries)s different "
                "eligible countries."
            ),
            {
                "min_entities": params.get("min_entities", 3),
                "min_countries": params.get("min_countries", 3),
            },
        )
    if kind == "min_companies":
        return Message(
            gettext_noop(
                "At least %(n)s independent companies%(sme)s; none bears more than %(share)s%% of "
                "the costs."
            ),
            {
                "n": params.get("min_companies", 2),
                "sme": Message(gettext_noop(", including an SME"))
                if params.get("require_sme")
                else "",
                "share": params.get("max_cost_share", 100),
            },
        )
    if kind == "min_partners":
        return Message(
            gettext_noop("At least %(n)s partner(s) of type: %(types)s."),
            {"n": params.get("min", 1), "types": ", ".join(params.get("org_types", [])) or "-"},
        )
    if kind == "open_within":
        if params.get("continuous") or not params.get("windows"):
            return Message(gettext_noop("You can apply at any time."))
        return Message(gettext_noop("Apply within a call window."))
    return Message(gettext_noop("Unknown rule kind %(kind)s; ask a curator."), {"kind": kind})
