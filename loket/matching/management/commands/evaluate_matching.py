import time
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from loket.matching.encoders import encoder_get
from loket.matching.engine import Matcher
from loket.matching.evaluation import (
    CROSS_LINGUAL,
    CROSS_LINGUAL_HELD_OUT,
    ENGLISH_NEEDS,
    ENGLISH_NEEDS_HELD_OUT,
    PHRASINGS,
    PHRASINGS_HELD_OUT,
    composite_evaluate,
    cross_lingual_evaluate,
    fusion_evaluate_pools,
    fusion_fit_pools,
    methods_evaluate,
    phrased_evaluate,
    pools_collect,
)
from loket.matching.fusion import FEATURES, NEIGHBOURHOOD, LogisticFusion
from loket.matching.metrics import METRICS, mean_metrics, ratio_interval
from loket.matching.split import cordis_load, split_build

METHODS = ("popularity", "bm25", "past_partners", "dense", "rrf", "hybrid")
NO_SEEKER_METHODS = ("popularity", "bm25", "dense", "rrf", "hybrid")


class Command(BaseCommand):
    help = (
        "Measure matching on the later-projects split of the raw CORDIS files: directory = "
        "projects started by --until, queries = later projects whose coordinator is in it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--data", required=True, help="folder with the CORDIS .csv.gz files")
        parser.add_argument("--until", default="2020-12-31")
        parser.add_argument(
            "--fit-until",
            nargs="+",
            default=["2014-03-31", "2014-12-31"],
            help="inner splits (directory cut dates) on visible data only, for fitting the fusion",
        )
        parser.add_argument("--encoder", default=getattr(settings, "LOKET_MATCH_ENCODER", "use-m3"))
        parser.add_argument(
            "--save-weights", action="store_true", help="write the fitted fusion weights"
        )
        parser.add_argument(
            "--ablation",
            action="store_true",
            help="also fit and measure the fusion on subsets of the features",
        )
        parser.add_argument("--no-cross-lingual", action="store_true")
        parser.add_argument(
            "--no-seeker",
            action="store_true",
            help="also measure the later projects as anonymous needs (no seeker, no graph)",
        )

    def handle(self, *args, data, until, fit_until, encoder, save_weights, ablation, **options):
        folder = Path(data)
        if (
            not (folder / "h2020_projects.csv.gz").exists()
            and not (folder / "fp7_projects.csv.gz").exists()
        ):
            raise CommandError(f"no CORDIS project files in {folder}")
        started = time.monotonic()
        model = encoder_get(encoder, threads=settings.LOKET_ENCODER_THREADS)
        cache = Path(settings.LOKET_MATCH_INDEX_DIR) / "cache"
        projects, orgs = cordis_load(folder)

        inner_pools = []
        inner_queries = 0
        for cut in fit_until:
            inner = split_build(
                projects, orgs, model, until=cut, query_until=until, cache_dir=cache
            )
            inner_pools += pools_collect(inner, Matcher(inner.corpus, model))
            inner_queries += len(inner.queries)
        fit_until = " and ".join(fit_until)
        split = split_build(projects, orgs, model, until=until, cache_dir=cache)
        fusion = None
        if inner_pools:
            outer_pools = pools_collect(split, Matcher(split.corpus, model)) if ablation else None
            chosen = self._ablation(inner_pools, outer_pools)
            fusion = fusion_fit_pools(inner_pools, chosen)
        if fusion is None:
            fusion = LogisticFusion.load()
        if save_weights and fusion is not None and inner_pools:
            fusion.save(
                note={
                    "fitted_on": f"directory <= {fit_until}, queries to {until}",
                    "queries": inner_queries,
                    "encoder": model.name,
                }
            )
        self.stdout.write(
            f"Directory: {len(split.corpus.keys)} organisations in projects started by {until}; "
            f"{len(split.queries)} later projects as queries "
            f"({sum(len(q.relevant) for q in split.queries)} relevant partners). "
            f"Fusion fitted on {inner_queries} queries of the inner split "
            f"(directory <= {fit_until})."
        )
        matcher = Matcher(split.corpus, model, fusion)
        self._table(
            methods_evaluate(split, matcher, METHODS),
            ("popularity", "bm25", "past_partners", "dense"),
        )
        if options["no_seeker"]:
            self.stdout.write(
                "Anonymous needs (the same later projects without their coordinator as seeker; "
                "no graph signal):"
            )
            anonymous = methods_evaluate(split, matcher, NO_SEEKER_METHODS, with_seeker=False)
            self._table(anonymous, ("popularity", "bm25", "dense"))

        if options["no_cross_lingual"]:
            self.stdout.write(f"({time.monotonic() - started:.0f} s)")
            return
        distractors = [p.text for p in projects.values()]
        sets = (
            ("the 20 needs the feedback settings were chosen on", CROSS_LINGUAL, ENGLISH_NEEDS),
            (
                "20 held-out needs, nothing chosen on them",
                CROSS_LINGUAL_HELD_OUT,
                ENGLISH_NEEDS_HELD_OUT,
            ),
        )
        plain = {}  # each set's cross-lingual figures, per language
        for title, rows, english in sets:
            plain[title] = cross = cross_lingual_evaluate(
                model, distractors=distractors, fusion=fusion, rows=rows, english=english
            )
            self.stdout.write(
                f"Cross-lingual needs against English profiles, {title} (dense alone | hybrid):"
            )
            self._cross_lingual(cross)
        self.stdout.write(
            'Needs phrased as requests ("We zoeken een partner voor ..."; whole hybrid, MRR '
            "of the plain needs | mean over three phrasings):"
        )
        for title, rows, english in sets:
            for label, phrasings in (
                ("phrasings in view when the request words were chosen", PHRASINGS),
                ("held-out phrasings", PHRASINGS_HELD_OUT),
            ):
                phrased = phrased_evaluate(
                    model, distractors, fusion, phrasings, rows=rows, english=english
                )
                self.stdout.write(f"  {title[:12]}..., {label}:")
                for language, row in phrased.items():
                    self.stdout.write(
                        f"    {language}: plain {plain[title][language]['hybrid MRR']:.3f} | "
                        f"phrased {row['phrased']:.3f}"
                    )
        self.stdout.write(
            "Needs that ask for two things (two needs joined by en / et / and; whole hybrid): "
            "pairs with both profiles in the top 10 | share of the two found there:"
        )
        labels = ("first set", "held-out set (both sets were in view when aspects were added)")
        for label, (_title, rows, english) in zip(labels, sets, strict=True):
            composite = composite_evaluate(model, distractors, fusion, rows=rows, english=english)
            self.stdout.write(f"  {label}:")
            for language, row in composite.items():
                self.stdout.write(
                    f"    {language}: both {row['both@10']:.3f} | R@10 {row['R@10']:.3f}"
                )
        self.stdout.write(f"({time.monotonic() - started:.0f} s)")

    def _cross_lingual(self, cross: dict[str, dict[str, float]]) -> None:
        for language, row in cross.items():
            line = f"  {language}: R@1 {row['R@1']:.3f}  MRR {row['MRR']:.3f}"
            if language != "en" and cross["en"]["MRR"]:
                line += f"  ({row['MRR'] / cross['en']['MRR']:.0%} of English)"
            line += f" | hybrid R@1 {row['hybrid R@1']:.3f}  MRR {row['hybrid MRR']:.3f}"
            if language != "en" and cross["en"]["hybrid MRR"]:
                line += (
                    f"  ({row['hybrid MRR'] / cross['en']['hybrid MRR']:.0%} of English; 95% "
                    f"bootstrap interval {row['hybrid vs en low']:.0%}-"
                    f"{row['hybrid vs en high']:.0%})"
                )
            self.stdout.write(line)

    def _table(self, table: dict[str, list[dict[str, float]]], references: tuple[str, ...]):
        """Mean metrics per method, then the hybrid against the best single reference with a
        paired bootstrap interval over the queries (94 queries leave a wide one)."""
        means = {method: mean_metrics(rows) for method, rows in table.items()}
        self.stdout.write(f"{'method':<15}" + "".join(f"{m:>10}" for m in METRICS))
        for method, row in means.items():
            self.stdout.write(f"{method:<15}" + "".join(f"{row[m]:>10.3f}" for m in METRICS))
        for metric in ("R@10", "MRR"):
            best = max(references, key=lambda m: means[m][metric])
            if not means[best][metric]:
                continue
            ratio = means["hybrid"][metric] / means[best][metric]
            low, high = ratio_interval(
                [r[metric] for r in table["hybrid"]], [r[metric] for r in table[best]]
            )
            self.stdout.write(
                f"hybrid / best single reference ({best}) on {metric}: {ratio:.2f}x "
                f"(95% bootstrap interval {low:.2f}-{high:.2f})"
            )

    def _ablation(self, inner_pools, outer_pools) -> tuple[str, ...]:
        """Feature sets fitted on the inner splits and measured twice: by 2-fold
        cross-validation over the inner queries (visible data only) and on the later projects
        (reported, never used to choose). Only the four group sets compete (fewer candidates,
        less luck in the choice), by the one-standard-error rule; single-feature additions and
        removals are reported."""
        base = FEATURES[:7]
        around = tuple(f for f in FEATURES if f in NEIGHBOURHOOD)
        previous = tuple(f for f in FEATURES if f not in NEIGHBOURHOOD)
        candidates: list[tuple[str, tuple[str, ...]]] = [
            ("first 7", base),
            ("first 7 + neighbourhood", (*base, *around)),
            ("all - neighbourhood", previous),
            ("all", FEATURES),
        ]
        reported: list[tuple[str, tuple[str, ...]]] = [
            (f"first 7 + {name}", (*base, name)) for name in FEATURES[7:]
        ]
        reported += [
            (f"all - {name}", tuple(f for f in FEATURES if f != name)) for name in FEATURES
        ]
        folds = (inner_pools[0::2], inner_pools[1::2])
        self.stdout.write(
            "Ablation: fitted on the inner splits; 'cv' = 2-fold cross-validation on the inner "
            "queries (chooses among the first four), 'later' = the later projects (reported only):"
        )
        self.stdout.write(
            f"{'features':<30}{'cv R@10':>9}{'cv MRR':>9}"
            + "".join(f"{'later ' + m:>14}" for m in METRICS)
        )
        scored: list[tuple[tuple[str, ...], float, float]] = []  # names, mean, standard error
        for n, (label, names) in enumerate(candidates + reported):
            per_query = []
            for train, test in ((folds[0], folds[1]), (folds[1], folds[0])):
                fusion = fusion_fit_pools(train, names)
                per_query += [fusion_evaluate_pools([pool], fusion) for pool in test]
            cv_r10 = float(np.mean([q["R@10"] for q in per_query]))
            cv_mrr = float(np.mean([q["MRR"] for q in per_query]))
            later = ""
            if outer_pools is not None:
                row = fusion_evaluate_pools(outer_pools, fusion_fit_pools(inner_pools, names))
                later = "".join(f"{row[m]:>14.3f}" for m in METRICS)
            self.stdout.write(f"{label:<30}{cv_r10:>9.3f}{cv_mrr:>9.3f}{later}")
            if n < len(candidates):
                both = [q["R@10"] + q["MRR"] for q in per_query]
                scored.append(
                    (names, float(np.mean(both)), float(np.std(both) / np.sqrt(len(both))))
                )
        # The one-standard-error rule: the fewest features whose cross-validated R@10 + MRR is
        # within one standard error of the best (the differences between sets are mostly noise).
        _names, top, error = max(scored, key=lambda s: s[1])
        best = min((s for s in scored if s[1] >= top - error), key=lambda s: (len(s[0]), -s[1]))[0]
        self.stdout.write(
            f"Best cross-validated R@10 + MRR {top:.3f} +- {error:.3f} (one standard error); "
            "the fewest features within it are chosen."
        )
        self.stdout.write(f"Chosen by inner cross-validation: {', '.join(best)}")
        return best
