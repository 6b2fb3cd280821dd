import argparse
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from loket.organisations.cordis import CordisFileError
from loket.organisations.importing import DEFAULT_BATCH_SIZE, ImportReport, cordis_import

MAX_ISSUES_SHOWN = 50


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def tqdm_progress(description: str, total: int | None) -> tqdm:
    """A tqdm bar counting rows (or organisations) per second; silent when stderr is no terminal."""
    unit = " organisations" if description in {"profiles", "search index"} else " rows"
    return tqdm(desc=description, total=total, unit=unit, unit_scale=True, disable=None)


class Command(BaseCommand):
    help = (
        "Import CORDIS projects, organisations and participations (H2020, FP7) from DIR: "
        "organisations, h2020_projects, fp7_projects, h2020_participations and "
        "fp7_participations, each .csv.gz or .csv. Re-running updates in place. "
        "With --until, projects that started later, and projects without a start date, "
        "are left out together with their participations."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="folder holding the CORDIS files")
        parser.add_argument(
            "--until",
            type=_iso_date,
            help="only projects that started on or before this date (YYYY-MM-DD)",
        )
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)

    def handle(self, *args, **options):
        directory = Path(options["directory"])
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            report = cordis_import(
                directory=directory,
                until=options["until"],
                batch_size=options["batch_size"],
                progress=tqdm_progress,
            )
        except CordisFileError as exc:
            raise CommandError(str(exc)) from exc
        self.write_report(report)

    def write_report(self, report: ImportReport) -> None:
        for issue in report.issues[:MAX_ISSUES_SHOWN]:
            self.stderr.write(f"skipped {issue}")
        if len(report.issues) > MAX_ISSUES_SHOWN:
            self.stderr.write(f"... and {len(report.issues) - MAX_ISSUES_SHOWN} more skipped rows")
        self.stdout.write(report.summary())
