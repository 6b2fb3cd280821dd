"""The match index: the same files on SQLite and PostgreSQL, under LOKET_MATCH_INDEX_DIR.

A build writes a new folder (vectors.npy, memory-mapped; hnsw.usearch above EXACT_LIMIT;
lexical.npz; attrs.npz; meta.json) and then points CURRENT at it, so running workers keep
reading the old one until they notice. Vectors of profiles changed since the build come from
ProfileVector rows and overlay the files.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db.models import F, Window
from django.db.models.expressions import OrderBy
from django.db.models.functions import RowNumber
from django.utils import timezone

from loket.matching.encoders import Encoder, encoder_get
from loket.matching.engine import Corpus
from loket.matching.fusion import LogisticFusion
from loket.matching.models import ProfileVector
from loket.matching.scoring import (
    MAX_POSTINGS,
    RECENCY_HALF_LIFE,
    BM25Index,
    CollaborationGraph,
    ExtendedBM25,
    PassageIndex,
    TypeAffinity,
    mean_vectors,
    recency_weight,
)
from loket.matching.split import project_text
from loket.matching.vectors import (
    EXACT_LIMIT,
    ExactSearch,
    HNSWSearch,
    vectors_open,
    vectors_save,
)
from loket.organisations.models import Organisation, Participation, Visibility

ENCODER_SETTING = "LOKET_MATCH_ENCODER"
MAX_PASSAGES = 40  # per organisation: the most recent projects say enough and bound build time


def encoder_name() -> str:
    return getattr(settings, ENCODER_SETTING, "use-m3")


def match_encoder() -> Encoder:
    return encoder_get(encoder_name(), threads=settings.LOKET_ENCODER_THREADS)


def index_dir() -> Path:
    return Path(settings.LOKET_MATCH_INDEX_DIR)


def _rows(queryset, *, bounded: bool, chunk_size: int) -> Iterable:
    """A queryset's rows: streamed in chunks when it reads a whole table; fetched at once when
    it is bounded by a few organisations (on PostgreSQL the stream is a server-side cursor
    WITH HOLD, three more round trips: ~3 ms of a 30 ms match, docs/benchmarks.md)."""
    return queryset if bounded else queryset.iterator(chunk_size=chunk_size)


# -- passages ---------------------------------------------------------------------------------
def organisation_passages(
    organisation_ids: list[int] | None = None,
    *,
    organisations: dict[int, Organisation] | None = None,
) -> dict[int, list[str]]:
    """The texts each profile is embedded from: its own description, offer, need and tags,
    then its EU projects (most recent first); the imported profile text when there are none.
    `organisations`: those rows, already loaded (with their texts)."""
    if organisations is not None:
        loaded_rows: Iterable[Organisation] = list(organisations.values())
        organisation_ids = list(organisations)
    else:
        queryset = Organisation.objects.all()
        if organisation_ids is not None:
            queryset = queryset.filter(pk__in=organisation_ids)
        loaded_rows = _rows(
            queryset.only("pk", "description", "offers", "seeks", "expertise_tags", "profile_text"),
            bounded=organisation_ids is not None,
            chunk_size=2000,
        )
    passages: dict[int, list[str]] = {}
    for org in loaded_rows:
        own = [org.description, org.offers, org.seeks, ", ".join(org.expertise_tags or [])]
        passages[org.pk] = [text.strip() for text in own if text and text.strip()]
        if org.profile_text:
            passages[org.pk].append(org.profile_text)  # replaced below when projects are known
    recent_first: list[OrderBy | F] = [F("project__start_date").desc(nulls_last=True), F("pk")]
    participations = Participation.objects.order_by(*recent_first)
    if organisation_ids is not None:
        # Only each organisation's MAX_PASSAGES most recent projects leave the database (a
        # university in hundreds of projects would otherwise send every objective).
        participations = (
            participations.filter(organisation_id__in=organisation_ids)
            .annotate(
                recent=Window(
                    RowNumber(), partition_by=[F("organisation_id")], order_by=recent_first
                )
            )
            .filter(recent__lte=MAX_PASSAGES)
        )
    rows = participations.values_list(
        "organisation_id", "project__title", "project__topic_description", "project__objective"
    )
    projects: dict[int, list[str]] = defaultdict(list)
    for org_id, title, topic, objective in _rows(
        rows, bounded=organisation_ids is not None, chunk_size=5000
    ):
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
    rows = Participation.objects.all()
    if organisation_ids is not None:
        # One query with nested subqueries: their projects, their partners, the partners'
        # projects and everyone in those.
        first = Participation.objects.filter(organisation_id__in=organisation_ids)
        partners = Participation.objects.filter(project_id__in=first.values("project_id"))
        projects = Participation.objects.filter(
            organisation_id__in=partners.values("organisation_id")
        )
        rows = Participation.objects.filter(project_id__in=projects.values("project_id"))
    consortia: dict[int, list[str]] = defaultdict(list)
    starts: dict[int, str] = {}
    for project_id, org_id, start in _rows(
        rows.values_list("project_id", "organisation_id", "project__start_date"),
        bounded=organisation_ids is not None,
        chunk_size=10000,
    ):
        consortia[project_id].append(str(org_id))
        starts[project_id] = start.isoformat() if start else ""
    today = timezone.localdate().isoformat()
    return CollaborationGraph.from_projects(
        consortia.values(), [recency_weight(starts[p], today) for p in consortia]
    )


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
    passage_vectors: np.ndarray | None = None,
    passage_members: list[list[int]] | None = None,
    passage_texts: list[str] | None = None,
    country_affinity: TypeAffinity | None = None,
    recent_activity: np.ndarray | None = None,
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
    if passage_vectors is not None and passage_members is not None:
        vectors_save(folder / "passages.npy", passage_vectors)
        if len(passage_vectors) > EXACT_LIMIT:
            HNSWSearch.build(
                passage_vectors,
                folder / "passages.usearch",
                threads=settings.LOKET_ENCODER_THREADS,
            )
        np.savez(
            folder / "passage_orgs.npz",
            indptr=np.cumsum([0] + [len(m) for m in passage_members]).astype(np.int64),
            orgs=np.asarray([o for m in passage_members for o in m], dtype=np.int64),
        )
        if passage_texts is not None:
            BM25Index.build(passage_texts).save(str(folder / "passage_lexical.npz"), forward=True)
    if country_affinity is not None:
        (folder / "country_affinity.json").write_text(json.dumps(country_affinity.table))
    np.savez(
        folder / "attrs.npz",
        pks=pks.astype(np.int64),
        activity=activity.astype(np.float32),
        recent_activity=(
            recent_activity if recent_activity is not None else np.zeros(len(pks))
        ).astype(np.float32),
        pics=np.asarray(pics, dtype=str),
        # numpy's stub types **kwds as if they could be allow_pickle
        **{name: np.asarray(values, dtype=str) for name, values in attrs.items()},  # type: ignore[arg-type]
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
    # A project's text is shared by its whole consortium: embed each distinct text once.
    unique: dict[str, int] = {}
    members: list[list[int]] = []
    flat: list[tuple[int, int]] = []  # (organisation position, passage)
    for pk, texts in passages.items():
        for text in dict.fromkeys(texts):
            passage = unique.setdefault(text, len(unique))
            if passage == len(members):
                members.append([])
            members[passage].append(position[pk])
            flat.append((position[pk], passage))
    texts_list = list(unique)
    embed_started = time.monotonic()
    chunks = []
    batch = 256
    for start in range(0, len(texts_list), batch):
        chunks.append(encoder.encode_passages(texts_list[start : start + batch]))
        if progress:
            progress(min(start + batch, len(texts_list)), len(texts_list))
    embed_seconds = time.monotonic() - embed_started
    passage_vectors = np.vstack(chunks) if chunks else np.zeros((0, encoder.dim), np.float32)
    vectors = mean_vectors(
        passage_vectors[[p for _i, p in flat]] if flat else passage_vectors,
        [i for i, _p in flat],
        len(orgs),
    )
    graph_consortia: dict[int, list[str]] = defaultdict(list)
    recent_from = timezone.localdate().replace(
        year=timezone.localdate().year - int(RECENCY_HALF_LIFE)
    )
    recent: dict[int, int] = defaultdict(int)
    for project_id, org_id, started_on in Participation.objects.values_list(
        "project_id", "organisation_id", "project__start_date"
    ).iterator(chunk_size=10000):
        graph_consortia[project_id].append(str(org_id))
        if started_on and started_on > recent_from:
            recent[org_id] += 1
    type_of = {str(row[0]): row[2] for row in orgs}
    country_of = {str(row[0]): row[3] for row in orgs}
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
        passage_vectors=passage_vectors,
        passage_members=members,
        passage_texts=texts_list,
        country_affinity=TypeAffinity.from_projects(graph_consortia.values(), country_of),
        recent_activity=np.asarray([recent[row[0]] for row in orgs], dtype=np.float32),
    )
    return BuildReport(
        len(orgs), len(texts_list), time.monotonic() - started, embed_seconds, folder
    )


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
        return max(len(self.base), int(self._positions.max()) + 1 if len(self._positions) else 0)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        base_k = min(len(self.base), k + len(self._positions))
        positions, sims = self.base.search(query, base_k)
        keep = ~np.isin(positions, self._positions)
        positions, sims = positions[keep], sims[keep]
        if len(self._positions):
            positions = np.concatenate([positions, self._positions])
            sims = np.concatenate([sims, self._matrix @ query])
        order = np.argsort(-sims, kind="stable")[:k]
        return positions[order], sims[order]

    def similarity(self, query: np.ndarray, positions: np.ndarray) -> np.ndarray:
        positions = np.asarray(positions, dtype=np.int64)
        sims = np.zeros(len(positions), dtype=np.float32)
        in_base = positions < len(self.base)
        sims[in_base] = self.base.similarity(query, positions[in_base])
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
    base_corpus: Corpus | None = None
    base_pics: list[str] = dataclasses.field(default_factory=list)
    overlay_seen: str = ""
    overlay_read_at: float = float("-inf")  # time.monotonic() of the last look for new vectors
    visibility: VisibilityMask | None = None
    _by_pic: dict[str, int] | None = None
    _by_pic_source: list[str] = dataclasses.field(default_factory=list)

    def position_of_pic(self) -> dict[str, int]:
        """CORDIS PIC -> position, built once per loaded index and overlay."""
        if self._by_pic is None or len(self._by_pic_source) != len(self.pics):
            self._by_pic = {pic: i for i, pic in enumerate(self.pics) if pic}
            self._by_pic_source = self.pics
        return self._by_pic

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
    passages = None
    if (folder / "passages.npy").exists():
        members = np.load(folder / "passage_orgs.npz")
        passage_vectors = vectors_open(folder / "passages.npy")
        ann = folder / "passages.usearch"
        passages = PassageIndex(
            passage_vectors,
            members["indptr"],
            members["orgs"],
            len(pks),
            search=HNSWSearch(passage_vectors, ann) if ann.exists() else None,
        )
    lexical = BM25Index.load(str(folder / "lexical.npz"))
    lexical.max_postings = MAX_POSTINGS
    passage_lexical = folder / "passage_lexical.npz"
    passage_bm25 = BM25Index.load(str(passage_lexical)) if passage_lexical.exists() else None
    if passage_bm25 is not None:
        passage_bm25.max_postings = MAX_POSTINGS
    country_affinity = folder / "country_affinity.json"
    corpus = Corpus(
        keys=keys,
        types=_labels(attrs["types"]),
        countries=_labels(attrs["countries"]),
        regions=_labels(attrs["regions"]),
        size_classes=_labels(attrs["size_classes"]),
        sectors=_labels(attrs["sectors"]),
        activity=attrs["activity"],
        lexical=lexical,
        dense=dense,
        graph=CollaborationGraph(),
        affinity=TypeAffinity(json.loads((folder / "affinity.json").read_text())),
        passages=passages,
        passage_lexical=passage_bm25,
        country_affinity=TypeAffinity(json.loads(country_affinity.read_text()))
        if country_affinity.exists()
        else None,
        recent_activity=attrs.get("recent_activity"),
    )
    pics = attrs["pics"].tolist()
    return LoadedIndex(
        folder=folder.name,
        built_at=meta["built_at"],
        corpus=corpus,
        pks=pks,
        pics=pics,
        base_dense=dense,
        base_corpus=corpus,
        base_pics=list(pics),  # the same strings: only the list is copied
    )


def _labels(values: np.ndarray) -> list[str]:
    """The values as a list holding one string object per distinct value: a million profiles
    share a few types, countries and regions (8 MB of references per attribute instead of ~60 MB
    of separate strings at 1M profiles)."""
    names, inverse = np.unique(values, return_inverse=True)
    shared = names.tolist()
    return [shared[i] for i in inverse.ravel().tolist()]


# -- visibility -------------------------------------------------------------------------------
# How long a process trusts its copy of who is hidden or members-only. The rows a request shows
# are checked against the database every time (`visibility_recheck` corrects the copy), so a
# stale copy can leave a profile that became visible out for this long, but never show one
# that became hidden.
VISIBILITY_TTL = 60.0
# How often a process looks for profiles re-embedded since the build (one query; it cost 1.3 ms
# of CPU on every match at 1M profiles when asked per request, benchmarks/matching.py).
OVERLAY_TTL = 1.0


@dataclass
class VisibilityMask:
    """Per position of a loaded index: may signed-in users (`listed`: not hidden) and anonymous
    callers (`public`) see it. Read with one query over the non-public profiles."""

    listed: np.ndarray
    public: np.ndarray
    read_at: float
    gone: set[int] = dataclasses.field(default_factory=set)  # deleted since the build

    def mask_for(self, user) -> np.ndarray:
        """The positions the user may see, as the boolean mask the engine tests candidates
        against (the engine then skips its separate visibility round)."""
        return self.listed if user is not None and user.is_authenticated else self.public


def _positions_of(loaded: LoadedIndex, pks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(indexes into `pks` found in the index, their positions)."""
    order = np.argsort(loaded.pks, kind="stable")
    ordered = loaded.pks[order]
    at = np.searchsorted(ordered, pks)
    found = np.flatnonzero((at < len(ordered)) & (ordered[np.minimum(at, len(ordered) - 1)] == pks))
    return found, order[at[found]]


