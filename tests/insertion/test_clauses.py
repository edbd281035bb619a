import pytest

from dentelle.insertion.clauses import ClauseFacts, clause_wording

FACTS = ClauseFacts(
    lot_title="Entretien des espaces verts",
    lot_number="3",
    operation_title="Lycées de Seine-Saint-Denis",
    insertion_hours=1234.4,
    facilitator_name="Nadia Facilitatrice",
    facilitator_organisation="Maison de l'emploi",
    facilitator_email="nadia@example.org",
    duration_months=24,
)


def test_clause_states_the_four_items_required_by_the_ccag():
    wording = clause_wording(FACTS)
    assert wording.complete and not wording.missing
    text = wording.text
    assert "1. Périmètre" in text and "lot n° 3 « Entretien des espaces verts »" in text  # scope
    assert "Nadia Facilitatrice (Maison de l'emploi)" in text and "nadia@example.org" in text  # facilitator
    assert "3. Publics éligibles" in text and "demandeurs d'emploi de longue durée" in text  # publics
    assert "au minimum 1\u202f234 heures" in text  # hour volume, rounded
    assert "24 mois" in text and "L2112-2" in text


def test_without_facilitator_the_clause_is_written_but_flagged():
    wording = clause_wording(ClauseFacts(lot_title="Nettoyage", insertion_hours=500, buyer_name="La Région"))
    assert wording.text and not wording.complete
    assert wording.missing == ["les coordonnées du facilitateur"]
    assert "La Région communiquera au titulaire les coordonnées du facilitateur" in wording.text


@pytest.mark.parametrize("hours", [None, 0, -5], ids=["missing", "zero", "negative"])
def test_no_clause_without_an_hour_volume(hours):
    wording = clause_wording(ClauseFacts(lot_title="Nettoyage", insertion_hours=hours, facilitator_name="N"))
    assert wording.text == "" and not wording.complete
    assert any("volume d'heures" in m for m in wording.missing)
