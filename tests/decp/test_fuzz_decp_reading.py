"""Fuzz: DECP files (v1/v2 JSON, flattened CSV) through the analysis the upload page runs.

No exception escapes (a malformed file is a ``DecpFileError`` in French), every problem is French,
and reading writes nothing.
"""

import io
import json
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dentelle.decp.readers import CSV_COLUMNS, DecpFileError
from dentelle.decp.services import analyse_file
from dentelle.siaes.models import Siae
from tests import fuzz_strategies as fz

STATS = Counter()
KEYS = [
    "id",
    "acheteur",
    "nature",
    "objet",
    "codeCPV",
    "procedure",
    "lieuExecution",
    "dureeMois",
    "dateNotification",
    "montant",
    "titulaires",
    "considerationsSociales",
    "considerationsEnvironnementales",
    "actesSousTraitance",
    "autoriteConcedante",
    "concessionnaires",
    "valeurGlobale",
]


@st.composite
def decp_json(draw):
    value = fz.json_values()
    record = draw(st.fixed_dictionaries({}, optional={k: value for k in KEYS}))
    if draw(st.booleans()):
        record.update(id="M1", codeCPV="90910000", montant=1000, dureeMois=12)
        record[draw(st.sampled_from(KEYS))] = draw(value)
    records = draw(st.one_of(st.just([record]), st.lists(value, max_size=2)))
    payload = draw(
        st.sampled_from(
            [
                {"marches": records},
                {"marches": {"marche": records}},
                {"marches": {"contrat-concession": records}},
                {"autre": records},
            ]
        )
    )
    text = json.dumps(payload, allow_nan=True)
    roll = draw(st.integers(0, 20))
    if roll == 0:
        text = '{"marches": [' + fz.deep_json() + "]}"
    elif roll == 1:
        text = text.replace("1000", fz.HUGE_INT, 1) if "1000" in text else text
    how, cut = draw(fz.MANGLING)
    return fz.mangle(text.encode(), how, cut)


@st.composite
def decp_csv(draw):
    header = list(CSV_COLUMNS)
    if draw(st.integers(0, 5)) == 0:
        header = header[: draw(st.integers(0, len(header)))]
    rows = draw(st.lists(st.lists(fz.cells(), min_size=0, max_size=len(header) + 2), max_size=3))
    text = fz.csv_text(header, rows, ",")
    how, cut = draw(fz.MANGLING)
    return fz.mangle(fz.encode(text, draw(fz.ENCODINGS)), how, cut)


def check(data):
    STATS["files"] += 1
    before = Siae.objects.count()
    try:
        _fmt, _result, problems = analyse_file(io.BytesIO(data), region="11")
    except DecpFileError as exc:
        STATS["file refused"] += 1
        fz.assert_french([str(exc)])
        return
    except Exception:
        STATS["unhandled"] += 1
        raise
    fz.assert_french([str(p.reason) for p in problems])
    STATS["read"] += 1
    assert Siae.objects.count() == before


@pytest.mark.django_db
def test_fuzz_decp_files():
    @fz.FUZZ
    @given(st.one_of(decp_json(), decp_csv()))
    def run(data):
        check(data)

    run()
    print(f"\nfuzz DECP : {dict(STATS)}")
    assert STATS["unhandled"] == 0 and STATS["files"] >= fz.EXAMPLES
