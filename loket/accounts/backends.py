"""Curators (is_staff) may manage Loket's own data in the Django admin without per-model grants.

Django's own tables (users' groups and permissions) and authenticators stay with superusers.
"""

from django.apps import apps
from django.contrib.auth.backends import BaseBackend


def _is_loket_app(app_label: str) -> bool:
    try:
        return apps.get_app_config(app_label).name.startswith("loket.")
    except LookupError:
        return False


class CuratorPermissionBackend(BaseBackend):
    """Grants nothing at login; answers has_perm for active staff on loket.* apps."""

    def authenticate(self, request, **credentials):  # type: ignore[no-untyped-def]
        return None

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:  # type: ignore[no-untyped-def]
        if not (user_obj.is_active and user_obj.is_staff):
            return False
        app_label, _, _codename = perm.partition(".")
        return _is_loket_app(app_label)

    def has_module_perms(self, user_obj, app_label: str) -> bool:  # type: ignore[no-untyped-def]
        return bool(user_obj.is_active and user_obj.is_staff and _is_loket_app(app_label))
