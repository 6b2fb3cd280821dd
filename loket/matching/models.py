from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.organisations.models import Organisation


class ProfileVector(models.Model):
    """The latest embedding of one profile, written when the profile changes.

    The memory-mapped index is rebuilt in bulk; vectors newer than the index overlay it, so a
    profile change never needs a full rebuild.
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="match_vector"
    )
    encoder = models.CharField(max_length=32)
    vector = models.BinaryField()
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("profile vector")
        verbose_name_plural = _("profile vectors")

    def __str__(self) -> str:
        return f"{self.organisation_id} ({self.encoder})"


class FeedbackVerdict(models.TextChoices):
    USEFUL = "useful", _("Useful")
    NOT_RELEVANT = "not_relevant", _("Not relevant")


class MatchFeedback(models.Model):
    """A user's verdict on one proposed partner for one need."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="match_feedback",
    )
    need = models.TextField(_("need"), max_length=2000)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="match_feedback"
    )
    verdict = models.CharField(_("verdict"), max_length=16, choices=FeedbackVerdict.choices)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("match feedback")
        verbose_name_plural = _("match feedback")
        indexes = [models.Index(fields=["organisation", "verdict"])]

    def __str__(self) -> str:
        return f"{self.verdict} for {self.organisation_id}"
