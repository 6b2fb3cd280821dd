from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "loket.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from loket.organisations import signals  # noqa: F401 - connects the cache invalidation
