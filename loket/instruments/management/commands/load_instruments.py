from django.core.management.base import BaseCommand

from loket.instruments.services import catalogue_load


class Command(BaseCommand):
    help = "Load the support-instrument catalogue from the SERV advice and POM white paper (idempotent)."

    def handle(self, *args, **options):
        report = catalogue_load()
        self.stdout.write(
            f"{report.funders} funders, {report.instruments} instruments, "
            f"{report.modalities} modality values, {report.rules} rules; {report.created} new, "
            f"{report.updated} updated, {report.kept_curated} kept as curators edited them; "
            f"{report.intermediaries_created} intermediaries created, "
            f"{report.intermediary_links} intermediary links added."
        )
