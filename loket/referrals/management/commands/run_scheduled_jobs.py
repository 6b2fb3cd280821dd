"""Run from cron every few minutes, e.g. `*/5 * * * * cd /srv/loket && .venv/bin/python manage.py
run_scheduled_jobs`. Reaps tasks a killed worker left running, then runs every due job of every
app (`<app>/jobs.py`, SCHEDULED_JOBS). Exit status 1 when a job failed, so cron reports it."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from loket.referrals.scheduling import (
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_STALE_AFTER,
    jobs_discover,
    jobs_run,
    task_results_reap_stale,
)


class Command(BaseCommand):
    help = (
        "Requeue tasks left running by a killed worker, then run the periodic jobs that are due "
        "(meant for cron, every few minutes)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--list", action="store_true", help="List the jobs and stop.")
        parser.add_argument("--only", default="", help="Run only the job with this name.")
        parser.add_argument(
            "--force", action="store_true", help="Run the jobs even if they are not due."
        )
        parser.add_argument(
            "--stale-after",
            type=int,
            default=int(DEFAULT_STALE_AFTER.total_seconds() // 60),
            help="Minutes after which a running task counts as abandoned (default: 30).",
        )
        parser.add_argument(
            "--max-attempts",
            type=int,
            default=DEFAULT_MAX_ATTEMPTS,
            help="Claims after which an abandoned task is marked failed (default: 3).",
        )

    def handle(self, *args, **options) -> None:
        jobs = jobs_discover()
        if options["list"]:
            for job in jobs:
                self.stdout.write(f"{job.name}\tevery {job.every}")
            return
        if options["only"] and options["only"] not in {job.name for job in jobs}:
            raise CommandError(f"Unknown job {options['only']!r}")
        if options["stale_after"] < 1 or options["max_attempts"] < 1:
            raise CommandError("--stale-after and --max-attempts must be at least 1")
        report = task_results_reap_stale(
            stale_after=timedelta(minutes=options["stale_after"]),
            max_attempts=options["max_attempts"],
        )
        self.stdout.write(str(report))
        failed = []
        for outcome in jobs_run(only=options["only"], force=options["force"]):
            if not outcome.ran:
                self.stdout.write(f"{outcome.name}: not due")
            elif outcome.ok:
                self.stdout.write(f"{outcome.name}: {outcome.message}")
            else:
                self.stderr.write(f"{outcome.name}: FAILED {outcome.message}")
                failed.append(outcome.name)
        if failed:
            raise CommandError(f"Failed: {', '.join(failed)}")
