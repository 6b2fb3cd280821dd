"""Service-level timers in working days (Monday to Friday; no Django imports)."""

from datetime import datetime, timedelta


def add_working_days(start: datetime, days: int) -> datetime:
    """The moment `days` working days after `start` (same time of day; weekends skipped)."""
    moment = start
    # Starting on a weekend counts from the next Monday morning's equivalent time.
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    remaining = days
    while remaining > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            remaining -= 1
    return moment


def working_days_between(start: datetime, end: datetime) -> float:
    """Elapsed working time between two moments, in (fractional) working days."""
    if end <= start:
        return 0.0
    total = 0.0
    cursor = start
    while cursor < end:
        next_midnight = (cursor + timedelta(days=1)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        segment_end = min(next_midnight, end)
        if cursor.weekday() < 5:
            total += (segment_end - cursor).total_seconds() / 86400
        cursor = segment_end
    return total


def is_overdue(received_at: datetime, promise_days: int, now: datetime) -> bool:
    return now > add_working_days(received_at, promise_days)
