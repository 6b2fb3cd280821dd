from datetime import datetime
from typing import Literal

from ninja import Field, Schema


class IntermediaryOut(Schema):
    id: int
    organisation_id: int
    name: str
    kind: str
    services: list[str]
    target_groups: list[str]
    regions_served: list[str]
    languages: list[str]
    response_days: int
    accepts_cases: bool


class RouteIn(Schema):
    question: str = Field(..., min_length=1, max_length=5000)
    region: str = Field("", max_length=20)


class ProposalOut(Schema):
    organisation_id: int
    name: str
    score: float
    reasons: list[str]


class CaseIn(Schema):
    question: str = Field(..., min_length=1, max_length=5000)
    organisation_id: int | None = None
    holder_id: int | None = None
    region: str = Field("", max_length=20)
    share_consent: bool = False


class CaseOut(Schema):
    id: int
    state: str
    question: str
    language: str
    topics: list[str]
    region: str
    holder_id: int
    holder_name: str
    created_at: datetime
    first_response_at: datetime | None
    closed_at: datetime | None
    rating: int | None


class EventOut(Schema):
    kind: str
    from_state: str
    to_state: str
    body: str
    internal: bool
    organisation: str | None
    created_at: datetime


class CaseDetailOut(CaseOut):
    events: list[EventOut]
    held_by: list[str]
    closing_summary: str
    outcome: str


class CaseActionIn(Schema):
    action: Literal[
        "triage",
        "assign",
        "respond",
        "answer",
        "reopen",
        "close",
        "refer",
        "note",
        "rate",
        "consent",
    ]
    message: str = Field("", max_length=5000)
    outcome: str = Field("", max_length=16)
    to_organisation_id: int | None = None
    assignee_id: int | None = None
    rating: int | None = Field(None, ge=1, le=5)
