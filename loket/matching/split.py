"""The time split on raw CORDIS files, for evaluation and for fitting the fusion (no Django).

Directory = organisations in projects that started on or before `until`; their profile passages
are those projects' texts. Queries = projects that started after `until` (and on or before
`query_until`) whose coordinator is in the directory; relevant = the other participants found
in the directory. The query text is the later project's title, topic and objective.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from loket.matching.encoders import Encoder
from loket.matching.engine import Corpus
from loket.matching.scoring import (
    RECENCY_HALF_LIFE,
    BM25Index,
    CollaborationGraph,
    PassageIndex,
    TypeAffinity,
    mean_vectors,
    recency_weight,
)
from loket.matching.vectors import ExactSearch

ACTIVITY_TYPES = {
    "PRC": "company",
    "HES": "knowledge_institution",
    "REC": "research_centre",
    "PUB": "public_body",
    "OTH": "other",
}
OBJECTIVE_CHARS = 600


@dataclass
class ProjectRecord:
    id: str
    text: str
    start: str
    topics: str
    members: list[tuple[str, str]] = field(default_factory=list)  # (pic, role)


@dataclass
class OrgRecord:
    pic: str
    name: str
    org_type: str
    country: str


@dataclass
class Query:
    id: str
    text: str
    seeker: str
    relevant: set[str]


@dataclass
class Split:
    corpus: Corpus
    queries: list[Query]
    names: list[str]
    passages: list[list[str]]


def project_text(title: str, topic_description: str, objective: str) -> str:
    parts = [title.strip(), topic_description.strip(), objective.strip()[:OBJECTIVE_CHARS]]
    return ". ".join(part for part in parts if part)


def _rows(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def cordis_load(directory: Path) -> tuple[dict[str, ProjectRecord], dict[str, OrgRecord]]:
    projects: dict[str, ProjectRecord] = {}
    for name in ("h2020_projects.csv.gz", "fp7_projects.csv.gz"):
        path = directory / name
        if not path.exists():
            continue
        for row in _rows(path):
            projects[row["id"]] = ProjectRecord(
                id=row["id"],
                text=project_text(
                    row.get("title", ""), row.get("topicDescription", ""), row.get("objective", "")
                ),
                start=row.get("startDate", ""),
                topics=row.get("topics", ""),
            )
    orgs: dict[str, OrgRecord] = {}
    for name in ("h2020_participations.csv.gz", "fp7_participations.csv.gz"):
        path = directory / name
        if not path.exists():
            continue
        for row in _rows(path):
            project = projects.get(row["projectID"])
            pic = row["organisationID"]
            if project is None or not pic:
                continue
            project.members.append((pic, row.get("role", "")))
            if pic not in orgs or not orgs[pic].name:
                orgs[pic] = OrgRecord(
                    pic=pic,
                    name=row.get("name", ""),
                    org_type=ACTIVITY_TYPES.get(row.get("activityType", ""), "other"),
                    country=row.get("country", ""),
                )
    return projects, orgs


class EmbeddingCache:
    """Project-text vectors on disk, keyed by encoder and text hash, so repeated runs are fast."""

    def __init__(self, encoder: Encoder, directory: Path | None) -> None:
        self.encoder = encoder
        self.path = directory / f"cordis-{encoder.name}.npz" if directory else None
        self.vectors: dict[str, np.ndarray] = {}
        if self.path and self.path.exists():
            data = np.load(self.path)
            self.vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=False))

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    def encode(self, texts: list[str], *, query: bool = False) -> np.ndarray:
        prefix = "q:" if query else "p:"
        keys = [prefix + self.key(t) for t in texts]
        missing = sorted(
            {(k, t) for k, t in zip(keys, texts, strict=False) if k not in self.vectors}
        )
        batch = 256
        for start in range(0, len(missing), batch):
            chunk = missing[start : start + batch]
            encode = self.encoder.encode_queries if query else self.encoder.encode_passages
            vectors = encode([t for _k, t in chunk])
            self.vectors.update(zip([k for k, _t in chunk], vectors, strict=False))
        if missing and self.path:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            items = list(self.vectors.items())
            np.savez(
                self.path,
                keys=np.array([k for k, _v in items]),
                vectors=np.stack([v for _k, v in items]),
            )
        if not texts:
            return np.zeros((0, self.encoder.dim), dtype=np.float32)
        return np.stack([self.vectors[k] for k in keys]).astype(np.float32)


def split_build(
    projects: dict[str, ProjectRecord],
    orgs: dict[str, OrgRecord],
    encoder: Encoder,
    *,
    until: str,
    query_until: str = "9999-12-31",
    cache_dir: Path | None = None,
) -> Split:
    visible = [p for p in projects.values() if p.members and p.start and p.start <= until]
    visible.sort(key=lambda p: (p.start, p.id))
    passages: dict[str, list[str]] = defaultdict(list)
    activity: dict[str, int] = defaultdict(int)
    for project in visible:
        for pic, _role in project.members:
            passages[pic].append(project.text)
            activity[pic] += 1
    keys = sorted(passages)
    position = {k: i for i, k in enumerate(keys)}
    cache = EmbeddingCache(encoder, cache_dir)
    flat = [(position[k], text) for k in keys for text in passages[k]]
    passage_vectors = cache.encode([t for _i, t in flat])
    vectors = mean_vectors(passage_vectors, [i for i, _t in flat], len(keys))
    consortia = [[pic for pic, _r in p.members] for p in visible]
    type_of = {k: orgs[k].org_type for k in keys}
    country_of = {k: orgs[k].country for k in keys}
    project_vectors = cache.encode([p.text for p in visible])
    members = [sorted({position[pic] for pic, _r in p.members}) for p in visible]
    recent_from = f"{int(until[:4]) - int(RECENCY_HALF_LIFE):04d}{until[4:]}"
    recent_activity: dict[str, int] = defaultdict(int)
    for project in visible:
        if project.start > recent_from:
            for pic in {pic for pic, _r in project.members}:
                recent_activity[pic] += 1
    corpus = Corpus(
        keys=keys,
        types=[type_of[k] for k in keys],
        countries=[country_of[k] for k in keys],
        activity=np.asarray([activity[k] for k in keys], dtype=np.float32),
        lexical=BM25Index.build(["\n".join(passages[k]) for k in keys]),
        dense=ExactSearch(vectors),
        graph=CollaborationGraph.from_projects(
            consortia, [recency_weight(p.start, until) for p in visible]
        ),
        affinity=TypeAffinity.from_projects(consortia, type_of),
        position=position,
        passages=PassageIndex.from_lists(project_vectors, members, len(keys)),
        passage_lexical=BM25Index.build([p.text for p in visible]),
        country_affinity=TypeAffinity.from_projects(consortia, country_of),
        recent_activity=np.asarray([recent_activity[k] for k in keys], dtype=np.float32),
    )
    queries = []
    for project in sorted(projects.values(), key=lambda p: p.id):
        if not project.members or not project.start or not (until < project.start <= query_until):
            continue
        coordinators = [pic for pic, role in project.members if role == "coordinator"]
        if not coordinators or coordinators[0] not in position:
            continue
        seeker = coordinators[0]
        relevant = {pic for pic, _r in project.members if pic != seeker and pic in position}
        if relevant:
            queries.append(
                Query(id=project.id, text=project.text, seeker=seeker, relevant=relevant)
            )
    return Split(
        corpus=corpus,
        queries=queries,
        names=[orgs[k].name for k in keys],
        passages=[passages[k] for k in keys],
    )
