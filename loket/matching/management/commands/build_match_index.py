from django.core.management.base import BaseCommand

from loket.matching.index import index_build


class Command(BaseCommand):
    help = "Embed every organisation profile and write a fresh match index."

    def handle(self, *args, **options):
        def progress(done: int, total: int) -> None:
            if done == total or done % 5120 == 0:
                self.stderr.write(f"embedded {done}/{total} passages")

        report = index_build(progress=progress)
        self.stdout.write(
            f"{report.organisations} organisations, {report.passages} passages, "
            f"{report.seconds:.1f} s ({report.embed_seconds:.1f} s embedding) → {report.path}"
        )
