import pytest
from django.core.exceptions import ValidationError

from dentelle.core.validators import checked, normalise_cpv, validate_cpv, validate_siret


def test_checked_returns_what_the_cleaner_returns():
    assert checked(normalise_cpv, "77310000-6") == "77310000"


def test_checked_raises_the_cleaners_french_reason_as_a_validation_error():
    with pytest.raises(ValidationError) as caught:
        checked(normalise_cpv, "7731")
    assert caught.value.messages == ["Code CPV mal formé ('7731')"]
    assert isinstance(caught.value.__cause__, ValueError)


@pytest.mark.parametrize(
    "validator, good, bad, reason",
    [
        (validate_siret, "73282932000074", "73282932000075", "clé de contrôle fausse"),
        (validate_cpv, "773100006", "77-31", "Code CPV mal formé"),
    ],
    ids=["siret", "cpv"],
)
def test_field_validators_accept_good_values_and_refuse_bad_ones_in_french(validator, good, bad, reason):
    assert validator(good) is None
    with pytest.raises(ValidationError, match=reason):
        validator(bad)
