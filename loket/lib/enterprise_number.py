"""Belgian enterprise numbers (KBO/BCE): 10 digits, the last two a mod-97 check."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def normalise_enterprise_number(value: str) -> str:
    digits = re.sub(r"[^0-9]", "", value or "")
    if len(digits) == 9:
        digits = "0" + digits
    return digits


def is_valid_enterprise_number(value: str) -> bool:
    digits = normalise_enterprise_number(value)
    if len(digits) != 10 or digits[0] not in "01":
        return False
    return 97 - int(digits[:8]) % 97 == int(digits[8:])


def format_enterprise_number(value: str) -> str:
    digits = normalise_enterprise_number(value)
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}" if len(digits) == 10 else value


def validate_enterprise_number(value: str) -> None:
    if value and not is_valid_enterprise_number(value):
        raise ValidationError(
            _(
                "%(value)s is not a valid Belgian enterprise number (10 digits with a mod-97 check)."
            ),
            params={"value": value},
            code="invalid_enterprise_number",
        )
