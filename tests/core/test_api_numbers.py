"""API answers carry no binary-float noise and no 28-digit Decimal quotients (config.api.tidy_numbers)."""

import json
from decimal import Decimal

from config.api import TidyJSONRenderer, tidy_numbers


def test_floats_and_decimals_are_rounded_everywhere_in_the_answer():
    data = {
        "realised": 53721.99999999999,
        "amount": 49000.899999999994,
        "rows": [{"share": 0.8828863288804122, "lat": 48.856614}, (1, 2.5)],
        "raw_hours": Decimal("453.9691666666666666666666667"),
        "euros": Decimal("13619.075000"),
        "whole": Decimal("1E+3"),
        "count": 12,
        "label": "49000.899999999994",
    }
    tidy = tidy_numbers(data)
    assert tidy["realised"] == 53722.0 and tidy["amount"] == 49000.9
    assert tidy["rows"] == [{"share": 0.882886, "lat": 48.856614}, [1, 2.5]]
    assert tidy["raw_hours"] == Decimal("453.969167") and "E" not in str(tidy["raw_hours"])
    assert tidy["euros"] == Decimal("13619.075000") and tidy["whole"] == Decimal("1E+3")
    assert tidy["count"] == 12 and tidy["label"] == "49000.899999999994"  # text is not a number


def test_the_api_renderer_writes_rounded_numbers():
    body = TidyJSONRenderer().render(
        None, {"hours": [3563.599999999999, 5961.100000000001]}, response_status=200
    )
    assert json.loads(body) == {"hours": [3563.6, 5961.1]}
    assert "99999" not in body and "00000" not in body
