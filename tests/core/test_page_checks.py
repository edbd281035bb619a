"""The checks of the browser tests catch what they are meant to catch (and leave French pages alone)."""

from tests.core.page_checks import english_words, problems, ungrouped_numbers


def test_english_defaults_are_caught_not_french_words():
    assert english_words("Indicateur : ---------\nThis field is required.") == [
        "---------",
        "This field is required",
    ]
    assert english_words("Rechercher · Enregistrer · Supprimer · Aucun · Filtrer les marchés") == []
    assert english_words("Valeur : None") == ["None"]


def test_ungrouped_numbers_are_caught_not_identifiers():
    assert ungrouped_numbers("110000000 € HT, 64533 h, 12,5 %, 500000.00") == [
        "110000000 €",
        "500000.00",
        "64533 h",
    ]
    assert ungrouped_numbers("Montant : 291550 €") == ["291550 €"]
    grouped = "110\u202f000\u202f000 € HT · 64\u202f533 h · 120\u202f999,1 h · 9999 € · 12,5 %"
    assert ungrouped_numbers(grouped) == []
    identifiers = "SIRET 18003606300022 · CPV 77310000 · commune 93066 · marché DEMO-INS-2026-001"
    assert ungrouped_numbers(identifiers) == []
    assert ungrouped_numbers("", number_cells=["64533", "1\u202f234"]) == ["64533"]


def test_problems_names_each_kind():
    page = {"text": "Accès refusé 12345 €", "numbers": [], "unstyled": ["metric"]}
    assert [p.split(" :")[0] for p in problems(page)] == [
        "champs sans style DSFR",
        "nombres sans séparateur de milliers",
        "page d'erreur",
    ]
    assert (
        problems({"text": "Tout va bien : 12\u202f345 €", "numbers": ["12\u202f345"], "unstyled": []}) == []
    )
