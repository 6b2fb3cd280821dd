from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.lib.enterprise_number import validate_enterprise_number

if TYPE_CHECKING:
    from loket.accounts.models import User


class OrganisationType(models.TextChoices):
    COMPANY = "company", _("Company")
    STARTUP = "startup", _("Start-up")
    KNOWLEDGE_INSTITUTION = (
        "knowledge_institution",
        _("Knowledge institution (university, university college)"),
    )
    RESEARCH_CENTRE = "research_centre", _("Research centre")
    PUBLIC_BODY = "public_body", _("Public body")
    SOCIAL_PROFIT = "social_profit", _("Social-profit organisation / NGO")
    CLUSTER = "cluster", _("Cluster or sector federation")
    INTERMEDIARY = "intermediary", _("Intermediary")
    OTHER = "other", _("Other")


class IntermediaryKind(models.TextChoices):
    INNOVATION_CENTRE = "innovation_centre", _("Innovation centre")
    TECHNOLOGY_TRANSFER = "technology_transfer", _("Technology transfer office")
    BUSINESS_SUPPORT = "business_support", _("Business support")


class SizeClass(models.TextChoices):
    MICRO = "micro", _("Micro (fewer than 10 employees)")
    SMALL = "small", _("Small (fewer than 50 employees)")
    MEDIUM = "medium", _("Medium (fewer than 250 employees)")
    LARGE = "large", _("Large (250 employees or more)")


class Region(models.TextChoices):
    ANTWERPEN = "antwerpen", _("Antwerp")
    LIMBURG = "limburg", _("Limburg")
    OOST_VLAANDEREN = "oost_vlaanderen", _("East Flanders")
    VLAAMS_BRABANT = "vlaams_brabant", _("Flemish Brabant")
    WEST_VLAANDEREN = "west_vlaanderen", _("West Flanders")
    BRUSSELS = "brussels", _("Brussels")
    WALLONIA = "wallonia", _("Wallonia")
    ABROAD = "abroad", _("Abroad")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Signed-in members only")
    HIDDEN = "hidden", _("Hidden")


class Source(models.TextChoices):
    MANUAL = "manual", _("Created on Loket")
    CORDIS = "cordis", _("Imported from CORDIS")


