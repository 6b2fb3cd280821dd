"""Measuring each method on a split, fitting the fusion, the cross-lingual set (no Django)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from loket.matching.encoders import Encoder
from loket.matching.engine import POOL, Corpus, Matcher, MatchRequest
from loket.matching.fusion import FEATURES, LogisticFusion
from loket.matching.metrics import METRICS, evaluate, query_metrics, recall_at, reciprocal_rank
from loket.matching.scoring import BM25Index, CollaborationGraph, PassageIndex, TypeAffinity
from loket.matching.split import Split
from loket.matching.vectors import ExactSearch


def methods_evaluate(
    split: Split,
    matcher: Matcher,
    methods: tuple[str, ...],
    *,
    top: int = 50,
    with_seeker: bool = True,
) -> dict[str, list[dict[str, float]]]:
    """Each method's metrics on every query, in query order (`metrics.evaluate` averages them).
    Without `with_seeker` the needs are anonymous: no graph signal can be read."""
    corpus = split.corpus
    table = {}
    for method in methods:
        rows = []
        for query in split.queries:
            seeker = query.seeker if with_seeker else None
            ranked = matcher.rank(
                MatchRequest(text=query.text, seeker=seeker, top=top, method=method)
            )
            rows.append(query_metrics([corpus.keys[e.position] for e in ranked], query.relevant))
        table[method] = rows
    return table


def mean_metrics(rows: list[dict[str, float]]) -> dict[str, float]:
    return {m: (float(np.mean([r[m] for r in rows])) if rows else 0.0) for m in METRICS}


@dataclass
class QueryPool:
    keys: list[str]
    matrix: np.ndarray
    labels: np.ndarray
    relevant: set[str]


def pools_collect(split: Split, matcher: Matcher) -> list[QueryPool]:
    """Each query's hybrid candidate pool (exactly what `rank(method="hybrid")` scores) with its
    feature matrix and labels: fit and compare fusions without recomputing signals."""
    out = []
    for query in split.queries:
        request = MatchRequest(text=query.text, seeker=query.seeker, top=POOL)
        _positions, matrix = matcher.pool_features(request)
        keys = [split.corpus.keys[i] for i in _positions]
        labels = np.asarray([k in query.relevant for k in keys], dtype=bool)
        out.append(QueryPool(keys, matrix, labels, query.relevant))
    return out


def fusion_fit_pools(
    pools: list[QueryPool], features: tuple[str, ...] = FEATURES
) -> LogisticFusion:
    rows = [p.matrix for p in pools if len(p.keys)]
    labels = [p.labels for p in pools if len(p.keys)]
    return LogisticFusion.fit(np.vstack(rows), np.concatenate(labels), features=features)


def fusion_evaluate_pools(pools: list[QueryPool], fusion: LogisticFusion) -> dict[str, float]:
    runs: list[tuple[list[str], set[str]]] = []
    for pool in pools:
        if not len(pool.keys):
            runs.append(([], pool.relevant))
            continue
        order = np.argsort(-fusion.score(pool.matrix), kind="stable")
        runs.append(([pool.keys[i] for i in order[:50]], pool.relevant))
    return evaluate(runs)


def fusion_fit(split: Split, matcher: Matcher) -> LogisticFusion:
    """Fit the logistic fusion on the candidate pools of a split's queries (visible data only)."""
    return fusion_fit_pools(pools_collect(split, matcher))


# Needs written in Dutch and French, each paired with an English capability it should find.
# Each row: (Dutch need, French need, English profile it should match first); ENGLISH_NEEDS
# holds the English twin of each need.
CROSS_LINGUAL = [
    (
        "Sensoren die de versheid van voedsel in de koelketen meten",
        "Capteurs mesurant la fraîcheur des aliments dans la chaîne du froid",
        "Wireless sensors monitoring food freshness and temperature along the cold chain",
    ),
    (
        "Batterijen hergebruiken voor opslag van zonne-energie",
        "Réutiliser des batteries pour stocker l'énergie solaire",
        "Second-life lithium-ion batteries for stationary storage of photovoltaic power",
    ),
    (
        "Kunstmatige intelligentie om tumoren te herkennen op medische beelden",
        "Intelligence artificielle pour détecter des tumeurs sur des images médicales",
        "Deep learning for automatic detection of cancer in radiology scans",
    ),
    (
        "Afvalwater zuiveren en fosfaat terugwinnen",
        "Épurer les eaux usées et récupérer le phosphate",
        "Wastewater treatment plant technology with phosphorus recovery",
    ),
    (
        "Robots die pakjes sorteren in een magazijn",
        "Robots qui trient des colis dans un entrepôt",
        "Warehouse automation with robotic parcel picking and sorting",
    ),
    (
        "Isolatie van oude woningen om energie te besparen",
        "Isolation des logements anciens pour économiser l'énergie",
        "Deep energy renovation and insulation of existing residential buildings",
    ),
    (
        "Biologisch afbreekbare verpakking uit plantaardig materiaal",
        "Emballages biodégradables à base de matières végétales",
        "Compostable bio-based packaging made from plant fibres",
    ),
    (
        "Waterstof produceren met elektrolyse uit windenergie",
        "Produire de l'hydrogène par électrolyse à partir d'énergie éolienne",
        "Green hydrogen production by electrolysis powered by offshore wind",
    ),
    (
        "Cyberbeveiliging van industriële besturingssystemen",
        "Cybersécurité des systèmes de contrôle industriels",
        "Security of industrial control systems and SCADA networks against cyber attacks",
    ),
    (
        "Zorg op afstand voor ouderen met chronische ziekten",
        "Soins à distance pour les personnes âgées atteintes de maladies chroniques",
        "Telemedicine and remote monitoring for elderly patients with chronic conditions",
    ),
    (
        "Precisielandbouw met drones en satellietbeelden",
        "Agriculture de précision avec des drones et des images satellites",
        "Precision farming using UAV and satellite remote sensing of crops",
    ),
    (
        "Gerecycleerd plastic voor 3D-printen",
        "Plastique recyclé pour l'impression 3D",
        "Additive manufacturing with recycled polymer filament",
    ),
    (
        "Slimme laadpalen voor elektrische wagens",
        "Bornes de recharge intelligentes pour voitures électriques",
        "Smart charging infrastructure for electric vehicles and grid balancing",
    ),
    (
        "Vroege opsporing van bosbranden",
        "Détection précoce des feux de forêt",
        "Early warning system for wildfire detection",
    ),
    (
        "Vaccins ontwikkelen tegen nieuwe virussen",
        "Développer des vaccins contre de nouveaux virus",
        "Vaccine development against emerging viral infections",
    ),
    (
        "Eiwitten uit insecten voor veevoeder",
        "Protéines d'insectes pour l'alimentation animale",
        "Insect protein as a sustainable ingredient for animal feed",
    ),
    (
        "Digitale tweeling van een fabriek om onderhoud te voorspellen",
        "Jumeau numérique d'une usine pour prévoir la maintenance",
        "Digital twin for predictive maintenance in manufacturing plants",
    ),
    (
        "Koolstofdioxide afvangen uit de uitlaat van cementovens",
        "Capter le dioxyde de carbone des fours à ciment",
        "Carbon capture from cement kiln flue gas",
    ),
    (
        "Leesvaardigheid van kinderen verbeteren met educatieve spellen",
        "Améliorer la lecture des enfants avec des jeux éducatifs",
        "Educational games to improve children's literacy",
    ),
    (
        "Microplastics in zeewater meten",
        "Mesurer les microplastiques dans l'eau de mer",
        "Monitoring microplastic pollution in the marine environment",
    ),
]

