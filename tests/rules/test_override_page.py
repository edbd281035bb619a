"""« Paramètres de l'organisation »: the officer sets a value (who, why, when), the scan uses it and says so."""

from datetime import date
from decimal import Decimal

import pytest

from dentelle.accounts.models import Organisation, User
from dentelle.core.roles import Role
from dentelle.rules.hours import estimate_for_family
from dentelle.rules.models import RuleOverride
from dentelle.rules.services import rules_for

URL = "/parametres/"


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Région test")


def user(organisation, role):
    return User.objects.create_user(f"u-{role}", password=None, role=role, organisation=organisation)


def post(client, **data):
    base = {
        "parameter_path": "family.vocational_training.labour_share",
        "value": "0,60",
        "why": "Masse salariale des formateurs",
        "source": "Étude interne 2026",
        "date": "2026-11-01",
        "to_confirm": "on",
    }
    return client.post(URL, {**base, **data})


def test_officer_sets_a_value_that_the_estimator_names(client, organisation):
    officer = user(organisation, Role.PURCHASING_OFFICER)
    client.force_login(officer)
    assert client.get(URL).status_code == 200
    response = post(client)
    assert response.status_code == 302
    override = RuleOverride.objects.get(organisation=organisation)
    assert (override.value, override.who, override.to_confirm) == ("0.60", officer, True)
    post(client, parameter_path="family.vocational_training.loaded_hourly_cost", value="45")
    family = rules_for(organisation).family("vocational_training")
    result = estimate_for_family(500_000, family)
    assert result.hours == 333  # 500,000 × 60 % × 5 % ÷ 45 = 333.3
    share = next(f for f in result.figures if f.name == "labour_share")
    assert "valeur propre à l'organisation" in share.label and "u-purchasing_officer" in share.label
    assert share.tag == "à confirmer"
    page = client.get(URL).content.decode()
    assert "Masse salariale des formateurs" in page and "à confirmer" in page


def test_bad_values_are_refused_in_french(client, organisation):
    client.force_login(user(organisation, Role.PURCHASING_OFFICER))
    response = post(client, value="1.5")
    assert response.status_code == 200
    assert "entre 0 et 1" in response.content.decode()
    response = post(client, value="beaucoup")
    assert "Valeur numérique attendue" in response.content.decode()
    assert not RuleOverride.objects.exists()


def test_retiring_a_value_restores_the_file(client, organisation):
    client.force_login(user(organisation, Role.PURCHASING_OFFICER))
    post(client)
    override = RuleOverride.objects.get()
    client.post(URL, {"deactivate": str(override.pk)})
    override.refresh_from_db()
    assert not override.is_active
    assert rules_for(organisation).family("vocational_training").params["labour_share"].missing


@pytest.mark.parametrize("role", [Role.BUYER, Role.FACILITATOR, Role.READER], ids=str)
def test_other_roles_read_but_cannot_set(client, organisation, role):
    client.force_login(user(organisation, role))
    page = client.get(URL)
    assert page.status_code == 200 and "override-form" not in page.content.decode()
    assert post(client).status_code == 403
    assert not RuleOverride.objects.exists()


def test_a_value_of_another_organisation_cannot_be_retired(client, organisation):
    other = Organisation.objects.create(name="Autre")
    foreign = RuleOverride.objects.create(
        organisation=other, parameter_path="family.removals.labour_share", value="0.5", why="x",
        source="y", date=date(2026, 1, 1),
    )  # fmt: skip
    client.force_login(user(organisation, Role.PURCHASING_OFFICER))
    assert client.post(URL, {"deactivate": str(foreign.pk)}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active and foreign.value == "0.5"
    assert Decimal(foreign.value) == Decimal("0.5")


def test_parameters_are_named_in_french_not_by_their_path():
    from dentelle.rules.loader import default_rules
    from dentelle.rules.types import SCREENING_LABELS, parameter_label

    rules = default_rules()
    family = rules.family("vocational_training")
    assert parameter_label("family.vocational_training.labour_share", rules) == (
        f"{family.label} — part de main-d'œuvre"
    )
    assert parameter_label("screening.default_capacity_per_structure", rules) == (
        "Balayage — capacité retenue par structure, faute de donnée (€ HT par an)"
    )
    assert parameter_label("plausibility.works", rules) == "Plafond d'heures — travaux"
    assert set(rules.screening) <= set(SCREENING_LABELS)  # every screening parameter has its label
    assert parameter_label("autre.chose", rules) == "autre.chose"


def test_page_lists_the_organisation_values_by_label(client, organisation):
    client.force_login(user(organisation, Role.PURCHASING_OFFICER))
    post(client)
    post(client, parameter_path="screening.default_capacity_per_structure", value="250000")
    page = client.get(URL).content.decode()
    table = page.split('id="overrides"', 1)[1].split("</table>", 1)[0]
    assert "part de main-d&#x27;œuvre" in table and "capacité retenue par structure" in table
    assert "labour_share" not in table and "default_capacity_per_structure" not in table
    form = page.split('id="override-form"', 1)[1]
    assert ">Balayage — default_capacity" not in form and "Balayage — capacité retenue" in form
    override = RuleOverride.objects.get(parameter_path="screening.default_capacity_per_structure")
    response = client.post(URL, {"deactivate": override.pk}, follow=True)
    assert "Valeur retirée : « Balayage — capacité retenue" in response.content.decode()
