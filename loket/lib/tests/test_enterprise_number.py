import pytest
from django.core.exceptions import ValidationError

from loket.lib.enterprise_number import (
    format_enterprise_number,
    is_valid_enterprise_number,
    validate_enterprise_number,
)


@pytest.mark.parametrize("value", ["0403.170.701", "0403170701", "403170701", "BE 0403.170.701"])
def test_valid_numbers_pass_the_mod97_check(value):
    assert is_valid_enterprise_number(value)


@pytest.mark.parametrize("value", ["0403.170.702", "12345", "2403170701", "", "abcdefghij"])
def test_invalid_numbers_fail(value):
    assert not is_valid_enterprise_number(value)


def test_validator_raises_with_the_value_in_the_message():
    with pytest.raises(ValidationError) as excinfo:
        validate_enterprise_number("0403.170.702")
    assert "0403.170.702" in str(excinfo.value.messages[0])


def test_format_groups_digits():
    assert format_enterprise_number("403170701") == "0403.170.701"
