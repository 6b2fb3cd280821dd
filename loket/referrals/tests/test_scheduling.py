"""run_scheduled_jobs, the stale-task reaper and tasks that are safe to deliver twice."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from loket.referrals import scheduling, services
from loket.referrals.models import CaseEvent, EventKind, ScheduledJobRun
from loket.referrals.tasks import case_event_notify

IP_QUESTION = "Wij willen een octrooi aanvragen op onze nieuwe sensor. Hoe pakken we dat aan?"

pytestmark = pytest.mark.django_db


def running_task(*, started_minutes_ago: int, workers: list[str]) -> DBTaskResult:
    now = timezone.now()
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        started_at=now - timedelta(minutes=started_minutes_ago),
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="loket.referrals.tasks.case_event_notify",
        worker_ids=workers,
        backend_name="default",
        run_after=now - timedelta(hours=2),
    )


def test_reaper_requeues_abandoned_tasks_and_gives_up_after_max_attempts():
    abandoned = running_task(started_minutes_ago=45, workers=["w1"])
    hopeless = running_task(started_minutes_ago=45, workers=["w1", "w2", "w3"])
    busy = running_task(started_minutes_ago=5, workers=["w4"])
    report = scheduling.task_results_reap_stale(stale_after=timedelta(minutes=30), max_attempts=3)
    assert (report.requeued, report.failed) == (1, 1)
    for row in (abandoned, hopeless, busy):
        row.refresh_from_db()
    assert abandoned.status == TaskResultStatus.READY and abandoned.started_at is None
    assert abandoned.worker_ids == ["w1"]  # attempts are still counted
    assert hopeless.status == TaskResultStatus.FAILED
    assert hopeless.exception_class_path == scheduling.WORKER_LOST
    assert "w3" in hopeless.traceback and hopeless.finished_at is not None
    assert busy.status == TaskResultStatus.RUNNING
    # Nothing left to do the second time.
    again = scheduling.task_results_reap_stale(stale_after=timedelta(minutes=30))
    assert (again.requeued, again.failed) == (0, 0)


def test_reaper_leaves_a_task_that_finished_meanwhile_alone():
    row = running_task(started_minutes_ago=45, workers=["w1"])
    DBTaskResult.objects.filter(pk=row.pk).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now()
    )
    assert scheduling.task_results_reap_stale().requeued == 0
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db(transaction=True)
def test_killed_worker_the_task_runs_again_and_mails_go_out_exactly_once(
    settings, anna, org_a, profiles
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    services.case_open(question=IP_QUESTION, user=anna, organisation=org_a)
    opened = CaseEvent.objects.get(kind=EventKind.OPENED)
    row = DBTaskResult.objects.get(args_kwargs__args=[opened.pk])
    assert len(mail.outbox) == 0  # queued for the worker, nothing sent yet
    # A worker claims it and is killed: the row stays RUNNING for ever.
    row.claim("killed-worker")
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - timedelta(hours=1))
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    assert len(mail.outbox) == 0
    call_command("run_scheduled_jobs", "--only", "referrals.case_reminders")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.worker_ids[0] == "killed-worker" and len(row.worker_ids) == 2
    sent = len(mail.outbox)
    assert sent == 1 and mail.outbox[0].to == [anna.email]  # the holder has no staff here
    # The same task delivered again sends nothing more.
    case_event_notify.enqueue(opened.pk)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    assert len(mail.outbox) == sent
    opened.refresh_from_db()
    assert opened.notified_at is not None


def test_notify_task_is_idempotent(anna, org_a, profiles, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.case_open(question=IP_QUESTION, user=anna, organisation=org_a)
    sent = len(mail.outbox)
    assert sent > 0
    opened = CaseEvent.objects.get(kind=EventKind.OPENED)
    assert case_event_notify.call(opened.pk) == 0
    assert len(mail.outbox) == sent


def idle_case(anna, org_a):
    case = services.case_open(question=IP_QUESTION, user=anna, organisation=org_a)
    long_ago = timezone.now() - timedelta(days=30)
    type(case).objects.filter(pk=case.pk).update(last_activity_at=long_ago, received_at=long_ago)
    return case


def test_command_runs_due_jobs_once_per_interval(anna, org_a, profiles, capsys):
    case = idle_case(anna, org_a)
    call_command("run_scheduled_jobs")
    assert "referrals.case_reminders: 1 reminder(s) sent" in capsys.readouterr().out
    assert case.events.filter(kind=EventKind.REMINDER).count() == 1
    run = ScheduledJobRun.objects.get(name="referrals.case_reminders")
    assert run.last_ok is True and run.last_finished_at is not None
    call_command("run_scheduled_jobs")
    assert "referrals.case_reminders: not due" in capsys.readouterr().out
    # Forced, the job runs, but a case reminded a moment ago is not reminded again.
    call_command("run_scheduled_jobs", "--force")
    assert "0 reminder(s) sent" in capsys.readouterr().out
    assert case.events.filter(kind=EventKind.REMINDER).count() == 1


def test_job_claim_is_taken_once_per_interval():
    now = timezone.now()
    every = timedelta(hours=1)
    assert scheduling.job_claim(name="x.y", every=every, now=now)
    assert not scheduling.job_claim(name="x.y", every=every, now=now + timedelta(minutes=59))
    assert scheduling.job_claim(name="x.y", every=every, now=now + timedelta(minutes=60))


def test_failing_job_is_recorded_and_reported():
    def broken(now):
        raise RuntimeError("kapot")

    job = scheduling.Job(name="test.broken", every=timedelta(minutes=1), run=broken)
    outcome = scheduling.job_run(job=job, now=timezone.now())
    assert outcome.ran and not outcome.ok and "kapot" in outcome.message
    run = ScheduledJobRun.objects.get(name="test.broken")
    assert run.last_ok is False and "kapot" in run.last_message


def test_command_lists_jobs_and_refuses_unknown_ones(capsys):
    call_command("run_scheduled_jobs", "--list")
    assert "referrals.case_reminders" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("run_scheduled_jobs", "--only", "nope")
    with pytest.raises(CommandError):
        call_command("run_scheduled_jobs", "--stale-after", "0")


def test_reminder_is_sent_once_when_two_runs_overlap(anna, org_a, profiles):
    case = idle_case(anna, org_a)
    now = timezone.now()
    # Both runs computed the idle list before either sent: the lock and re-check stop the second.
    first, second = services.cases_idle(now=now), services.cases_idle(now=now)
    assert [c.pk for c in first] == [c.pk for c in second] == [case.pk]
    assert services.case_reminder_send(case=first[0], now=now) is True
    assert services.case_reminder_send(case=second[0], now=now) is False
    assert case.events.filter(kind=EventKind.REMINDER).count() == 1
