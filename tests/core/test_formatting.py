from decimal import Decimal

import pytest
from django.template import Context, Template

from dentelle.core.formatting import format_amount, format_hours, format_number, format_percent, format_share

NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (110000000, 0, f"110{NNBSP}000{NNBSP}000"),
        (Decimal("500000.00"), 0, f"500{NNBSP}000"),
        (120999.1, 1, f"120{NNBSP}999,1"),
        (49000.899999999994, 2, f"49{NNBSP}000,90"),
        (999, 0, "999"),
        (-0.2, 0, "0"),
        (-12345, 0, f"-12{NNBSP}345"),
        ("1234.5", 0, f"1{NNBSP}235"),  # half up, not banker's rounding
        (None, 0, "—"),
        ("abc", 0, "—"),
        (float("nan"), 0, "—"),
        (float("inf"), 0, "—"),
    ],
)
def test_format_number(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_units():
    assert format_amount(291550) == f"291{NNBSP}550{NNBSP}€"
    assert format_hours(64533.4) == f"64{NNBSP}533{NNBSP}h"
    assert format_percent(12.54) == f"12,5{NNBSP}%"
    assert format_share(0.125) == f"12,5{NNBSP}%"
    assert format_hours(None) == "—"


def test_template_filters_render_french_numbers():
    text = Template(
        "{% load fr_format %}{{ a|euros }} · {{ h|heures }} · {{ n|nombre:2 }} · {{ s|part }}"
    ).render(Context({"a": 110000000, "h": 64533, "n": 120999.1, "s": 0.5}))
    assert text == f"110{NNBSP}000{NNBSP}000{NNBSP}€ · 64{NNBSP}533{NNBSP}h · 120{NNBSP}999,10 · 50,0{NNBSP}%"


def test_parameter_values_keep_their_own_decimals_and_are_grouped():
    from decimal import Decimal

    from dentelle.core.formatting import format_value

    assert format_value(170000) == "170\u202f000"
    assert format_value(Decimal("0.45")) == "0,45"
    assert format_value("28.50") == "28,5"
    assert format_value(Decimal("1E+3")) == "1\u202f000"
    assert format_value(None) == "—" and format_value("texte") == "texte"


def test_a_share_with_its_own_decimals():
    assert [format_share(v, None) for v in ("0.05", "0.045", "0.7", None)] == [
        "5\u202f%",
        "4,5\u202f%",
        "70\u202f%",
        "—",
    ]
