"""The one-stop shop: intermediary profiles, cases, their history, holdings and hand-overs."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from loket.organisations.models import Organisation, OrganisationType, Region
from loket.referrals import states

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from loket.accounts.models import User


class Service(models.TextChoices):
    """What an intermediary can help with; the same codes as routing.SERVICE_KEYWORDS (tested)."""

    IP_LICENSING = "ip_licensing", _("IP and licensing")
    FUNDING = "funding", _("Funding advice")
    PARTNER_SEARCH = "partner_search", _("Partner search")
    TECHNOLOGY_SCAN = "technology_scan", _("Technology scan")
    INTERNATIONALISATION = "internationalisation", _("Internationalisation")
    PROTOTYPING = "prototyping", _("Prototyping and testing")
    DIGITALISATION = "digitalisation", _("Digitalisation")
    SUSTAINABILITY = "sustainability", _("Sustainability and circular economy")
    STARTING_UP = "starting_up", _("Starting and growing a business")
    RESEARCH = "research", _("Research collaboration")


class TargetGroup(models.TextChoices):
    STARTUP = "startup", _("Start-ups")
    SME = "sme", _("SMEs")
    LARGE = "large", _("Large companies")
    KNOWLEDGE = "knowledge", _("Knowledge institutions")
    PUBLIC = "public", _("Public bodies")
    SOCIAL_PROFIT = "social_profit", _("Social-profit organisations")


class Language(models.TextChoices):
    NL = "nl", _("Dutch")
    EN = "en", _("English")
    FR = "fr", _("French")


class IntermediaryProfileQuerySet(models.QuerySet["IntermediaryProfile"]):
    def listed(self) -> IntermediaryProfileQuerySet:
        """Approved profiles of intermediaries whose organisation is listed publicly."""
        return self.filter(
            approved=True,
            organisation__org_type=OrganisationType.INTERMEDIARY,
            organisation__visibility="public",
        )

    def accepting(self) -> IntermediaryProfileQuerySet:
        return self.listed().filter(accepts_cases=True)


class IntermediaryProfile(models.Model):
    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="intermediary_profile",
        limit_choices_to={"org_type": OrganisationType.INTERMEDIARY},
    )
    services = models.JSONField(_("services"), default=list, blank=True)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    instrument_links = models.ManyToManyField(
        "instruments.Instrument",
        verbose_name=_("instruments we help with"),
        blank=True,
        related_name="intermediary_profiles",
    )
    # Free text for what the catalogue does not list (local schemes, private funds).
    instruments = models.TextField(_("other instruments"), blank=True, max_length=5000)
    activities = models.TextField(_("activities and events"), blank=True, max_length=5000)
    regions_served = models.JSONField(_("regions served"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    response_days = models.PositiveSmallIntegerField(
        _("response-time promise (working days)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    accepts_cases = models.BooleanField(_("accepts questions"), default=True)
    contact_email = models.EmailField(_("contact e-mail address"), blank=True)
    # Anyone may register an organisation as an intermediary; a profile made on the self-service
    # page stays out of the directory and routing until a curator approves it (admin).
    approved = models.BooleanField(_("approved by a curator"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IntermediaryProfileQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("intermediary profile")
        verbose_name_plural = _("intermediary profiles")

    def __str__(self) -> str:
        return str(self.organisation)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors: dict[str, str | Promise] = {}
        if self.organisation_id and self.organisation.org_type != OrganisationType.INTERMEDIARY:
            errors["organisation"] = _("Only intermediaries have an intermediary profile.")
        for field, allowed in [
            ("services", Service.values),
            ("target_groups", TargetGroup.values),
            ("regions_served", Region.values),
            ("languages", Language.values),
        ]:
            value = getattr(self, field)
            if not isinstance(value, list) or any(item not in allowed for item in value):
                errors[field] = _("Choose values from the list.")
        if errors:
            raise ValidationError(errors)

    @property
    def service_labels(self) -> list[str]:
        return [str(Service(code).label) for code in self.services if code in Service.values]

    @property
    def region_labels(self) -> list[str]:
        return [str(Region(code).label) for code in self.regions_served if code in Region.values]

    @property
    def target_group_labels(self) -> list[str]:
        return [
            str(TargetGroup(code).label)
            for code in self.target_groups
            if code in TargetGroup.values
        ]

    @property
    def language_labels(self) -> list[str]:
        return [str(Language(code).label) for code in self.languages if code in Language.values]


class CaseState(models.TextChoices):
    NEW = states.NEW, _("New")
    TRIAGED = states.TRIAGED, _("Triaged")
    REFERRED = states.REFERRED, _("Referred")
    IN_PROGRESS = states.IN_PROGRESS, _("In progress")
    ANSWERED = states.ANSWERED, _("Answered")
    CLOSED = states.CLOSED, _("Closed")


class Outcome(models.TextChoices):
    SOLVED = "solved", _("Question answered")
    PARTLY = "partly", _("Partly answered")
    NOT_SOLVED = "not_solved", _("Could not be answered")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")
    WITHDRAWN = "withdrawn", _("Withdrawn by the requester")


def _new_access_key() -> str:
    return secrets.token_urlsafe(24)


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: User | AnonymousUser | None) -> CaseQuerySet:
        """The requester, members of the requester's organisation, staff of every holder so far."""
        if user is None or not user.is_authenticated:
            return self.none()
        held = CaseHolding.objects.filter(case=OuterRef("pk"), organisation__memberships__user=user)
        return self.filter(
            Q(requester_user=user)
            | Q(requester_organisation__memberships__user=user)
            | Exists(held)
        ).distinct()

    def held_by(self, organisation: Organisation) -> CaseQuerySet:
        return self.filter(holdings__organisation=organisation).distinct()

    def open(self) -> CaseQuerySet:
        return self.exclude(state=CaseState.CLOSED)


