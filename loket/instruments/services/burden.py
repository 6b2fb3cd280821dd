"""Administrative burden reports."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from loket.instruments.models import (
    BurdenReport,
    Instrument,
)
from loket.lib.errors import ApplicationError

# --- burden -----------------------------------------------------------------------------------


def burden_report_create(
    *, user: Any, organisation: Any, instrument: Instrument, **values: Any
) -> BurdenReport:
    if not organisation.memberships.filter(user=user).exists():
        raise ApplicationError(_("You can only report for an organisation you belong to."))
    report = BurdenReport(instrument=instrument, organisation=organisation, reporter=user, **values)
    try:
        report.full_clean()
    except ValidationError as exc:
        raise ApplicationError("; ".join(exc.messages)) from exc
    report.save()
    return report
