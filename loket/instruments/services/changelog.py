"""The change log: every change to catalogue data with who, when and what."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.db import models

from loket.instruments.models import (
    ChangeAction,
    ChangeLog,
)

# --- change log -------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def _snapshot(obj: models.Model) -> dict[str, Any]:
    return {
        f.attname: _jsonable(getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
        if f.attname not in {"updated_at", "imported_at"}
    }


def change_record(
    *,
    obj: models.Model,
    action: str,
    before: dict[str, Any] | None = None,
    user: Any = None,
    via: str = "",
    object_id: Any = None,
) -> ChangeLog | None:
    """Write one ChangeLog row; for an update only when a field really changed. A deleted
    object has lost its pk, so the caller passes `object_id` (else before["id"] is used)."""
    after = _snapshot(obj) if action != ChangeAction.DELETE else {}
    if action == ChangeAction.UPDATE:
        changes = {
            key: [before.get(key) if before else None, value]
            for key, value in after.items()
            if before is None or before.get(key) != value
        }
        if not changes:
            return None
    elif action == ChangeAction.CREATE:
        changes = {key: [None, value] for key, value in after.items()}
    else:
        changes = {key: [value, None] for key, value in (before or {}).items()}
    return ChangeLog.objects.create(
        model=obj._meta.label,
        object_id=str(object_id if object_id is not None else (obj.pk or (before or {}).get("id"))),
        object_repr=str(obj)[:300],
        action=action,
        changes=changes,
        user=user if getattr(user, "is_authenticated", False) else None,
        via=via,
    )


def record_upsert(
    model: type[models.Model],
    *,
    lookup: dict[str, Any],
    values: dict[str, Any],
    user: Any,
    via: str,
    current: models.Model | Literal[False] | None = False,
) -> tuple[models.Model, str]:
    """Create or update with a change-log entry; unchanged rows write nothing.
    Returns the object and "created", "updated" or "unchanged". A caller that has already read
    the row passes it (or None when there is none) as `current`, saving the lookup."""
    obj = model._default_manager.filter(**lookup).first() if current is False else current
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        change_record(obj=obj, action=ChangeAction.CREATE, user=user, via=via)
        return obj, "created"
    before = _snapshot(obj)
    for key, value in values.items():
        setattr(obj, key, value)
    if _snapshot(obj) == before:
        return obj, "unchanged"
    obj.full_clean()
    obj.save()
    change_record(obj=obj, action=ChangeAction.UPDATE, before=before, user=user, via=via)
    return obj, "updated"


def _upsert(
    model: type[models.Model],
    *,
    lookup: dict[str, Any],
    values: dict[str, Any],
    user: Any,
    via: str,
) -> tuple[models.Model, bool]:
    obj, status = record_upsert(model, lookup=lookup, values=values, user=user, via=via)
    return obj, status == "created"
