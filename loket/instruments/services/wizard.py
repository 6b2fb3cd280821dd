"""Wizard runs: answers in, ranked and explained instruments out, saved under a token."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from loket.instruments import rules
from loket.instruments.models import (
    Instrument,
    WizardResult,
)

# --- wizard -----------------------------------------------------------------------------------


def _rule_specs(instrument: Instrument) -> list[rules.RuleSpec]:
    specs = [
        rules.RuleSpec(r.kind, r.params or {}, r.is_required)
        for r in instrument.eligibility_rules.all()
    ]
    windows = [w for w in instrument.call_windows or [] if isinstance(w, dict) and w.get("closes")]
    if windows and not any(s.kind == "open_within" for s in specs):
        specs.append(rules.RuleSpec("open_within", {"windows": windows}, True))
    return specs


def wizard_evaluate(*, answers: rules.Answers, today: datetime.date | None = None) -> list[dict]:
    """Rank every current instrument for these answers; each with explanations in the active
    language and, for failing consortium rules, the partner that would help."""
    today = today or timezone.localdate()
    instruments = list(
        Instrument.objects.current().select_related("funder").prefetch_related("eligibility_rules")
    )
    candidates = [(i, _rule_specs(i)) for i in instruments]
    ranked = rules.rank([c for c in candidates if c[1]], answers, today=today)
    results = []
    for evaluation in ranked:
        instrument = evaluation.key
        results.append(
            {
                "slug": instrument.slug,
                "name": instrument.name,
                "funder": str(instrument.funder),
                "level": instrument.level,
                "eligible": evaluation.eligible,
                "score": round(evaluation.score, 3),
                "reasons": [
                    {
                        "kind": o.kind,
                        "passed": o.passed,
                        "required": o.required,
                        "text": o.message.render(_),
                        "suggestion": o.suggestion.message.render(_) if o.suggestion else "",
                        "partner_type": o.suggestion.partner_type if o.suggestion else "",
                        "needs_sme": bool(o.suggestion and o.suggestion.needs_sme),
                    }
                    for o in evaluation.outcomes
                ],
            }
        )
    return results


def wizard_result_create(*, answers: dict[str, Any], user: Any = None) -> WizardResult:
    parsed = wizard_answers_parse(answers)
    result = WizardResult(
        answers=answers,
        results=wizard_evaluate(answers=parsed),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    result.full_clean()
    result.save()
    return result


def wizard_answers_parse(data: dict[str, Any]) -> rules.Answers:
    """Cleaned form data (plain JSON) → the engine's Answers."""
    partners = tuple(
        rules.Partner(
            org_type=p.get("org_type", ""),
            country=p.get("country", ""),
            is_sme=p.get("is_sme"),
            cost_share=p.get("cost_share"),
        )
        for p in data.get("partners", [])
        if p.get("org_type") and p.get("country")
    )
    return rules.Answers(
        org_type=data.get("org_type", ""),
        size_class=data.get("size_class", ""),
        country=data.get("country", "BE") or "BE",
        region=data.get("region", ""),
        stage=data.get("stage", ""),
        budget=float(data["budget"]) if data.get("budget") is not None else None,
        theme=data.get("theme", ""),
        months_until_start=data.get("months_until_start"),
        own_cost_share=data.get("own_cost_share"),
        partners=partners,
    )
