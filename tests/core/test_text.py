"""The one text folding (pure, no database)."""

import pytest

from dentelle.core.text import ascii_fold, fold, plain_words


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Espaces verts", "espaces verts"),
        ("MAÇONNERIE", "maconnerie"),
        ("Propreté", "proprete"),
        ("Région", "region"),
        ("second œuvre", "second oeuvre"),
        ("GROS ŒUVRE", "gros oeuvre"),
        ("Æquo", "aequo"),
        ("Straße", "strasse"),
        ("Saint-Étienne", "saint-etienne"),
        ("ﬁnition", "finition"),  # a ligature NFKD splits
        ("1 234 €", "1 234 €"),  # no accent: kept
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_fold_drops_case_accents_and_ligatures(text, folded):
    assert fold(text) == folded


def test_fold_keeps_the_apostrophe_between_words():
    # A typographic apostrophe still separates « l » from « entretien » for the tokenisers.
    assert fold("l’Entretien") == "l’entretien"


def test_ascii_fold_drops_what_is_not_ascii():
    assert ascii_fold("l’Île-de-France 10 €") == "lile-de-france 10 "
    assert ascii_fold("Cœur") == "coeur"


def test_plain_words_splits_on_apostrophes_hyphens_and_spaces():
    assert plain_words("  L'Atelier-Vert   de Saint-Étienne ") == "l atelier vert de saint etienne"
    assert plain_words(None) == ""
