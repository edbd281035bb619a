import json

import pytest
from django.core.management import CommandError, call_command

from dentelle.decp.adapters import awarded_from_contract, export_organisation
from tests.decp.conftest import HOLDER_SIRET, SUBCONTRACTOR_SIRET


@pytest.mark.django_db
def test_contract_maps_to_awarded_contract(awarded_contract):
    awarded = awarded_from_contract(awarded_contract)
    assert awarded.reference == "2026-DL-014" and awarded.buyer_siret == "23750007900312"
    assert awarded.cpv_code == "77310000" and awarded.nature == "services"
    assert awarded.procedure == "Procédure adaptée"
    assert (awarded.place_kind, awarded.place_code) == ("department", "93")
    assert awarded.duration_months == 48  # the lot has none: the operation's
    assert awarded.has_social_clause and awarded.reservation_kind == "siae"
    assert not awarded.has_social_award_criterion
    assert awarded.holders == (HOLDER_SIRET,)
    assert [s.siret for s in awarded.subcontractors] == [SUBCONTRACTOR_SIRET]


@pytest.mark.django_db
def test_social_award_criterion_on_the_lot_is_exported(awarded_contract):
    lot = awarded_contract.lot
    lot.social_award_criterion = True
    lot.clause_hours = None
    lot.save()
    awarded_contract.required_hours = 0
    awarded_contract.reservation_kind = ""
    awarded_contract.save()
    lot.reservation_kind = ""
    lot.save()
    awarded_contract.refresh_from_db()
    assert awarded_from_contract(awarded_contract).has_social_award_criterion
    document, _ = export_organisation(awarded_contract.organisation)
    assert document["marches"]["marche"][0]["considerationsSociales"] == {
        "considerationSociale": ["Critère social"]
    }


@pytest.mark.django_db
def test_export_document_and_remaining_schema_gaps(awarded_contract):
    document, violations = export_organisation(awarded_contract.organisation)
    (marche,) = document["marches"]["marche"]
    assert marche["considerationsSociales"]["considerationSociale"] == ["Clause sociale", "Marché réservé"]
    assert marche["titulaires"] == [{"titulaire": {"typeIdentifiant": "SIRET", "id": HOLDER_SIRET}}]
    assert marche["montant"] == 480000
    # Dentelle does not hold these: the export asks for them instead of inventing them.
    gaps = {v.path.split(".")[-1] for v in violations}
    assert {"offresRecues", "formePrix", "typesPrix"} <= gaps
    assert "considerationsSociales" not in " ".join(v.path for v in violations)


@pytest.mark.django_db
def test_cli_export_writes_the_file(awarded_contract, tmp_path, capsys):
    out = tmp_path / "decp.json"
    call_command("decp", "export", "--organisation", "Région test DECP", "--out", str(out))
    document = json.loads(out.read_text(encoding="utf-8"))
    assert [m["id"] for m in document["marches"]["marche"]] == ["2026-DL-014"]
    captured = capsys.readouterr()
    assert "1 marché(s)" in captured.out and "à compléter avant publication" in captured.err


@pytest.mark.django_db
def test_cli_export_needs_a_known_organisation(organisation):
    with pytest.raises(CommandError, match="introuvable"):
        call_command("decp", "export", "--organisation", "Nulle part")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("clause_hours", 2400), ("has_employment_condition", True), ("insertion_market", True)],
)
def test_each_lot_field_that_means_a_clause_reaches_the_decp_output(awarded_contract, field, value):
    """The adapter reads the lot's fields by their names: renaming one must fail here, not silently
    drop the clause from the export."""
    lot = awarded_contract.lot
    lot.clause_hours, lot.has_employment_condition, lot.insertion_market = None, False, False
    lot.reservation_kind = ""
    setattr(lot, field, value)
    lot.save()
    awarded_contract.required_hours = 0
    awarded_contract.reservation_kind = ""
    awarded_contract.save()
    document, _ = export_organisation(awarded_contract.organisation)
    assert document["marches"]["marche"][0]["considerationsSociales"]["considerationSociale"] == [
        "Clause sociale"
    ]
