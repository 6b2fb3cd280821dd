from django.core.management.base import BaseCommand

from loket.challenges import services
from loket.challenges.models import Frequency


class Command(BaseCommand):
    help = "Send due challenge alert digests (run daily; weekly alerts go out every seventh day)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--frequency", choices=[*Frequency.values, "all"], default="all")

    def handle(self, *args, frequency: str = "all", **options) -> None:
        frequencies = Frequency.values if frequency == "all" else [frequency]
        for value in frequencies:
            sent = services.digests_send(frequency=value)
            self.stdout.write(f"{value}: {sent} digests sent")