def visibility_get(loaded: LoadedIndex, *, refresh: bool = False) -> VisibilityMask:
    """This process's copy of the visibility of every indexed profile; read again after
    VISIBILITY_TTL seconds, when the index gained positions, or on `refresh`."""
    mask = loaded.visibility
    n = len(loaded.pks)
    if (
        mask is not None
        and not refresh
        and len(mask.listed) == n
        and time.monotonic() - mask.read_at < VISIBILITY_TTL
    ):
        return mask
    read_at = time.monotonic()
    listed, public = np.ones(n, dtype=bool), np.ones(n, dtype=bool)
    rows = list(
        Organisation.objects.filter(
            visibility__in=[Visibility.MEMBERS, Visibility.HIDDEN]
        ).values_list("pk", "visibility")
    )
    if rows and n:
        pks = np.fromiter((pk for pk, _v in rows), dtype=np.int64, count=len(rows))
        hidden = np.fromiter(
            (v == Visibility.HIDDEN for _pk, v in rows), dtype=bool, count=len(rows)
        )
        found, positions = _positions_of(loaded, pks)
        public[positions] = False
        listed[positions[hidden[found]]] = False
    gone = {i for i in (mask.gone if mask is not None else set()) if i < n}
    for i in gone:
        listed[i] = public[i] = False
    loaded.visibility = VisibilityMask(listed=listed, public=public, read_at=read_at, gone=gone)
    return loaded.visibility


