"""API shapes with explicit fields. Out-schemas are filled from selectors.challenge_present only."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import ConfigDict, Field


class PosterOut(Schema):
    id: int
    name: str


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    url: str


class ChallengeOut(Schema):
    id: int
    url: str
    kind: str
    title: str
    teaser: str
    partner_types: list[str]
    size_classes: list[str]
    regions: list[str]
    countries: list[str]
    innovation_types: list[str]
    tags: list[str]
    languages: list[str]
    call_reference: str
    deadline: dt.date | None
    confidentiality: str
    status: str
    close_reason: str
    published_at: dt.datetime | None
    is_poster: bool
    poster: PosterOut | None = Field(None, description="Null while an anonymous poster is hidden")
    details: str | None = Field(None, description="Null until the details are open to you")
    attachments: list[AttachmentOut] | None = None


class ChallengeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    organisation_id: int
    kind: str
    title: str = Field(max_length=200)
    teaser: str = Field(max_length=1500)
    details: str = Field("", max_length=20000)
    confidentiality: str = "members"
    partner_types: list[str] = []
    size_classes: list[str] = []
    regions: list[str] = []
    countries: list[str] = []
    innovation_types: list[str] = []
    tags: list[str] = []
    languages: list[str] = []
    call_reference: str = Field("", max_length=200)
    deadline: dt.date | None = None
    invited_organisation_ids: list[int] = []


class ChallengePatch(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int | None = None
    kind: str | None = None
    title: str | None = Field(None, max_length=200)
    teaser: str | None = Field(None, max_length=1500)
    details: str | None = Field(None, max_length=20000)
    confidentiality: str | None = None
    partner_types: list[str] | None = None
    size_classes: list[str] | None = None
    regions: list[str] | None = None
    countries: list[str] | None = None
    innovation_types: list[str] | None = None
    tags: list[str] | None = None
    languages: list[str] | None = None
    call_reference: str | None = Field(None, max_length=200)
    deadline: dt.date | None = None
    invited_organisation_ids: list[int] | None = None


class CloseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str
    partner_interest_id: int | None = None


class InterestIn(Schema):
    model_config = ConfigDict(extra="forbid")

    organisation_id: int
    message: str = Field(max_length=2000)


class InterestOut(Schema):
    id: int
    challenge_id: int
    organisation_id: int
    organisation_name: str
    message: str
    status: str
    nda_required: bool
    nda_text_sha256: str | None
    created_at: dt.datetime


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    accept: bool
    nda_language: str = Field("", pattern="^(|nl|en)$")


class NdaAcceptIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text_sha256: str = Field(max_length=64)


class NdaAcceptanceOut(Schema):
    organisation_id: int
    organisation_name: str
    accepted_at: dt.datetime
    nda_version: int
    nda_language: str
    text_sha256: str


class MessageIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(max_length=5000)


class MessageOut(Schema):
    id: int
    sender_organisation_name: str
    body: str
    created_at: dt.datetime


class NotificationOut(Schema):
    id: int
    text: str
    url: str
    created_at: dt.datetime
    read: bool


class FacetOptionOut(Schema):
    value: str
    label: str
    count: int


class FacetOut(Schema):
    name: str
    options: list[FacetOptionOut]


class ChallengeListOut(Schema):
    count: int
    items: list[ChallengeOut]
    facets: list[FacetOut]
