"""Signal receivers, for cache invalidation only (domain rules live in services.py)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from loket.organisations.directory_cache import directory_cache_clear
from loket.organisations.models import Organisation


@receiver(post_save, sender=Organisation, dispatch_uid="organisations_directory_cache_save")
@receiver(post_delete, sender=Organisation, dispatch_uid="organisations_directory_cache_delete")
def _organisation_changed(**kwargs: Any) -> None:
    directory_cache_clear()


@receiver(
    m2m_changed,
    sender=Organisation.innovation_types.through,
    dispatch_uid="organisations_directory_cache_innovation",
)
def _innovation_types_changed(**kwargs: Any) -> None:
    directory_cache_clear()