class Case(models.Model):
    requester_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("requester"),
    )
    requester_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases_asked",
        verbose_name=_("requesting organisation"),
    )
    visitor_name = models.CharField(_("name"), max_length=200, blank=True)
    visitor_email = models.EmailField(_("e-mail address"), blank=True)
    # Consent to store the question and contact the requester about it (required for visitors).
    contact_consent_at = models.DateTimeField(null=True, blank=True)
    # Consent to hand the case, with its history, over to another intermediary.
    share_consent_at = models.DateTimeField(null=True, blank=True)
    question = models.TextField(_("question"), max_length=5000)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.NL
    )
    topics = models.JSONField(_("topics"), default=list, blank=True)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=CaseState.choices, default=CaseState.NEW
    )
    holder = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="cases_held",
        limit_choices_to={"org_type": OrganisationType.INTERMEDIARY},
        verbose_name=_("current holder"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases_assigned",
        verbose_name=_("assignee"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    # When the current holder received the case (opening or the last hand-over).
    received_at = models.DateTimeField(default=timezone.now)
    first_response_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    last_reminder_at = models.DateTimeField(null=True, blank=True)
    closing_summary = models.TextField(_("closing summary"), blank=True, max_length=5000)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_comment = models.TextField(_("comment"), blank=True, max_length=2000)
    rated_at = models.DateTimeField(null=True, blank=True)
    access_key = models.CharField(max_length=64, default=_new_access_key, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["holder", "state"]),
            models.Index(fields=["state", "last_activity_at"]),
            models.Index(fields=["created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="case_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(state__in=CaseState.values), name="case_state_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(requester_user__isnull=False)
                    | (~Q(visitor_email="") & Q(contact_consent_at__isnull=False))
                ),
                name="case_requester_or_consenting_visitor",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.question[:50]}"

    @property
    def requester_email(self) -> str:
        if self.requester_user_id and self.requester_user is not None:
            return self.requester_user.email
        return self.visitor_email

    @property
    def requester_label(self) -> str:
        if self.requester_user_id and self.requester_user is not None:
            return self.requester_user.display_name
        return self.visitor_name or self.visitor_email

    @property
    def is_visitor_case(self) -> bool:
        return self.requester_user_id is None

    def access_token(self) -> str:
        """The secret in a visitor's link; derived, so a database leak alone does not reveal it."""
        return salted_hmac(
            "loket.referrals.case-access", f"{self.pk}:{self.access_key}", algorithm="sha256"
        ).hexdigest()[:40]

    def access_token_matches(self, token: str) -> bool:
        return constant_time_compare(self.access_token(), token or "")

    @property
    def topic_labels(self) -> list[str]:
        return [str(Service(code).label) for code in self.topics if code in Service.values]

    @property
    def allowed_next_states(self) -> list[str]:
        return sorted(states.next_states(self.state))


class EventKind(models.TextChoices):
    OPENED = "opened", _("Question asked")
    TRANSITION = "transition", _("State changed")
    ASSIGNED = "assigned", _("Assigned")
    REFERRED = "referred", _("Handed over")
    MESSAGE = "message", _("Message to the requester")
    NOTE = "note", _("Internal note")
    LINK = "link", _("Link added")
    RATED = "rated", _("Rated")
    CONSENT = "consent", _("Consent recorded")
    REMINDER = "reminder", _("Reminder sent")


class CaseEvent(models.Model):
    """Every transition, message and note, with who and when. Internal ones stay with the staff."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    from_state = models.CharField(max_length=12, choices=CaseState.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=CaseState.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(blank=True, max_length=10000)
    internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    # Set in the same transaction as the e-mails go out: a task delivered twice sends them once.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "created_at"])]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"#{self.case_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class CaseHolding(models.Model):
    """Which intermediaries held a case and when; holding it once grants access for good."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="holdings")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="case_holdings"
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_at__isnull=True), name="case_one_open_holding"
            )
        ]
        verbose_name = _("case holding")
        verbose_name_plural = _("case holdings")

    def __str__(self) -> str:
        return f"#{self.case_id} held by {self.organisation_id}"


class Referral(models.Model):
    """A hand-over to another intermediary, made with the requester's consent."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_out"
    )
    to_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_in"
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=2000)
    consent_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_organisation=models.F("to_organisation")),
                name="referral_to_another_intermediary",
            )
        ]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"#{self.case_id}: {self.from_organisation_id} → {self.to_organisation_id}"


class CaseLink(models.Model):
    """A reference from a case to an organisation, instrument or challenge."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links")
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    label = models.CharField(max_length=300)
    # Suggested at intake (visible to the requester) or added by staff (internal by default).
    internal = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "target_type", "target_id"], name="case_link_unique"
            )
        ]
        verbose_name = _("case link")
        verbose_name_plural = _("case links")

    def __str__(self) -> str:
        return self.label


class ScheduledJobRun(models.Model):
    """When `run_scheduled_jobs` last started and finished one job (one row per job name)."""

    name = models.CharField(max_length=100, unique=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_ok = models.BooleanField(null=True, blank=True)
    last_message = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["name"]
        verbose_name = _("scheduled job run")
        verbose_name_plural = _("scheduled job runs")

    def __str__(self) -> str:
        return self.name
