"""The streamed JSON report (`dentelle scan --out x.json`, bench) is the same document as json_bytes."""

import io
import json

from dentelle.purchases.report import json_bytes, report_dict, write_json


def test_streamed_json_is_the_same_document_as_json_bytes():
    entries = [
        {"operation": f"OP-{i}", "lot": "1", "potential_hours": i, "findings": [], "departments": ["75"]}
        for i in range(5)
    ]
    report = report_dict([dict(e, service="DL") for e in entries], 1000)
    handle = io.BytesIO()
    write_json(report, handle, batch=2)
    assert json.loads(handle.getvalue()) == json.loads(json_bytes(report))
    empty = io.BytesIO()
    write_json(report_dict([]), empty)
    assert json.loads(empty.getvalue())["lots"] == []
