"""API shapes for organisations: explicit fields only, never contact persons or visibility data."""

from decimal import Decimal
from typing import Literal

from django.urls import reverse
from ninja import Field, Schema

from loket.organisations.models import Organisation, OrganisationType, Region, SizeClass
from loket.organisations.taxonomy import nace_section

SortValue = Literal["relevance", "name", "funding", "projects"]
SectorValue = Literal[
    "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K",
    "L", "M", "N", "O", "P", "Q", "R", "S", "T", "U",
]  # fmt: skip
InnovationValue = Literal[
    "profit_model", "network", "structure", "process", "product_performance",
    "product_system", "service", "channel", "brand", "customer_engagement",
]  # fmt: skip


class OrganisationFilter(Schema):
    """Query parameters of the list and search routes; repeat a parameter to select several values."""

    q: str = Field("", max_length=200, description="Full-text query (Dutch and English stemming)")
    type: list[OrganisationType] = Field(default_factory=list, description="Organisation type")
    size: list[SizeClass] = Field(default_factory=list, description="EU size class")
    region: list[Region] = Field(default_factory=list)
    sector: list[SectorValue] = Field(default_factory=list, description="NACE Rev.2 section")
    innovation: list[InnovationValue] = Field(default_factory=list, description="Doblin type")
    country: list[str] = Field(
        default_factory=list, description="ISO country code as in CORDIS (e.g. BE, DE, UK, EL)"
    )
    eu: bool | None = Field(
        None, description="Only organisations with (true) or without EU projects"
    )
    sort: SortValue | None = Field(
        None, description="Default: relevance with a query, name without"
    )
    page: int = Field(1, ge=1, le=1_000_000)
    facets: bool = Field(True, description="Include facet counts")


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    org_type: str
    org_type_label: str
    size_class: str
    region: str
    country: str
    city: str
    website: str
    nace_code: str
    sector: str = Field(description="NACE Rev.2 section letter")
    project_count: int
    eu_contribution_total: Decimal
    has_eu_projects: bool
    url: str = Field(description="The profile page")

    @staticmethod
    def resolve_org_type_label(obj: Organisation) -> str:
        return str(obj.get_org_type_display())

    @staticmethod
    def resolve_sector(obj: Organisation) -> str:
        return nace_section(obj.nace_code)

    @staticmethod
    def resolve_url(obj: Organisation) -> str:
        return reverse("organisations:organisation-detail", args=[obj.pk])


class OrganisationDetailOut(OrganisationOut):
    intermediary_kind: str
    nace_label: str
    nuts_code: str
    description: str
    offers: str
    seeks: str
    expertise_tags: list[str]
    innovation_types: list[str]
    languages: list[str]
    coordination_count: int

    @staticmethod
    def resolve_nace_label(obj: Organisation) -> str:
        return str(obj.nace_label)

    @staticmethod
    def resolve_innovation_types(obj: Organisation) -> list[str]:
        return [item.code for item in obj.innovation_types.all()]

    @staticmethod
    def resolve_expertise_tags(obj: Organisation) -> list[str]:
        return [str(tag) for tag in obj.expertise_tags or []]

    @staticmethod
    def resolve_languages(obj: Organisation) -> list[str]:
        return [str(code) for code in obj.languages or []]


class FacetOptionOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class FacetOut(Schema):
    name: str
    label: str
    options: list[FacetOptionOut]


class OrganisationPageOut(Schema):
    count: int
    page: int
    pages: int
    per_page: int
    sort: str
    items: list[OrganisationOut]
    facets: list[FacetOut]


class ErrorOut(Schema):
    detail: str
