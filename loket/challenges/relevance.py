"""How well an organisation's profile fits an item. Pure Python, no Django."""

from __future__ import annotations

# Very common stems carry no signal for matching.
STOP = frozenset(
    [
        "de",
        "het",
        "een",
        "en",
        "van",
        "in",
        "op",
        "voor",
        "met",
        "te",
        "is",
        "zijn",
        "we",
        "wij",
        "ons",
        "onze",
        "the",
        "a",
        "an",
        "and",
        "of",
        "to",
        "in",
        "for",
        "with",
        "on",
        "is",
        "are",
        "we",
        "our",
        "by",
        "at",
        "or",
        "as",
        "be",
    ]
)


def profile_score(
    *,
    profile_stems: set[str],
    item_stems: set[str],
    org_type: str,
    size_class: str,
    region: str,
    partner_types: list[str],
    size_classes: list[str],
    regions: list[str],
) -> float:
    """0 when a stated wish rules the organisation out; otherwise shared words plus wish bonuses."""
    if partner_types and org_type not in partner_types:
        return 0.0
    if size_classes and size_class and size_class not in size_classes:
        return 0.0
    shared = (profile_stems & item_stems) - STOP
    if not shared:
        return 0.0
    score = float(len(shared))
    if regions and region in regions:
        score += 1.0
    if partner_types:
        score += 0.5
    return score
