"""Cost of the shared text analysis (loket.lib.text) per token and per need, printed.

    .venv/bin/python benchmarks/text_analysis.py [--words 20000]

Synthetic Dutch compounds are glued from pairs of lexicon words (with and without a linking
morpheme); figures are cold (caches cleared: the first time a token is seen, as in an index
build) and memoised (the matching's hot path, where needs reuse common words).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loket.lib import decompound, text

NEED = (
    "Wij zoeken partners voor waterstofopslag in havens en zonnepanelen op bedrijventerreinen, "
    "met aandacht voor veiligheidsnormen en afvalwaterzuivering."
)


def _clear() -> None:
    for cached in (text.stems, text.terms, decompound.split, decompound._split):
        cached.cache_clear()


def _per_token(words: list[str], function: Callable[[str], object]) -> float:
    start = time.perf_counter()
    for word in words:
        function(word)
    return (time.perf_counter() - start) / len(words) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=20000)
    args = parser.parse_args()
    rng = random.Random(1)
    lexicon = sorted(decompound.LEXICON)
    compounds = [
        rng.choice(lexicon) + rng.choice(["", "s", "en"]) + rng.choice(lexicon)
        for _ in range(args.words)
    ]
    plain = [word + "x" for word in lexicon]  # not compounds: the splitter's usual answer
    rows = []
    _clear()
    rows.append(("split, compound, cold", _per_token(compounds, decompound.split)))
    _clear()
    rows.append(("split, not a compound, cold", _per_token(plain, decompound.split)))
    _clear()
    rows.append(("stems (nl+en), cold", _per_token(compounds, text.stems)))
    _clear()
    rows.append(("terms (stems, stopword, split), cold", _per_token(compounds, text.terms)))
    rows.append(("terms, memoised", _per_token(compounds, text.terms)))
    print(f"| per token ({args.words} compounds) | µs |\n|---|---:|")
    for label, micros in rows:
        print(f"| {label} | {micros:.1f} |")
    _clear()
    start = time.perf_counter()
    text.analysed_terms(NEED)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(1000):
        text.analysed_terms(NEED)
    warm = (time.perf_counter() - start) / 1000
    print(
        f"\nanalysed_terms on a {len(NEED.split())}-word need: "
        f"cold {cold * 1e3:.2f} ms, memoised {warm * 1e6:.0f} µs"
    )


if __name__ == "__main__":
    main()
