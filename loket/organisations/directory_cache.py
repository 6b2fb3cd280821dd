"""Cached directory figures (facet counts when browsing without a query).

Entries live under a version token: `directory_cache_clear()` replaces the token, which drops
every entry at once. It is called by the signal receivers in signals.py (profile saved, deleted,
innovation types changed) and by the search refresh that every import and bulk change ends with.
The timeout bounds staleness where an invalidation cannot reach (a per-process cache in another
worker, a raw UPDATE): with REDIS_URL set, invalidation is immediate for every worker.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache

T = TypeVar("T")
VERSION_KEY = "organisations:directory:version"
TIMEOUT = 300  # seconds


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, version, None):
            version = cache.get(VERSION_KEY) or version
    return version


def directory_cache_clear() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def directory_cached(parts: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """The cached value for `parts` (a tuple of plain values), computed and stored when missing."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"organisations:directory:{_version()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value
