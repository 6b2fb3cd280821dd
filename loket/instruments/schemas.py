import datetime
from decimal import Decimal

from ninja import Schema


class InstrumentOut(Schema):
    slug: str
    name: str
    funder: str
    level: str
    category: str
    summary: str
    target_groups: list[str]
    funding_rate_max: Decimal | None
    amount_min: Decimal | None
    amount_max: Decimal | None
    is_historical: bool
    source_document: str
    source_section: str

    @staticmethod
    def resolve_funder(obj) -> str:
        return obj.funder.code


class CallTopicOut(Schema):
    topic_id: str
    title: str
    programme: str
    status: str
    deadline: datetime.date | None
    budget_min: Decimal | None
    budget_max: Decimal | None
    portal_url: str
