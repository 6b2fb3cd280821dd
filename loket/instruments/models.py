"""Support instruments: funders, instruments, collaboration modalities, EU call topics,
eligibility rules as data, saved wizard results, administrative burden and a change log."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    import datetime


class Level(models.TextChoices):
    PROVINCIAL = "provincial", _("Provincial")
    FLEMISH = "flemish", _("Flemish")
    FEDERAL = "federal", _("Federal")
    EUROPEAN = "european", _("European")


class Category(models.TextChoices):
    SUBSIDY = "subsidy", _("Subsidy or financial support")
    INVESTMENT = "investment", _("Investment or loan")
    FACILITY = "facility", _("Facility")
    AWARENESS = "awareness", _("Awareness-raising")
    INTERMEDIARY = "intermediary", _("Intermediary")


class TargetGroup(models.TextChoices):
    MICRO = "micro", _("Micro companies")
    SMALL = "small", _("Small companies")
    MEDIUM = "medium", _("Medium-sized companies")
    LARGE = "large", _("Large companies")
    STARTUP = "startup", _("Start-ups")
    SOCIAL_PROFIT = "social_profit", _("Social-profit organisations")
    KNOWLEDGE_INSTITUTION = "knowledge_institution", _("Knowledge institutions")
    CONSORTIUM = "consortium", _("Consortia")
    PUBLIC_BODY = "public_body", _("Public bodies")


class Modality(models.TextChoices):
    """The five collaboration modalities of the SERV advice, Tables 1 and 3 (in column order)."""

    JOINT_APPLICATION = "joint_application", _("Joint application")
    USER_GROUP = "user_group", _("User group / sounding board")
    PARTICIPANTS = "participants", _("Participants / executors")
    DISSEMINATION = "dissemination", _("Use and dissemination of results")
    SPILLOVER = "spillover", _("Spin-off / spillover")


class Requirement(models.TextChoices):
    OBLIGATORY = "obligatory", _("Collaboration obligatory")
    ENCOURAGED = "encouraged", _("Collaboration encouraged")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    RESEARCH = "research", _("Research")
    DEVELOPMENT = "development", _("Development and prototype")
    DEMONSTRATION = "demonstration", _("Demonstration and pilot")
    MARKET = "market", _("Market introduction and growth")


class Funder(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("succeeded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessors",
    )
    website = models.URLField(_("website"), blank=True)
    is_historical = models.BooleanField(_("historical"), default=False)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("funder")
        verbose_name_plural = _("funders")

    def __str__(self) -> str:
        return self.short_name or self.name


class InstrumentQuerySet(models.QuerySet["Instrument"]):
    def current(self) -> InstrumentQuerySet:
        return self.filter(is_historical=False)


class Instrument(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    funder = models.ForeignKey(
        Funder, verbose_name=_("funder"), on_delete=models.PROTECT, related_name="instruments"
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    category = models.CharField(_("category"), max_length=14, choices=Category.choices)
    summary = models.TextField(_("summary"), blank=True)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    funding_rate_min = models.DecimalField(
        _("minimum funding rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    funding_rate_max = models.DecimalField(
        _("maximum funding rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    amount_min = models.DecimalField(
        _("minimum amount (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    amount_max = models.DecimalField(
        _("maximum amount (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    call_windows = models.JSONField(
        _("call windows"),
        default=list,
        blank=True,
        help_text=_('List of {"label": ..., "opens": "YYYY-MM-DD", "closes": "YYYY-MM-DD"}.'),
    )
    application_steps = models.JSONField(_("application steps"), default=list, blank=True)
    evaluation_criteria = models.JSONField(_("evaluation criteria"), default=list, blank=True)
    spillover_counts = models.BooleanField(
        _("spillover counts in the evaluation"), null=True, blank=True
    )
    intermediaries = models.ManyToManyField(
        "organisations.Organisation",
        verbose_name=_("intermediaries who help"),
        blank=True,
        related_name="supported_instruments",
        limit_choices_to={"org_type": "intermediary"},
    )
    website = models.URLField(_("website"), blank=True)
    source_document = models.CharField(_("source document"), max_length=300, blank=True)
    source_section = models.CharField(_("source section or table"), max_length=200, blank=True)
    source_url = models.URLField(_("source URL"), blank=True)
    source_date = models.DateField(_("source date"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_historical = models.BooleanField(
        _("historical"), default=False, help_text=_("Kept for reference; no longer open.")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        indexes = [models.Index(fields=["level", "category"])]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class CollaborationModality(models.Model):
    """How companies take part in an instrument, per modality (SERV Tables 1 and 3).

    `variant` names a sub-form when the seed lists one (e.g. "TETRA-partners" is obligatory for
    spillover while "TETRA-open-netwerk" only encourages it).
    """

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="modalities")
    modality = models.CharField(_("modality"), max_length=20, choices=Modality.choices)
    requirement = models.CharField(_("requirement"), max_length=16, choices=Requirement.choices)
    variant = models.CharField(_("variant"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)
    source_section = models.CharField(_("source section or table"), max_length=200, blank=True)

    class Meta:
        ordering = ["instrument__name", "modality"]
        verbose_name = _("collaboration modality")
        verbose_name_plural = _("collaboration modalities")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "modality", "variant"], name="modality_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.variant or self.instrument}: {self.modality} = {self.requirement}"

    @property
    def label(self) -> str:
        return self.variant or self.instrument.display_name


class RuleKind(models.TextChoices):
    ORG_TYPE_IN = "org_type_in", _("Organisation type is one of")
    SIZE_CLASS_IN = "size_class_in", _("Size class is one of")
    REGION_IN = "region_in", _("Region is one of")
    STAGE_IN = "stage_in", _("Stage is one of")
    BUDGET_RANGE = "budget_range", _("Budget within a range")
    THEME_KEYWORDS = "theme_keywords", _("Theme matches keywords")
    MIN_ENTITIES_COUNTRIES = (
        "min_entities_countries",
        _("Minimum independent entities from distinct eligible countries"),
    )
    MIN_COMPANIES = "min_companies", _("Minimum independent companies, SME, cost share cap")
    MIN_PARTNERS = "min_partners", _("Minimum number of partners of given types")
    OPEN_WITHIN = "open_within", _("A call window is open within the planned timing")


class EligibilityRule(models.Model):
    """One condition of an instrument, as data: a kind and its parameters (see rules.py)."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="eligibility_rules"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=RuleKind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    is_required = models.BooleanField(
        _("required"),
        default=True,
        help_text=_("A required rule that fails excludes the instrument."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    source_section = models.CharField(_("source"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["instrument", "position", "pk"]
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")

    def __str__(self) -> str:
        return f"{self.instrument}: {self.kind}"


class CallStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FORTHCOMING = "forthcoming", _("Forthcoming")
    CLOSED = "closed", _("Closed")


class CallTopicQuerySet(models.QuerySet["CallTopic"]):
    def open_or_forthcoming(self) -> CallTopicQuerySet:
        return self.filter(status__in=[CallStatus.OPEN, CallStatus.FORTHCOMING])

    def upcoming(self, today: datetime.date) -> CallTopicQuerySet:
        return self.open_or_forthcoming().filter(Q(deadline__gte=today) | Q(deadline=None))


class CallTopic(models.Model):
    """An EU call topic from the Funding & Tenders portal; text repaired, originals kept."""

    topic_id = models.CharField(_("topic identifier"), max_length=120, unique=True)
    reference = models.CharField(max_length=60, blank=True)
    title = models.TextField(_("title"))
    title_original = models.TextField(blank=True)
    programme = models.CharField(_("programme"), max_length=200, blank=True)
    call_identifier = models.CharField(_("call"), max_length=120, blank=True)
    call_title = models.TextField(_("call title"), blank=True)
    action_type = models.CharField(max_length=100, blank=True)
    types_of_action = models.CharField(_("type of action"), max_length=300, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    deadline_model = models.CharField(_("deadline model"), max_length=60, blank=True)
    stage = models.CharField(max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=CallStatus.choices)
    budget_min = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    budget_max = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    expected_grants = models.PositiveIntegerField(null=True, blank=True)
    keywords = models.TextField(blank=True)
    description = models.TextField(_("description"), blank=True)
    description_original = models.TextField(blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    conditions_original = models.TextField(blank=True)
    portal_url = models.URLField(max_length=500, blank=True)
    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("programme instrument"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="call_topics",
    )
    repaired = models.BooleanField(_("text repaired"), default=False)
    imported_at = models.DateTimeField(default=timezone.now)

    objects = CallTopicQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "topic_id"]
        verbose_name = _("call topic")
        verbose_name_plural = _("call topics")
        indexes = [models.Index(fields=["status", "deadline"]), models.Index(fields=["programme"])]

    def __str__(self) -> str:
        return f"{self.topic_id}: {self.title[:60]}"


def _new_token() -> str:
    return secrets.token_urlsafe(18)


class WizardResult(models.Model):
    """A saved wizard run; anyone holding the unguessable token can open it."""

    token = models.CharField(max_length=32, unique=True, default=_new_token, editable=False)
    answers = models.JSONField(default=dict)
    results = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("wizard result")
        verbose_name_plural = _("wizard results")

    def __str__(self) -> str:
        return f"{self.token[:6]}… ({self.created_at:%Y-%m-%d})"


class BurdenRole(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    INTERMEDIARY = "intermediary", _("Intermediary")


class BurdenReport(models.Model):
    """Administrative burden of one application, as reported by an applicant or intermediary."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="burden_reports"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="burden_reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    role = models.CharField(_("role"), max_length=14, choices=BurdenRole.choices)
    applied_on = models.DateField(_("application submitted on"))
    hours_spent = models.DecimalField(_("hours spent"), max_digits=7, decimal_places=1)
    documents = models.PositiveSmallIntegerField(_("number of documents"))
    days_to_decision = models.PositiveIntegerField(_("days to decision"), null=True, blank=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-applied_on"]
        verbose_name = _("burden report")
        verbose_name_plural = _("burden reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_spent__gte=0) & Q(hours_spent__lte=10000),
                name="burden_hours_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.applied_on} ({self.hours_spent} h)"


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")


class ChangeLog(models.Model):
    """Every change to catalogue data: who, when, what (field → [old, new])."""

    model = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    action = models.CharField(max_length=8, choices=ChangeAction.choices)
    changes = models.JSONField(default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    via = models.CharField(max_length=40, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["model", "object_id"])]
        verbose_name = _("change")
        verbose_name_plural = _("change log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.model} {self.object_repr}"
