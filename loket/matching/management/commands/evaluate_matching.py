import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from loket.matching.encoders import encoder_get
from loket.matching.engine import Matcher
from loket.matching.evaluation import cross_lingual_evaluate, fusion_fit, methods_evaluate
from loket.matching.fusion import LogisticFusion
from loket.matching.metrics import METRICS
from loket.matching.split import cordis_load, split_build

METHODS = ("popularity", "bm25", "past_partners", "dense", "rrf", "hybrid")


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
            default="2014-03-31",
            help="inner split on visible data only, for fitting the fusion",
        )
        parser.add_argument("--encoder", default=getattr(settings, "LOKET_MATCH_ENCODER", "use-m3"))
        parser.add_argument(
            "--save-weights", action="store_true", help="write the fitted fusion weights"
        )

    def handle(self, *args, data, until, fit_until, encoder, save_weights, **options):
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

        inner = split_build(
            projects, orgs, model, until=fit_until, query_until=until, cache_dir=cache
        )
        fusion = fusion_fit(inner, Matcher(inner.corpus, model)) if inner.queries else None
        if fusion is None:
            fusion = LogisticFusion.load()
        if save_weights and fusion is not None and inner.queries:
            fusion.save(
                note={
                    "fitted_on": f"directory <= {fit_until}, queries to {until}",
                    "queries": len(inner.queries),
                    "encoder": model.name,
                }
            )
        split = split_build(projects, orgs, model, until=until, cache_dir=cache)
        self.stdout.write(
            f"Directory: {len(split.corpus.keys)} organisations in projects started by {until}; "
            f"{len(split.queries)} later projects as queries "
            f"({sum(len(q.relevant) for q in split.queries)} relevant partners). "
            f"Fusion fitted on {len(inner.queries)} queries of the inner split "
            f"(directory <= {fit_until})."
        )
        table = methods_evaluate(split, Matcher(split.corpus, model, fusion), METHODS)
        header = f"{'method':<15}" + "".join(f"{m:>10}" for m in METRICS)
        self.stdout.write(header)
        for method, row in table.items():
            self.stdout.write(f"{method:<15}" + "".join(f"{row[m]:>10.3f}" for m in METRICS))
        references = [table[m] for m in ("popularity", "bm25", "past_partners", "dense")]
        for metric in ("R@10", "MRR"):
            best = max(r[metric] for r in references)
            ratio = table["hybrid"][metric] / best if best else float("inf")
            self.stdout.write(f"hybrid / best single reference on {metric}: {ratio:.2f}x")

        cross = cross_lingual_evaluate(model, distractors=[p.text for p in projects.values()])
        self.stdout.write("Cross-lingual needs against English profiles:")
        for language, row in cross.items():
            self.stdout.write(
                f"  {language}: R@1 {row['R@1']:.3f}  MRR {row['MRR']:.3f}"
                + (
                    f"  ({row['MRR'] / cross['en']['MRR']:.0%} of English MRR)"
                    if language != "en" and cross["en"]["MRR"]
                    else ""
                )
            )
        self.stdout.write(f"({time.monotonic() - started:.0f} s)")