def visibility_recheck(loaded: LoadedIndex, positions: list[int]) -> None:
    """Correct the copy for positions the database did not show: read their visibility now
    (deleted profiles are never shown again)."""
    mask = visibility_get(loaded)
    positions = [i for i in positions if i < len(mask.listed)]
    pks = {int(loaded.pks[i]): i for i in positions}
    now = dict(Organisation.objects.filter(pk__in=list(pks)).values_list("pk", "visibility"))
    for pk, i in pks.items():
        visibility = now.get(pk)
        if visibility is None:
            mask.gone.add(i)
        mask.listed[i] = visibility is not None and visibility != Visibility.HIDDEN
        mask.public[i] = visibility == Visibility.PUBLIC


ATTRIBUTES = ("org_type", "country", "region", "size_class", "nace_code", "project_count")


def _overlay(loaded: LoadedIndex, rows: list[tuple[int, bytes | memoryview]]) -> None:
    """Lay profiles re-embedded since the build over the index: their new vectors and their
    attributes as they are now (for filters); organisations created since the build get new
    positions at the end, with a BM25 document scored against the index's statistics; edited
    ones get their new text's BM25 document in place of the built one."""
    base = loaded.base_corpus
    assert base is not None  # noqa: S101
    vectors = {org_id: np.frombuffer(bytes(blob), dtype=np.float32) for org_id, blob in rows}
    live = {
        row[0]: row[1:]
        for row in Organisation.objects.filter(pk__in=list(vectors)).values_list("pk", *ATTRIBUTES)
    }
    keys, pks = list(base.keys), list(loaded.pks)
    types, countries = list(base.types), list(base.countries)
    regions, sizes, sectors = list(base.regions), list(base.size_classes), list(base.sectors)
    activity, recent = list(base.activity), list(base.recent_activity)  # type: ignore[arg-type]
    pics = list(loaded.base_pics)
    position = dict(base.position)
    added: list[int] = []
    edited: dict[int, int] = {}  # organisation id -> its position in the build
    overrides: dict[int, np.ndarray] = {}
    for org_id, vector in vectors.items():
        if org_id not in live:  # deleted since
            continue
        org_type, country, region, size, sector, count = live[org_id]
        i = position.get(str(org_id))
        if i is None:
            i = position[str(org_id)] = len(keys)
            keys.append(str(org_id))
            pks.append(org_id)
            pics.append("")
            for text_column in (types, countries, regions, sizes, sectors):
                text_column.append("")
            activity.append(0.0)
            recent.append(0.0)
            added.append(org_id)
        else:
            edited[org_id] = i
        types[i], countries[i], regions[i] = org_type, country, region
        sizes[i], sectors[i], activity[i] = size, sector, float(count)
        overrides[i] = vector
    lexical = base.lexical
    if added or edited:
        # New profiles get a BM25 document, edited ones a fresh one for their new text.
        texts = organisation_passages([*added, *edited])
        lexical = ExtendedBM25(  # type: ignore[assignment]
            base.lexical,  # type: ignore[arg-type]
            ["\n".join(texts.get(pk, [])) for pk in added],
            {i: "\n".join(texts.get(pk, [])) for pk, i in edited.items()},
        )
    loaded.corpus = dataclasses.replace(
        base,
        keys=keys,
        types=types,
        countries=countries,
        regions=regions,
        size_classes=sizes,
        sectors=sectors,
        activity=np.asarray(activity, dtype=np.float32),
        recent_activity=np.asarray(recent, dtype=np.float32),
        lexical=lexical,
        dense=OverlaySearch(loaded.base_dense, overrides) if overrides else loaded.base_dense,
        position=position,
    )
    loaded.pks = np.asarray(pks, dtype=np.int64)
    loaded.pics = pics
    loaded._by_pic = None


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
        if time.monotonic() - loaded.overlay_read_at < OVERLAY_TTL:
            return loaded
        loaded.overlay_read_at = time.monotonic()
        latest = (
            ProfileVector.objects.filter(updated_at__gt=loaded.built_at)
            .order_by("-updated_at")
            .values_list("updated_at", flat=True)
            .first()
        )
        seen = latest.isoformat() if latest else ""
        if seen != loaded.overlay_seen:
            rows = list(
                ProfileVector.objects.filter(
                    updated_at__gt=loaded.built_at, encoder=loaded_encoder(loaded)
                ).values_list("organisation_id", "vector")
            )
            _overlay(loaded, rows)
            loaded.overlay_seen = seen
        return loaded


def overlay_expire() -> None:
    """Look for re-embedded profiles at the next `index_get` of this process (the process that
    re-embedded one sees it at once; the others within OVERLAY_TTL)."""
    if _LOADED is not None:
        _LOADED.overlay_read_at = float("-inf")


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
