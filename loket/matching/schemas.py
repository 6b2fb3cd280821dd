from ninja import Field, Schema


class MatchFilter(Schema):
    q: str = Field("", max_length=2000, description="The need, in Dutch, English or French")
    type: list[str] = Field(default_factory=list, max_length=20)
    size: list[str] = Field(default_factory=list, max_length=10)
    region: list[str] = Field(default_factory=list, max_length=10)
    country: list[str] = Field(default_factory=list, max_length=50)
    complementary: bool = Field(False, description="Rank competitors of your organisation last")
    top: int = Field(10, ge=1, le=100)


class MatchReasonOut(Schema):
    matched_terms: list[str]
    passage: str
    past_joint_projects: int
    via: str | None
    shared_topics: list[str]
    competitor: bool


class MatchOut(Schema):
    id: int
    name: str
    org_type: str
    region: str
    country: str
    cordis_pic: str | None
    score: float
    reasons: MatchReasonOut


class MatchListOut(Schema):
    results: list[MatchOut]


class ErrorOut(Schema):
    detail: str
