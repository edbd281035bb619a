import pytest

from dentelle.referentials.text import compact, lossy, normalise


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Saint-Étienne", "ST ETIENNE"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
        ("Œuilly", "oeuilly"),
        ("Communauté d'agglomération du Grand Dole", "CA du Grand Dole"),
        ("Sainte-Anne", "Ste Anne"),
    ],
    ids=["saint-accent", "apostrophe-trema", "ligature", "epci-abbreviation", "sainte"],
)
def test_normalise_makes_spellings_meet(left, right):
    assert normalise(left) == normalise(right)


def test_lossy_matches_text_whose_accents_were_lost():
    assert lossy("Is\ufffdre") == lossy("Isère")
    assert lossy("C\ufffdte-d'Or") == lossy("Côte-d'Or")
    assert normalise("Is\ufffdre") != normalise("Isère")


def test_compact_removes_spaces():
    assert compact(normalise("Seine-Maritime")) == normalise("seinemaritime")
