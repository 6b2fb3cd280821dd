"""Challenges and partner requests: what an organisation looks for, and what came of it.

Access rules live in policy.py (pure) and are mirrored for lists by ChallengeQuerySet.visible_to.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.organisations.models import InnovationType, Organisation

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from loket.accounts.models import User


class Kind(models.TextChoices):
    CHALLENGE = "challenge", _("Challenge")
    TECHNOLOGY_OFFER = "technology_offer", _("Technology offer")
    TECHNOLOGY_REQUEST = "technology_request", _("Technology request")
    RD_PARTNER_SEARCH = "rd_partner_search", _("R&D partner search for a call")
    BUSINESS_COOPERATION = "business_cooperation", _("Business cooperation")
    PILOT_SITE = "pilot_site", _("Pilot or test site")


class Confidentiality(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Signed-in members only")
    ANONYMOUS = "anonymous", _("Anonymous (our name is hidden until we accept an interest)")
    INVITED = "invited", _("Invited organisations only")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class CloseReason(models.TextChoices):
    PARTNER_FOUND = "partner_found", _("Partner found")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Language(models.TextChoices):
    NL = "nl", _("Dutch")
    EN = "en", _("English")
    FR = "fr", _("French")
    DE = "de", _("German")


class ChallengeQuerySet(models.QuerySet["Challenge"]):
    def listed(self) -> ChallengeQuerySet:
        """What lists and search show: published or closed, not hidden by a curator."""
        return self.filter(status__in=[Status.PUBLISHED, Status.CLOSED], hidden_by_curator=False)

    def visible_to(self, user: User | AnonymousUser | None) -> ChallengeQuerySet:
        """Items whose teaser the user may see. Mirrors policy.access(); tests hold them equal."""
        if user is None or not user.is_authenticated:
            return self.listed().filter(confidentiality=Confidentiality.PUBLIC)
        own = Q(organisation__memberships__user=user)
        published = Q(status__in=[Status.PUBLISHED, Status.CLOSED])
        if user.is_staff:
            return self.filter(own | published).distinct()
        open_to_members = Q(
            confidentiality__in=[
                Confidentiality.PUBLIC,
                Confidentiality.MEMBERS,
                Confidentiality.ANONYMOUS,
            ]
        )
        invited = Q(
            confidentiality=Confidentiality.INVITED,
            invited_organisations__memberships__user=user,
        )
        return self.filter(
            own | (published & Q(hidden_by_curator=False) & (open_to_members | invited))
        ).distinct()


class Challenge(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="challenges"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    teaser = models.TextField(
        _("public teaser"),
        max_length=1500,
        help_text=_("Visible to everyone who may see the item. Say what you look for, not how."),
    )
    details = models.TextField(
        _("protected details"),
        max_length=20000,
        blank=True,
        help_text=_("Only opens to organisations whose interest you accepted (after the NDA)."),
    )
    partner_types = models.JSONField(_("desired partner types"), default=list, blank=True)
    size_classes = models.JSONField(_("desired size classes"), default=list, blank=True)
    regions = models.JSONField(_("desired regions"), default=list, blank=True)
    countries = models.JSONField(_("desired countries"), default=list, blank=True)
    innovation_types = models.ManyToManyField(
        InnovationType, verbose_name=_("innovation types"), blank=True, related_name="challenges"
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    call_reference = models.CharField(
        _("call or instrument"),
        max_length=200,
        blank=True,
        help_text=_("For a partner search: the funding call or instrument identifier."),
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=10,
        choices=Confidentiality.choices,
        default=Confidentiality.MEMBERS,
    )
    invited_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("invited organisations"),
        blank=True,
        related_name="challenge_invitations",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    close_reason = models.CharField(
        _("close reason"), max_length=16, choices=CloseReason.choices, blank=True
    )
    hidden_by_curator = models.BooleanField(default=False)
    # Stemmed title, teaser and tags only: protected details are never indexed.
    search_document = models.TextField(blank=True, editable=False)
    # " kind:x region:y partner:z " tokens so facet filters work the same on SQLite and PostgreSQL.
    facet_document = models.TextField(blank=True, editable=False)
    # Incremented on every edit; a stale form is refused instead of overwriting newer data.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ChallengeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        indexes = [
            models.Index(fields=["status", "confidentiality", "hidden_by_curator"]),
            models.Index(fields=["kind"]),
            models.Index(fields=["deadline"]),
            models.Index(fields=["-published_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed") | Q(close_reason=""),
                name="challenge_close_reason_only_when_closed",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ModerationAction(models.TextChoices):
    REPORT = "report", _("Reported")
    HIDE = "hide", _("Hidden")
    UNHIDE = "unhide", _("Shown again")


class ModerationEvent(models.Model):
    """The reason log: every report and every curator decision."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="moderation_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=8, choices=ModerationAction.choices)
    reason = models.TextField(_("reason"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.action} {self.challenge_id}"


class Attachment(models.Model):
    """A file under MEDIA_ROOT/challenges with a random name, served only by a checked view."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="attachments")
    original_name = models.CharField(max_length=200)
    stored_name = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.original_name


class InterestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class NdaText(models.Model):
    """A versioned mutual NDA text; the hash is over the stored UTF-8 bytes of the text."""

    version = models.PositiveIntegerField()
    language = models.CharField(max_length=2, choices=[("nl", "Nederlands"), ("en", "English")])
    title = models.CharField(max_length=200)
    text = models.TextField()
    sha256 = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["version", "language"], name="nda_text_unique_version")
        ]

    def __str__(self) -> str:
        return f"NDA v{self.version} ({self.language})"

    def save(self, *args, **kwargs) -> None:
        self.sha256 = self.hash_text(self.text)
        super().save(*args, **kwargs)

    @staticmethod
    def hash_text(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def intact(self) -> bool:
        return self.hash_text(self.text) == self.sha256


class ExpressionOfInterest(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="interests")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="challenge_interests"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.TextField(_("message"), max_length=2000)
    status = models.CharField(
        max_length=10, choices=InterestStatus.choices, default=InterestStatus.PENDING
    )
    nda_text = models.ForeignKey(
        NdaText, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "organisation"], name="interest_one_per_organisation"
            )
        ]
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.challenge_id} ({self.status})"

    @property
    def nda_required(self) -> bool:
        return self.nda_text_id is not None


class NdaAcceptance(models.Model):
    """Who accepted which NDA text (by hash), for which organisation, when."""

    interest = models.ForeignKey(
        ExpressionOfInterest, on_delete=models.CASCADE, related_name="nda_acceptances"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="nda_acceptances"
    )
    nda_text = models.ForeignKey(NdaText, on_delete=models.PROTECT, related_name="acceptances")
    text_sha256 = models.CharField(max_length=64)
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["interest", "organisation"], name="nda_acceptance_one_per_side"
            )
        ]

    def __str__(self) -> str:
        return f"NDA {self.nda_text_id} accepted by {self.organisation_id}"


class Conversation(models.Model):
    """The private thread between the poster and one accepted interested organisation."""

    interest = models.OneToOneField(
        ExpressionOfInterest, on_delete=models.CASCADE, related_name="conversation"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"conversation on interest {self.interest_id}"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sender_organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+"
    )
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"message {self.pk}"


class Notification(models.Model):
    """In-app notice. The text never names an anonymous poster: services build it from the title."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="challenge_notifications"
    )
    text = models.CharField(max_length=400)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class SavedSearch(models.Model):
    """An alert: a saved search, or 'new items that match my organisation's profile'."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="challenge_alerts"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    query = models.CharField(_("search words"), max_length=200, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    match_profile = models.BooleanField(
        _("items that match my organisation's profile"), default=False
    )
    frequency = models.CharField(
        _("frequency"), max_length=8, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    active = models.BooleanField(default=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name or self.query or "alert"


class OutcomeKind(models.TextChoices):
    PUBLISHED = "published", _("Published")
    INTEREST = "interest", _("Expression of interest")
    ACCEPTED = "accepted", _("Interest accepted")
    DECLINED = "declined", _("Interest declined")
    NDA_SIGNED = "nda_signed", _("NDA signed by both sides")
    CONVERSATION = "conversation", _("Conversation started")
    PARTNER_FOUND = "partner_found", _("Partner found")
    CLOSED = "closed", _("Closed")


class OutcomeEvent(models.Model):
    """Append-only funnel: match → interest → NDA → collaboration, for later insights."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(max_length=16, choices=OutcomeKind.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    interest = models.ForeignKey(
        ExpressionOfInterest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    detail = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["challenge", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} on {self.challenge_id}"
