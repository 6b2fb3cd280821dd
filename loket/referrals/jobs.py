"""Periodic jobs of the one-stop shop, run by `manage.py run_scheduled_jobs` (see scheduling.py)."""

from datetime import datetime, timedelta

from loket.referrals.scheduling import Job


def _reminders(now: datetime) -> str:
    from loket.referrals.services import case_reminders_send

    return f"{case_reminders_send(now=now)} reminder(s) sent"


SCHEDULED_JOBS = [
    # Idle stretches are counted in working days; checking hourly reminds within the hour.
    Job(name="referrals.case_reminders", every=timedelta(hours=1), run=_reminders),
]
