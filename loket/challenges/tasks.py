"""Background work: load by id, call a service, stop."""

from django_tasks import task

from loket.challenges import services


@task()
def notification_email_send(notification_pk: int) -> bool:
    return services.notification_email_deliver(notification_pk=notification_pk)


@task()
def challenges_expire_task() -> int:
    return services.challenges_expire()


@task()
def challenge_digests_send_task(frequency: str) -> int:
    return services.digests_send(frequency=frequency)
