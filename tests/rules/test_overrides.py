from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dentelle.accounts.models import Organisation
from dentelle.rules.models import RuleOverride
from dentelle.rules.services import rules_for


@pytest.mark.django_db
def test_rules_for_organisation_applies_latest_active_override():
    org = Organisation.objects.create(name="Test")
    other = Organisation.objects.create(name="Autre")
    common = {
        "why": "Étude",
        "source": "Rapport interne",
        "parameter_path": "family.waste_collection.labour_share",
    }
    RuleOverride.objects.create(organisation=org, value="0.50", date=date(2026, 1, 1), **common)
    RuleOverride.objects.create(organisation=org, value="0.65", date=date(2026, 6, 1), **common)
    assert rules_for(org).family("waste_collection").params["labour_share"].value == Decimal("0.65")
    assert rules_for(other).family("waste_collection").params["labour_share"].missing


@pytest.mark.django_db
def test_override_validation():
    org = Organisation.objects.create(name="Test")
    override = RuleOverride(
        organisation=org, parameter_path="family.x.y", value="abc", why="w", source="s", date=date.today()
    )
    with pytest.raises(ValidationError) as exc:
        override.full_clean()
    assert "parameter_path" in exc.value.message_dict
    assert "value" in exc.value.message_dict
