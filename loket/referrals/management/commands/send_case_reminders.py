from django.core.management.base import BaseCommand

from loket.referrals.services import case_reminders_send


class Command(BaseCommand):
    help = "Remind intermediaries of cases waiting longer than their response-time promise."

    def handle(self, *args, **options) -> None:
        sent = case_reminders_send()
        self.stdout.write(f"{sent} reminder(s) sent")
