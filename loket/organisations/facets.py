"""Disjunctive facet counts from grouped rows (pure Python, no Django).

The directory asks the database once for the matching organisations grouped by every facet
column at the same time (type, size, region, country, sector, EU projects) and counts here. A
facet's own selection does not narrow its counts ("any of" within a facet), every other facet's
selection does; rows that fail exactly one facet count only for that facet. The same rows give the
total number of results, so neither a COUNT query nor one GROUP BY per facet is needed, and for
browsing without a query the grouped rows can be cached and reused for every filter combination.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

Row = tuple[tuple[str, ...], int]


def facet_counts(
    rows: Iterable[Row], keys: Sequence[str], selected: Mapping[str, Iterable[str]]
) -> tuple[dict[str, Counter[str]], int]:
    """Counts per facet value and the number of rows that pass every selection.

    `rows` are (values in the order of `keys`, number of organisations); `selected` maps a key to
    the chosen values (empty or missing: no restriction).
    """
    counts: dict[str, Counter[str]] = {key: Counter() for key in keys}
    active = [
        (position, key, frozenset(selected[key]))
        for position, key in enumerate(keys)
        if selected.get(key)
    ]
    total = 0
    for values, n in rows:
        missed = None
        misses = 0
        for position, key, chosen in active:
            if values[position] not in chosen:
                misses += 1
                if misses > 1:
                    break
                missed = (position, key)
        if misses == 0:
            total += n
            for position, key in enumerate(keys):
                counts[key][values[position]] += n
        elif misses == 1 and missed is not None:
            position, key = missed
            counts[key][values[position]] += n
    return counts, total
