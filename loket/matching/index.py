"""The match index: the same files on SQLite and PostgreSQL, under LOKET_MATCH_INDEX_DIR.

A build writes a new folder (vectors.npy, memory-mapped; hnsw.usearch above EXACT_LIMIT;
lexical.npz; attrs.npz; meta.json) and then points CURRENT at it, so running workers keep
reading the old one until they notice. Vectors of profiles changed since the build come from
ProfileVector rows and overlay the files.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.utils import timezone

from loket.matching.encoders import Encoder, encoder_get
from loket.matching.engine import Corpus
from loket.matching.fusion import LogisticFusion
from loket.matching.models import ProfileVector
from loket.matching.scoring import BM25Index, CollaborationGraph, TypeAffinity, mean_vectors
from loket.matching.split import project_text
from loket.matching.vectors import (
    EXACT_LIMIT,
    ExactSearch,
    HNSWSearch,
    vectors_open,
    vectors_save,
)
from loket.organisations.models import Organisation, Participation

ENCODER_SETTING = "LOKET_MATCH_ENCODER"
MAX_PASSAGES = 40  # per organisation: the most recent projects say enough and bound build time


def encoder_name() -> str:
    return getattr(settings, ENCODER_SETTING, "use-m3")


def match_encoder() -> Encoder:
    return encoder_get(encoder_name(), threads=settings.LOKET_ENCODER_THREADS)


def index_dir() -> Path:
    return Path(settings.LOKET_MATCH_INDEX_DIR)


# -- passages ---------------------------------------------------------------------------------
def organisation_passages(organisation_ids: list[int] | None = None) -> dict[int, list[str]]:
    """The texts each profile is embedded from: its own description, offer, need and tags,
    then its EU projects (most recent first); the imported profile text when there are none."""
    queryset = Organisation.objects.all()
    if organisation_ids is not None:
        queryset = queryset.filter(pk__in=organisation_ids)
    passages: dict[int, list[str]] = {}
    for org in queryset.only(
        "pk", "description", "offers", "seeks", "expertise_tags", "profile_text"
    ).iterator(chunk_size=2000):
        own = [org.description, org.offers, org.seeks, ", ".join(org.expertise_tags or [])]
        passages[org.pk] = [text.strip() for text in own if text and text.strip()]
        if org.profile_text:
            passages[org.pk].append(org.profile_text)  # replaced below when projects are known
    participations = Participation.objects.order_by("-project__start_date").values_list(
        "organisation_id", "project__title", "project__topic_description", "project__objective"
    )
    if organisation_ids is not None:
        participations = participations.filter(organisation_id__in=organisation_ids)
    projects: dict[int, list[str]] = defaultdict(list)
    for org_id, title, topic, objective in participations.iterator(chunk_size=5000):
        if len(projects[org_id]) < MAX_PASSAGES:
            projects[org_id].append(project_text(title or "", topic or "", objective or ""))
    for org_id, texts in projects.items():
        if org_id in passages:
            own = passages[org_id][:-1] if passages[org_id] and texts else passages[org_id]
            passages[org_id] = own + texts
    for org_id, texts in passages.items():
        if not texts:
            passages[org_id] = [""]
    return passages


def collaboration_graph(organisation_ids: list[int] | None = None) -> CollaborationGraph:
    """Consortia from the database, as keys str(pk); limited to the given organisations'
    projects and their partners' projects when ids are given (the seeker's neighbourhood)."""
    rows = Participation.objects.values_list("project_id", "organisation_id")
    if organisation_ids is not None:
        first = set(
            Participation.objects.filter(organisation_id__in=organisation_ids).values_list(
                "project_id", flat=True
            )
        )
        partners = set(
            Participation.objects.filter(project_id__in=first).values_list(
                "organisation_id", flat=True
            )
        )
        rows = rows.filter(organisation_id__in=partners)
        project_ids = set(rows.values_list("project_id", flat=True))
        rows = Participation.objects.filter(project_id__in=project_ids).values_list(
            "project_id", "organisation_id"
        )
    consortia: dict[int, list[str]] = defaultdict(list)
    for project_id, org_id in rows.iterator(chunk_size=10000):
        consortia[project_id].append(str(org_id))
    return CollaborationGraph.from_projects(consortia.values())


# -- build ------------------------------------------------------------------------------------
@dataclass
class BuildReport:
    organisations: int
    passages: int
    seconds: float
    embed_seconds: float
    path: Path


def index_write(
    *,
    pks: np.ndarray,
    pics: list[str],
    attrs: dict[str, list[str]],
    activity: np.ndarray,
    vectors: np.ndarray,
    documents: list[str],
    affinity: TypeAffinity,
    encoder: str,
) -> Path:
    """Write one index folder and make it current (also used by the benchmark)."""
    root = index_dir()
    root.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now()
    folder = root / f"build-{stamp.strftime('%Y%m%dT%H%M%S%f')}"
    folder.mkdir()
    vectors_save(folder / "vectors.npy", vectors)
    if len(vectors) > EXACT_LIMIT:
        HNSWSearch.build(vectors, folder / "hnsw.usearch", threads=settings.LOKET_ENCODER_THREADS)
    BM25Index.build(documents).save(str(folder / "lexical.npz"))
    np.savez(
        folder / "attrs.npz",
        pks=pks.astype(np.int64),
        activity=activity.astype(np.float32),
        pics=np.asarray(pics, dtype=str),
        **{name: np.asarray(values, dtype=str) for name, values in attrs.items()},
    )
    (folder / "affinity.json").write_text(json.dumps(affinity.table))
    meta = {"built_at": stamp.isoformat(), "encoder": encoder, "count": len(pks)}
    (folder / "meta.json").write_text(json.dumps(meta))
    tmp = root / "CURRENT.tmp"
    tmp.write_text(folder.name)
    tmp.replace(root / "CURRENT")
    for old in root.glob("build-*"):
        if old != folder and old.name < folder.name:
            shutil.rmtree(old, ignore_errors=True)
    return folder


def index_build(*, encoder: Encoder | None = None, progress=None) -> BuildReport:
    """Embed every profile and write a fresh index."""
    started = time.monotonic()
    encoder = encoder or match_encoder()
    passages = organisation_passages()
    orgs = list(
        Organisation.objects.order_by("pk").values_list(
            "pk",
            "cordis_pic",
            "org_type",
            "country",
            "region",
            "size_class",
            "nace_code",
            "project_count",
        )
    )
    position = {row[0]: i for i, row in enumerate(orgs)}
    flat = [(position[pk], text) for pk, texts in passages.items() for text in texts]
    embed_started = time.monotonic()
    chunks = []
    batch = 256
    for start in range(0, len(flat), batch):
        chunks.append(encoder.encode_passages([t for _i, t in flat[start : start + batch]]))
        if progress:
            progress(min(start + batch, len(flat)), len(flat))
    embed_seconds = time.monotonic() - embed_started
    passage_vectors = np.vstack(chunks) if chunks else np.zeros((0, encoder.dim), np.float32)
    vectors = mean_vectors(passage_vectors, [i for i, _t in flat], len(orgs))
    graph_consortia: dict[int, list[str]] = defaultdict(list)
    for project_id, org_id in Participation.objects.values_list(
        "project_id", "organisation_id"
    ).iterator(chunk_size=10000):
        graph_consortia[project_id].append(str(org_id))
    type_of = {str(row[0]): row[2] for row in orgs}
    folder = index_write(
        pks=np.asarray([row[0] for row in orgs], dtype=np.int64),
        pics=[row[1] or "" for row in orgs],
        attrs={
            "types": [row[2] for row in orgs],
            "countries": [row[3] for row in orgs],
            "regions": [row[4] for row in orgs],
            "size_classes": [row[5] for row in orgs],
            "sectors": [row[6] for row in orgs],
        },
        activity=np.asarray([row[7] for row in orgs], dtype=np.float32),
        vectors=vectors,
        documents=["\n".join(passages.get(row[0], [])) for row in orgs],
        affinity=TypeAffinity.from_projects(graph_consortia.values(), type_of),
        encoder=encoder.name,
    )
    return BuildReport(len(orgs), len(flat), time.monotonic() - started, embed_seconds, folder)


# -- load -------------------------------------------------------------------------------------
class OverlaySearch:
    """Index vectors with newer per-profile vectors laid over them."""

    def __init__(self, base: ExactSearch, overrides: dict[int, np.ndarray]) -> None:
        self.base = base
        self.dim = base.dim
        self.overrides = overrides
        self._positions = np.asarray(sorted(overrides), dtype=np.int64)
        self._matrix = (
            np.stack([overrides[i] for i in self._positions])
            if overrides
            else np.zeros((0, base.dim), dtype=np.float32)
        )

    def __len__(self) -> int:
        return len(self.base)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        positions, sims = self.base.search(query, k + len(self._positions))
        keep = ~np.isin(positions, self._positions)
        positions, sims = positions[keep], sims[keep]
        if len(self._positions):
            positions = np.concatenate([positions, self._positions])
            sims = np.concatenate([sims, self._matrix @ query])
        order = np.argsort(-sims, kind="stable")[:k]
        return positions[order], sims[order]

    def similarity(self, query: np.ndarray, positions: np.ndarray) -> np.ndarray:
        sims = self.base.similarity(query, positions)
        for j, i in enumerate(positions):
            if int(i) in self.overrides:
                sims[j] = float(self.overrides[int(i)] @ query)
        return sims

    def vector(self, position: int) -> np.ndarray:
        if position in self.overrides:
            return self.overrides[position]
        return self.base.vector(position)


@dataclass
class LoadedIndex:
    folder: str
    built_at: str
    corpus: Corpus
    pks: np.ndarray
    pics: list[str]
    base_dense: ExactSearch
    overlay_seen: str = ""

    def key_for(self, position: int) -> str:
        """The batch output id: the CORDIS PIC for imported organisations, else the Loket id."""
        return self.pics[position] or str(int(self.pks[position]))


_LOADED: LoadedIndex | None = None
_LOCK = threading.Lock()


def _load(folder: Path) -> LoadedIndex:
    meta = json.loads((folder / "meta.json").read_text())
    attrs = np.load(folder / "attrs.npz")
    vectors = vectors_open(folder / "vectors.npy")
    hnsw = folder / "hnsw.usearch"
    dense = HNSWSearch(vectors, hnsw) if hnsw.exists() else ExactSearch(vectors)
    pks = attrs["pks"]
    keys = [str(int(pk)) for pk in pks]
    corpus = Corpus(
        keys=keys,
        types=attrs["types"].tolist(),
        countries=attrs["countries"].tolist(),
        regions=attrs["regions"].tolist(),
        size_classes=attrs["size_classes"].tolist(),
        sectors=attrs["sectors"].tolist(),
        activity=attrs["activity"],
        lexical=BM25Index.load(str(folder / "lexical.npz")),
        dense=dense,
        graph=CollaborationGraph(),
        affinity=TypeAffinity(json.loads((folder / "affinity.json").read_text())),
    )
    return LoadedIndex(
        folder=folder.name,
        built_at=meta["built_at"],
        corpus=corpus,
        pks=pks,
        pics=attrs["pics"].tolist(),
        base_dense=dense,
    )


def index_get() -> LoadedIndex | None:
    """This process's index: reloaded when a new build is current; newer profile vectors
    (written by the re-embedding task) overlay it."""
    global _LOADED
    current = index_dir() / "CURRENT"
    if not current.exists():
        return None
    name = current.read_text().strip()
    with _LOCK:
        if _LOADED is None or _LOADED.folder != name:
            _LOADED = _load(index_dir() / name)
        loaded = _LOADED
        latest = (
            ProfileVector.objects.filter(updated_at__gt=loaded.built_at)
            .order_by("-updated_at")
            .values_list("updated_at", flat=True)
            .first()
        )
        seen = latest.isoformat() if latest else ""
        if seen != loaded.overlay_seen:
            overrides = {}
            for org_id, blob in ProfileVector.objects.filter(
                updated_at__gt=loaded.built_at, encoder=loaded_encoder(loaded)
            ).values_list("organisation_id", "vector"):
                position = loaded.corpus.position.get(str(org_id))
                if position is not None:
                    overrides[position] = np.frombuffer(bytes(blob), dtype=np.float32)
            loaded.corpus.dense = (
                OverlaySearch(loaded.base_dense, overrides) if overrides else loaded.base_dense
            )
            loaded.overlay_seen = seen
        return loaded


def loaded_encoder(loaded: LoadedIndex) -> str:
    meta = json.loads((index_dir() / loaded.folder / "meta.json").read_text())
    return meta["encoder"]


def index_reset() -> None:
    """Forget the loaded index (tests build several)."""
    global _LOADED
    with _LOCK:
        _LOADED = None


def fusion_get() -> LogisticFusion | None:
    return LogisticFusion.load()
