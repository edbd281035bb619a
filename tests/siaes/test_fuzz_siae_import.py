"""Fuzz: SIAE files (Le marché JSON export and API pages, ASP/GEIQ/ESAT CSV) through ``import_file``.

No exception escapes (a malformed file is a ``SourceFileError`` in French), every message is French,
a refused import leaves the directory as it was, and whatever is committed reads back.
"""

import json
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dentelle.core.importing import ImportReport, run_import
from dentelle.siaes.importers import import_file
from dentelle.siaes.importers.asp import ASP_COLUMNS
from dentelle.siaes.importers.records import SourceFileError
from dentelle.siaes.models import Capacity, Convention, ServiceArea, Siae
from tests import fuzz_strategies as fz
from tests.fuzz_imports import check_import

pytestmark = pytest.mark.django_db

STATS = Counter()
LEMARCHE_KEYS = [
    "siret",
    "kind",
    "name",
    "brand",
    "naf",
    "post_code",
    "city",
    "address",
    "coords",
    "latitude",
    "longitude",
    "employees_insertion_count",
    "employees_permanent_count",
    "ca",
    "updated_at",
    "presta_type",
    "is_active",
    "website",
]
SIRET = "12345670900013"  # valid (tests/data/siaes/lemarche.json)


def snapshot():
    return tuple(m.objects.count() for m in (Siae, Convention, Capacity, ServiceArea))


def read_back():
    list(Capacity.objects.values_list("value", "source", "as_of"))
    list(Siae.objects.values_list("name", "postcode", "latitude", "longitude", "provenance", "external_ids"))
    list(Convention.objects.values_list("asp_id", "department_code"))


@st.composite
def lemarche_json(draw):
    value = fz.json_values()
    fields = draw(st.fixed_dictionaries({}, optional={k: value for k in LEMARCHE_KEYS}))
    if draw(st.booleans()):
        fields.update(siret=SIRET, kind="ACI", name="Structure", post_code="93100", city="Montreuil")
        fields[draw(st.sampled_from(LEMARCHE_KEYS))] = draw(value)
    record = {"model": "siaes.siae", "pk": draw(st.one_of(st.integers(1, 9), value)), "fields": fields}
    payload = draw(st.one_of(st.just([record]), st.just([record, record]), value))
    source = draw(st.sampled_from(["lemarche", "lemarche-api"]))
    if source == "lemarche-api":
        payload = draw(st.one_of(st.just({"results": [fields]}), st.just([{"results": [fields]}]), value))
    text = json.dumps(payload, allow_nan=True)
    roll = draw(st.integers(0, 20))
    if roll == 0:
        text = fz.deep_json()
    elif roll == 1:
        text = text.replace("1", fz.HUGE_INT, 1) if "1" in text else fz.HUGE_INT
    how, cut = draw(fz.MANGLING)
    return source, "lemarche.json", fz.mangle(text.encode(), how, cut)


@st.composite
def asp_csv(draw):
    header = list(ASP_COLUMNS) + draw(
        st.lists(st.sampled_from(["latitude", "longitude", "siret", "x"]), max_size=3)
    )
    if draw(st.integers(0, 5)) == 0:
        header = draw(st.lists(st.sampled_from(ASP_COLUMNS), max_size=4))  # missing columns
    rows = draw(st.lists(st.lists(fz.cells(), min_size=len(header), max_size=len(header)), max_size=3))
    if draw(st.booleans()):
        rows.append([SIRET, "Structure", "ACI", draw(fz.cells()), "93100", "Montreuil", "93048"])
    text = fz.csv_text(header, rows, draw(st.sampled_from([";", ","])))
    how, cut = draw(fz.MANGLING)
    return "asp", "asp.csv", fz.mangle(fz.encode(text, draw(fz.ENCODINGS)), how, cut)


def check(source, name, data, tmp_path):
    path = tmp_path / name
    path.write_bytes(data)

    def attempt():
        return run_import(
            import_file, wet_run=True, report=ImportReport(), strict=True, source=source, path=str(path)
        )

    check_import(STATS, attempt, refused=SourceFileError, snapshot=snapshot, read_back=read_back)


def test_fuzz_siae_files(index, tmp_path):
    @fz.FUZZ
    @given(st.one_of(lemarche_json(), asp_csv()))
    def run(file):
        check(*file, tmp_path)

    run()
    print(f"\nfuzz SIAE : {dict(STATS)}")
    assert STATS["unhandled"] == 0 and STATS["files"] >= fz.EXAMPLES
