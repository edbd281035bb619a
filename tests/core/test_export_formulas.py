"""Formula injection: a cell a spreadsheet would compute is prefixed, whatever hides its sign."""

import pytest

from dentelle.core.exports import neutralise


@pytest.mark.parametrize(
    "value",
    [
        " =1+1",
        '\xa0=HYPERLINK("x")',
        "＝1+1",
        "\u3000+1",
        "\u200b=1",
        "﹦1",
        "＠SUM(A1)",
        "\ufeff=1",
        "  -2+3",
    ],
    ids=[
        "space",
        "nbsp",
        "fullwidth-equals",
        "ideographic-space",
        "zero-width",
        "small-equals",
        "fullwidth-at",
        "bom",
        "spaces-minus",
    ],
)
def test_hidden_formula_signs_are_neutralised(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Nettoyage", " a = b", "   ", "", "12 €", 42, None])
def test_ordinary_values_are_left_alone(value):
    assert neutralise(value) == value
