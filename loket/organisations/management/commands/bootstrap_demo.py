from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from loket.organisations import cordis
from loket.organisations.demo import (
    CREDENTIALS_FILE,
    demo_accounts_ensure,
    demo_organisation_ensure,
)
from loket.organisations.importing import cordis_import
from loket.organisations.management.commands.import_cordis import tqdm_progress
from loket.organisations.models import Organisation, Project

NEEDED_FILES = (
    "organisations.csv.gz, h2020_projects.csv.gz, fp7_projects.csv.gz, "
    "h2020_participations.csv.gz, fp7_participations.csv.gz"
)


class Command(BaseCommand):
    help = (
        "Prepare a local demo (used by `make run`): import CORDIS data from LOKET_DATA_DIR/cordis "
        "when the directory holds none yet, and create a demo organisation with demo logins. "
        "Idempotent; the second run only prints the logins."
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "bootstrap_demo creates accounts with known passwords; not in production."
            )
        self.import_if_needed()
        self.instruments_load()
        self.match_index_build_if_missing()
        organisation = demo_organisation_ensure()
        var_dir = Path(settings.VAR_DIR)
        logins = demo_accounts_ensure(organisation=organisation, var_dir=var_dir)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo logins (local demo only):"))
        for login in logins:
            self.stdout.write(
                f"  {login.email:<24} password: {login.password:<18} {login.description}"
            )
        self.stdout.write(
            f"  (stored in {var_dir / CREDENTIALS_FILE}; delete it for new passwords)"
        )
        self.stdout.write("")

    def instruments_load(self) -> None:
        from loket.instruments.services.bootstrap import instruments_bootstrap

        result = instruments_bootstrap()
        calls = result["calls"]
        self.stdout.write(
            f"Support instruments: {result['instruments']} in the catalogue; EU call topics: "
            + (
                f"{calls['created']} new, {calls['updated']} updated, {calls['unchanged']} unchanged"
                if calls
                else "none (no eu-calls/topics.jsonl.gz under LOKET_DATA_DIR)"
            )
        )

    def match_index_build_if_missing(self) -> None:
        from loket.matching.index import index_build, index_get

        if index_get() is not None:
            return
        if not Organisation.objects.exists():
            return
        self.stdout.write("Building the partner-matching index (first start only) ...")

        def progress(done: int, total: int) -> None:
            if done == total or done % 2048 == 0:
                self.stdout.write(f"  embedded {done}/{total} passages")

        report = index_build(progress=progress)
        self.stdout.write(
            f"  {report.organisations} organisations indexed in {report.seconds:.0f} s"
        )

    def import_if_needed(self) -> None:
        if Project.objects.exists():
            self.stdout.write(
                "CORDIS data already imported; to refresh: manage.py import_cordis DIR"
            )
            return
        directory = Path(settings.LOKET_DATA_DIR) / "cordis"
        try:
            cordis.locate_files(directory)
        except cordis.CordisFileError as exc:
            self.stdout.write(
                self.style.WARNING(f"No CORDIS data to import ({exc}).\n")
                + "The directory starts empty. To fill it, set LOKET_DATA_DIR to a folder with a "
                "cordis/ subfolder holding\n"
                f"  {NEEDED_FILES}\n"
                "(the layout of data/cordis/README.md) and run `make run` again, or run\n"
                "  python manage.py import_cordis /path/to/cordis"
            )
            return
        self.stdout.write(f"Importing CORDIS data from {directory} (first start only) ...")
        try:
            report = cordis_import(directory=directory, progress=tqdm_progress)
        except cordis.CordisFileError as exc:
            self.stdout.write(self.style.WARNING(f"CORDIS import failed: {exc}; continuing."))
            return
        self.stdout.write(report.summary())
        if report.issues:
            self.stdout.write(f"(first skipped row: {report.issues[0]})")