class InnovationType(models.Model):
    """One of Doblin's ten types of innovation (seeded by a data migration)."""

    code = models.SlugField(primary_key=True, max_length=40)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("innovation type")
        verbose_name_plural = _("innovation types")

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        from loket.organisations.taxonomy import INNOVATION_TYPE_LABELS

        return str(INNOVATION_TYPE_LABELS.get(self.code, self.code))


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user: User | None) -> OrganisationQuerySet:
        """Public profiles for everyone; members-only for signed-in users; hidden only for own members."""
        if user is None or not user.is_authenticated:
            return self.filter(visibility=Visibility.PUBLIC)
        if user.is_staff:
            return self
        return self.filter(
            Q(visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS]) | Q(memberships__user=user)
        ).distinct()

    def listed_for(self, user: User | None) -> OrganisationQuerySet:
        """What the directory lists: hidden profiles are never listed, not even to curators."""
        qs = self.exclude(visibility=Visibility.HIDDEN)
        if user is None or not user.is_authenticated:
            return qs.filter(visibility=Visibility.PUBLIC)
        return qs


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    org_type = models.CharField(_("type"), max_length=32, choices=OrganisationType.choices)
    intermediary_kind = models.CharField(
        _("kind of intermediary"), max_length=32, choices=IntermediaryKind.choices, blank=True
    )
    size_class = models.CharField(
        _("size class"), max_length=10, choices=SizeClass.choices, blank=True
    )
    is_sme = models.BooleanField(_("SME"), null=True, blank=True)
    enterprise_number = models.CharField(
        _("enterprise number"),
        max_length=12,
        blank=True,
        validators=[validate_enterprise_number],
        help_text=_("Belgian enterprise number (KBO/BCE), e.g. 0123.456.749"),
    )
    nace_code = models.CharField(_("sector (NACE code)"), max_length=8, blank=True)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices, blank=True)
    nuts_code = models.CharField(
        _("NUTS code"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{2}[0-9A-Z]{0,3}$")],
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=10000)
    offers = models.TextField(_("what we offer"), blank=True, max_length=5000)
    seeks = models.TextField(_("what we seek"), blank=True, max_length=5000)
    expertise_tags = models.JSONField(_("expertise tags"), default=list, blank=True)
    innovation_types = models.ManyToManyField(
        InnovationType, verbose_name=_("innovation types"), blank=True, related_name="organisations"
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    cordis_pic = models.CharField(
        _("CORDIS PIC"), max_length=12, null=True, blank=True, unique=True
    )
    claimed = models.BooleanField(default=False)
    # Derived from CORDIS participations; refreshed by the import.
    profile_text = models.TextField(blank=True)
    eu_contribution_total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    project_count = models.PositiveIntegerField(default=0)
    coordination_count = models.PositiveIntegerField(default=0)
    # Stemmed Dutch+English tokens; the full-text index (FTS5 or PostgreSQL tsvector) is built on it.
    search_document = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["visibility", "org_type"]),
            models.Index(fields=["region"]),
            models.Index(fields=["country"]),
            models.Index(fields=["name"]),
            models.Index(fields=["-eu_contribution_total"]),
            # The directory: facet grouping reads only this index; sorted pages walk the others.
            models.Index(
                fields=[
                    "visibility",
                    "org_type",
                    "size_class",
                    "region",
                    "country",
                    "nace_code",
                    "project_count",
                ],
                name="organisation_facets",
            ),
            models.Index(
                fields=["visibility", "-eu_contribution_total", "name"],
                name="organisation_by_funding",
            ),
            models.Index(
                fields=["visibility", "-project_count", "name"], name="organisation_by_projects"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise_number"],
                condition=~Q(enterprise_number=""),
                name="organisation_unique_enterprise_number",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_eu_projects(self) -> bool:
        return self.project_count > 0

    @property
    def nace_label(self) -> str:
        from loket.organisations.taxonomy import nace_label

        return nace_label(self.nace_code)


class MembershipRole(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MEMBER = "member", _("Member")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class Invitation(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"


class ContactPerson(models.Model):
    """Personal data: shown to signed-in users only, never in the public API."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return self.name


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class OrganisationClaim(models.Model):
    """A user says an imported organisation is theirs; a curator decides."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims"
    )
    message = models.TextField(_("message"), max_length=2000, blank=True)
    status = models.CharField(
        max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(status="pending"),
                name="claim_one_pending_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} claims {self.organisation}"


class Programme(models.TextChoices):
    FP7 = "FP7", "FP7"
    H2020 = "H2020", "Horizon 2020"


class Project(models.Model):
    """An EU-funded project from CORDIS (public data, CC BY 4.0)."""

    cordis_id = models.CharField(max_length=12, unique=True)
    acronym = models.CharField(max_length=100, blank=True)
    title = models.TextField()
    objective = models.TextField(blank=True)
    programme = models.CharField(max_length=8, choices=Programme.choices)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    topics = models.CharField(max_length=300, blank=True)
    topic_description = models.TextField(blank=True)
    funding_scheme = models.CharField(max_length=100, blank=True)
    type_of_action = models.CharField(max_length=200, blank=True)
    thematic_priority = models.CharField(max_length=300, blank=True)
    total_cost = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    eu_contribution = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    has_participation_data = models.BooleanField(default=False)

    class Meta:
        ordering = ["-start_date", "cordis_id"]
        indexes = [models.Index(fields=["start_date"]), models.Index(fields=["programme"])]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return f"{self.acronym or self.cordis_id}: {self.title[:60]}"


class ParticipationRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    PARTICIPANT = "participant", _("Participant")
    THIRD_PARTY = "thirdParty", _("Third party")
    PARTNER = "partner", _("Partner")


class Participation(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="participations"
    )
    role = models.CharField(max_length=12, choices=ParticipationRole.choices)
    ec_contribution = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    net_ec_contribution = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True
    )
    sme = models.BooleanField(null=True, blank=True)
    activity_type = models.CharField(max_length=3, blank=True)
    country = models.CharField(max_length=2, blank=True)
    nuts_code = models.CharField(max_length=5, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "organisation"], name="participation_unique")
        ]
        indexes = [models.Index(fields=["organisation", "project"])]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")

    def __str__(self) -> str:
        return f"{self.organisation_id} in {self.project_id} ({self.role})"