ENGLISH_NEEDS = [
    "Sensors that measure the freshness of food in the cold chain",
    "Reusing batteries to store solar energy",
    "Artificial intelligence to recognise tumours in medical images",
    "Purifying wastewater and recovering phosphate",
    "Robots that sort parcels in a warehouse",
    "Insulating old houses to save energy",
    "Biodegradable packaging from plant material",
    "Producing hydrogen by electrolysis from wind energy",
    "Cybersecurity of industrial control systems",
    "Remote care for elderly people with chronic diseases",
    "Precision agriculture with drones and satellite images",
    "Recycled plastic for 3D printing",
    "Smart charging points for electric cars",
    "Early detection of forest fires",
    "Developing vaccines against new viruses",
    "Insect proteins for animal feed",
    "Digital twin of a factory to predict maintenance",
    "Capturing carbon dioxide from the exhaust of cement kilns",
    "Improving children's reading skills with educational games",
    "Measuring microplastics in sea water",
]


DISTRACTORS = 1000


def cross_lingual_evaluate(
    encoder: Encoder,
    distractors: list[str] | None = None,
    fusion: LogisticFusion | None = None,
) -> dict[str, dict[str, float]]:
    """Each language's needs against the English profiles, among up to DISTRACTORS other
    (real, English) project texts: R@1 and MRR of the dense encoder alone ("R@1", "MRR") and of
    the whole hybrid matcher with `fusion` ("hybrid R@1", "hybrid MRR"; every signal, each
    profile one passage, no seeker). English needs are the twin to compare with."""
    others = sorted({t for t in distractors or [] if len(t) > 80})[:DISTRACTORS]
    texts_en = [en for _nl, _fr, en in CROSS_LINGUAL] + others
    profiles = encoder.encode_passages(texts_en)
    keys = [str(i) for i in range(len(profiles))]
    n_profiles = len(keys)
    corpus = Corpus(
        keys=keys,
        types=["company"] * n_profiles,
        countries=[""] * n_profiles,
        activity=np.zeros(n_profiles, dtype=np.float32),
        lexical=BM25Index.build(texts_en),
        dense=ExactSearch(profiles),
        graph=CollaborationGraph(),
        affinity=TypeAffinity({}),
        passages=PassageIndex.from_lists(profiles, [[i] for i in range(n_profiles)], n_profiles),
        passage_lexical=BM25Index.build(texts_en),
    )
    matcher = Matcher(corpus, encoder, fusion)
    out = {}
    texts = {
        "nl": [row[0] for row in CROSS_LINGUAL],
        "fr": [row[1] for row in CROSS_LINGUAL],
        "en": ENGLISH_NEEDS,
    }
    for language, needs_text in texts.items():
        needs = encoder.encode_queries(needs_text)
        row = dict.fromkeys(("R@1", "MRR", "hybrid R@1", "hybrid MRR"), 0.0)
        for i, need in enumerate(needs):
            order = np.argsort(-(profiles @ need), kind="stable")
            ranked = [keys[j] for j in order]
            row["R@1"] += recall_at(ranked, {keys[i]}, 1)
            row["MRR"] += reciprocal_rank(ranked, {keys[i]})
            hybrid = [
                keys[e.position] for e in matcher.rank(MatchRequest(text=needs_text[i], top=50))
            ]
            row["hybrid R@1"] += recall_at(hybrid, {keys[i]}, 1)
            row["hybrid MRR"] += reciprocal_rank(hybrid, {keys[i]})
        n = len(CROSS_LINGUAL)
        out[language] = {name: value / n for name, value in row.items()}
    return out
