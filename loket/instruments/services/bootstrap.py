"""One call that brings the instruments app to its demo state; safe and quick to run again."""

from __future__ import annotations

from typing import Any

from loket.instruments.services.calls import calls_import_file, default_calls_path
from loket.instruments.services.loading import catalogue_load


def instruments_bootstrap() -> dict[str, Any]:
    """Load the catalogue and, when the shared data is present, the EU calls. Idempotent."""
    load = catalogue_load()
    result: dict[str, Any] = {"instruments": load.instruments, "calls": None}
    path = default_calls_path()
    if path.exists():
        report = calls_import_file(path=path)
        result["calls"] = {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "malformed": len(report.malformed),
        }
    return result
