import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from loket.instruments.services import calls_import_file, default_calls_path


class Command(BaseCommand):
    help = "Import or refresh EU call topics (JSON lines, optionally gzipped); topicId is the key."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", help="default: LOKET_DATA_DIR/eu-calls/topics.jsonl.gz"
        )

    def handle(self, *args, **options):
        path = Path(options["path"]) if options["path"] else default_calls_path()
        if not path.exists():
            raise CommandError(f"{path} does not exist")

        def progress(count: int) -> None:
            if count % 100 == 0:
                self.stderr.write(
                    f"  {count} topics read", ending="\r" if sys.stderr.isatty() else "\n"
                )

        report = calls_import_file(path=path, progress=progress)
        for problem in report.malformed:
            self.stderr.write(f"malformed: {problem}")
        self.stdout.write(
            f"{report.read} read: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.repaired} repaired, "
            f"{len(report.malformed)} malformed."
        )
