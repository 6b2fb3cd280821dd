from django.core.management.base import BaseCommand

from loket.challenges import services


class Command(BaseCommand):
    help = "Close published challenges whose deadline has passed (run daily)."

    def handle(self, *args, **options) -> None:
        closed = services.challenges_expire()
        self.stdout.write(f"{closed} expired")
