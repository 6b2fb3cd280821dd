from django_tasks import task

from loket.matching.services import profile_vector_refresh


@task()
def profile_reembed(organisation_id: int) -> None:
    """Re-embed one changed profile; never a full rebuild."""
    profile_vector_refresh(organisation_id=organisation_id)
