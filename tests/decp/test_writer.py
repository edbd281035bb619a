import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from dentelle.decp.readers import iter_decp
from dentelle.decp.schema import check_document, check_marche, load_schema
from dentelle.decp.writer import (
    AwardedContract,
    Subcontractor,
    dumps,
    social_considerations,
    to_document,
    to_marche,
)

SCHEMA_FILE = Path(settings.DENTELLE_DATA_DIR) / "decp" / "decp_v2_schema_2.0.3.json"
V2_EXAMPLE = Path(settings.DENTELLE_DATA_DIR) / "decp" / "decp_v2_exemple_reel_megalis_2024-07-09.json"
TODAY = date(2026, 11, 25)


def awarded(**overrides):
    values = {
        "reference": "2026-DL-014",
        "buyer_siret": "23750007900312",
        "title": "Entretien des espaces verts des lycées",
        "cpv_code": "77310000",
        "nature": "services",
        "procedure": "Appel d'offres ouvert",
        "place_code": "93",
        "place_kind": "department",
        "duration_months": 48,
        "notified_on": date(2026, 3, 2),
        "amount": Decimal("480000.00"),
        "holders": ("78471226700060",),
        "offers_received": 4,
        "price_form": "Unitaire",
        "price_types": ("Définitif révisable",),
    }
    values.update(overrides)
    return AwardedContract(**values)


@pytest.fixture(scope="module")
def schema():
    return load_schema(SCHEMA_FILE)


@pytest.mark.parametrize(
    ("clause", "criterion", "reservation", "expected"),
    [
        (False, False, "", ["Pas de considération sociale"]),
        (True, False, "", ["Clause sociale"]),
        (False, True, "", ["Critère social"]),
        (False, False, "siae", ["Marché réservé"]),
        (False, False, "disability", ["Marché réservé"]),
        (False, False, "ess", ["Marché réservé"]),
        (True, True, "siae", ["Clause sociale", "Critère social", "Marché réservé"]),
    ],
    ids=["none", "clause", "criterion", "reserved-siae", "reserved-ea-esat", "reserved-ess", "all-three"],
)
def test_social_considerations_mapping_domain_3_9(clause, criterion, reservation, expected):
    values = social_considerations(
        has_social_clause=clause, has_social_award_criterion=criterion, reservation_kind=reservation
    )
    assert values == expected
    assert "Pas de considération sociale" not in values or len(values) == 1


def test_complete_contract_passes_the_official_schema(schema):
    record = to_marche(awarded(has_social_clause=True, reservation_kind="siae"), today=TODAY)
    assert check_marche(record, schema) == []
    assert record["considerationsSociales"] == {"considerationSociale": ["Clause sociale", "Marché réservé"]}
    assert record["montant"] == 480000 and record["ccag"] == "Fournitures courantes et services"
    assert record["lieuExecution"] == {"code": "93", "typeCode": "Code département"}
    assert record["datePublicationDonnees"] == "2026-11-25"
    assert check_document(to_document([awarded()], today=TODAY), schema) == []


def test_unknown_required_fields_are_left_for_the_buyer_not_invented(schema):
    record = to_marche(
        awarded(
            offers_received=None, price_form="", price_types=(), holders=("78471226700060", "41234567800011")
        ),
        today=TODAY,
    )
    missing = {v.path for v in check_marche(record, schema) if v.reason == "champ obligatoire absent"}
    assert missing == {
        "marche.offresRecues",
        "marche.formePrix",
        "marche.typesPrix",
        "marche.typeGroupementOperateurs",
    }


def test_subcontracting_acts_are_written_and_checked(schema):
    sub = Subcontractor(siret="41234567800011", amount=Decimal("35000"), price_variation="Révisable")
    record = to_marche(awarded(subcontractors=(sub,)), today=TODAY)
    act = record["actesSousTraitance"][0]["acteSousTraitance"]
    assert act["sousTraitant"] == {"typeIdentifiant": "SIRET", "id": "41234567800011"}
    assert act["montant"] == 35000 and act["dateNotification"] == "2026-03-02"
    assert record["sousTraitanceDeclaree"] is True
    assert check_marche(record, schema) == []


@pytest.mark.parametrize(
    ("field", "value", "reason_part"),
    [
        ("codeCPV", "7731000", "motif"),
        ("procedure", "Gré à gré", "hors liste"),
        ("dureeMois", 0, "minimum"),
        ("montant", "480000", "type"),
        ("id", "X" * 17, "au plus 16"),
        ("titulaires", [], "au moins 1"),
        ("inconnu", 1, "non prévu"),
    ],
    ids=[
        "cpv-pattern",
        "procedure-enum",
        "duration-min",
        "amount-type",
        "id-length",
        "holders-min",
        "extra-field",
    ],
)
def test_schema_checker_catches_each_kind_of_violation(schema, field, value, reason_part):
    record = to_marche(awarded(), today=TODAY)
    record[field] = value
    violations = check_marche(record, schema)
    assert any(v.path == f"marche.{field}" and reason_part in v.reason for v in violations), violations


def test_no_social_consideration_is_never_combined(schema):
    record = to_marche(awarded(), today=TODAY)
    record["considerationsSociales"]["considerationSociale"] = [
        "Pas de considération sociale",
        "Clause sociale",
    ]
    violations = check_marche(record, schema)
    assert [v.path for v in violations] == ["marche.considerationsSociales.considerationSociale"]
    assert "ne peut pas être combinée" in violations[0].reason


def test_real_v2_example_departs_from_schema_2_0_3(schema):
    """The 2024 example predates 2.0.3: `_type` is not allowed and its sub-contracting acts are partial."""
    document = json.loads(V2_EXAMPLE.read_text(encoding="utf-8"))
    violations = check_document(document, schema)
    paths = {v.path for v in violations}
    assert "marches.marche[0]._type" in paths
    assert "marches.marche[0].actesSousTraitance[0].acteSousTraitance.montant" in paths
    assert not any("considerationsSociales" in p for p in paths)


def test_written_document_reads_back_with_the_readers(tmp_path):
    contracts = [
        awarded(reference="A1", has_social_clause=True),
        awarded(reference="A2", reservation_kind="siae", amount=Decimal("39999.99")),
        awarded(reference="A3"),
    ]
    path = tmp_path / "export.json"
    path.write_text(dumps(to_document(contracts, today=TODAY)), encoding="utf-8")
    problems = []
    records = list(iter_decp(path, problems))
    assert problems == []
    assert [(r.id, r.social_considerations, r.amount) for r in records] == [
        ("A1", ("Clause sociale",), Decimal("480000")),
        ("A2", ("Marché réservé",), Decimal("39999.99")),
        ("A3", ("Pas de considération sociale",), Decimal("480000")),
    ]
    assert records[0].format_version == "2" and records[0].cpv == "77310000"
