"""Periodic jobs for cron, and the reaper of tasks a killed django-tasks worker left "running".

Two processes run in production next to the web server (see loket/referrals/README.md):

- `manage.py db_worker` (django-tasks-db) runs enqueued tasks: e-mails, re-embedding, imports.
- `manage.py run_scheduled_jobs`, from cron every few minutes, first puts back tasks whose worker
  died (`task_results_reap_stale`), then runs each periodic job that is due.

A periodic job is any object with `name` (unique, "app.what"), `every` (a timedelta) and
`run(now) -> object` (a short summary). Each app lists its jobs as `SCHEDULED_JOBS` in its own
`jobs.py`; the command finds them there, so other apps add jobs without touching this module.
Jobs must be safe to run twice (a slow run may overlap the next one): the referral reminders
re-check each case under a row lock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from loket.referrals.models import ScheduledJobRun

logger = logging.getLogger(__name__)

DEFAULT_STALE_AFTER = timedelta(minutes=30)
DEFAULT_MAX_ATTEMPTS = 3
WORKER_LOST = "loket.referrals.scheduling.WorkerLost"


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[datetime], Any]


# ---------------------------------------------------------------- stale tasks


@dataclass
class ReapReport:
    requeued: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"{self.requeued} stale task(s) requeued, {self.failed} given up"


def task_results_reap_stale(
    *,
    now: datetime | None = None,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> ReapReport:
    """Put tasks that have been "running" for longer than `stale_after` back in the queue.

    django-tasks-db marks a task RUNNING when a worker claims it and nothing else ever changes it
    if that worker is killed. Each claim appends the worker's id, so a task that already had
    `max_attempts` claims is marked FAILED instead of being tried forever. Every change is a
    conditional update on the status and start time seen, so a worker that finishes meanwhile
    wins. `stale_after` must exceed the longest task (imports use their own commands).
    """
    now = now or timezone.now()
    report = ReapReport()
    stale = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - stale_after
    ).only("id", "started_at", "worker_ids")
    for row in stale:
        same = DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
        )
        if len(row.worker_ids or []) >= max_attempts:
            report.failed += same.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=WORKER_LOST,
                traceback=(
                    f"The worker(s) {', '.join(row.worker_ids)} stopped while running this task "
                    f"{len(row.worker_ids)} time(s); not retried again."
                ),
            )
        else:
            report.requeued += same.update(status=TaskResultStatus.READY, started_at=None)
    if report.requeued or report.failed:
        logger.warning("reaped stale tasks: %s", report)
    return report


# ---------------------------------------------------------------- periodic jobs


def jobs_discover() -> list[Any]:
    """Every app's `jobs.SCHEDULED_JOBS`, in app order; duplicate names are an error."""
    found: list[Any] = []
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.jobs"
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name == module_name:
                continue
            raise
        found.extend(getattr(module, "SCHEDULED_JOBS", []))
    names = [job.name for job in found]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise ValueError(f"Scheduled job names used twice: {', '.join(sorted(duplicates))}")
    return found


def job_claim(*, name: str, every: timedelta, now: datetime, force: bool = False) -> bool:
    """Mark the job started if it is due; one conditional update, so two cron runs that overlap
    cannot both claim the same slot."""
    try:
        with transaction.atomic():
            ScheduledJobRun.objects.get_or_create(name=name)
    except IntegrityError:  # created by a concurrent run a moment ago
        pass
    due = ScheduledJobRun.objects.filter(name=name)
    if not force:
        due = due.filter(Q(last_started_at__isnull=True) | Q(last_started_at__lte=now - every))
    return due.update(last_started_at=now) == 1


@dataclass
class JobOutcome:
    name: str
    ran: bool
    ok: bool = True
    message: str = ""


def job_run(*, job: Any, now: datetime, force: bool = False) -> JobOutcome:
    """Run one job if due and record how it went; a failing job never stops the others."""
    if not job_claim(name=job.name, every=job.every, now=now, force=force):
        return JobOutcome(name=job.name, ran=False)
    try:
        result = job.run(now)
    except Exception as error:
        logger.exception("scheduled job %s failed", job.name)
        outcome = JobOutcome(name=job.name, ran=True, ok=False, message=repr(error)[:2000])
    else:
        outcome = JobOutcome(name=job.name, ran=True, message=str(result)[:2000])
    ScheduledJobRun.objects.filter(name=job.name).update(
        last_finished_at=timezone.now(), last_ok=outcome.ok, last_message=outcome.message
    )
    return outcome


def jobs_run(
    *, now: datetime | None = None, only: str = "", force: bool = False
) -> list[JobOutcome]:
    now = now or timezone.now()
    jobs = [job for job in jobs_discover() if not only or job.name == only]
    return [job_run(job=job, now=now, force=force) for job in jobs]
