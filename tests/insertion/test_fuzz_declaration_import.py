"""Fuzz: declaration files (CSV, XLSX) through ``import_declarations``.

No exception escapes (a malformed file is a ``FileProblem`` in French), every message is French,
a refused import leaves the declarations as they were, and whatever is committed reads back.
"""

import io
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dentelle.core.importing import run_import
from dentelle.core.spreadsheet import UPLOAD
from dentelle.insertion.importer import FileProblem, import_declarations
from dentelle.insertion.models import HoursDeclaration
from tests import fuzz_strategies as fz
from tests.fuzz_imports import check_import

STATS = Counter()
HEADER = ["marche", "mois", "modalite", "beneficiaire", "heures", "commentaire"]


@st.composite
def declaration_file(draw, pseudonym):
    header = list(HEADER)
    if draw(st.booleans()):
        header = draw(
            st.lists(st.sampled_from(HEADER + ["Heures", "x"]), min_size=1, max_size=7)
        )  # duplicates
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        base = {
            "marche": draw(st.one_of(st.just("M-001"), fz.cells())),
            "mois": draw(st.one_of(st.just("2026-02"), fz.dates_or_not(), fz.cells())),
            "modalite": draw(st.one_of(st.just("DIRECT_HIRE"), fz.cells())),
            "beneficiaire": draw(st.one_of(st.just(pseudonym), fz.cells())),
            "heures": draw(st.one_of(st.just("35"), fz.numbers())),
            "commentaire": draw(fz.texts()),
        }
        rows.append([base.get(h.lower(), draw(fz.cells())) for h in header])
    if draw(st.booleans()):
        data, name = fz.xlsx_bytes(header, rows), "declarations.xlsx"
    else:
        text = fz.csv_text(header, rows, draw(st.sampled_from([";", ","])))
        data, name = fz.encode(text, draw(fz.ENCODINGS)), "declarations.csv"
    how, cut = draw(fz.MANGLING)
    return name, fz.mangle(data, how, cut)


def check(name, data):
    def attempt():
        return run_import(
            import_declarations, wet_run=True, stream=io.BytesIO(data), filename=name, limits=UPLOAD
        )

    check_import(
        STATS,
        attempt,
        refused=FileProblem,
        snapshot=HoursDeclaration.objects.count,
        read_back=lambda: list(HoursDeclaration.objects.values_list("hours", "month", "comment")),
    )


@pytest.mark.slow
@pytest.mark.django_db
def test_fuzz_declaration_files(contract, beneficiary):
    @fz.FUZZ
    @given(declaration_file(beneficiary.pseudonym))
    def run(file):
        check(*file)

    run()
    check("bombe.xlsx", fz.zip_bomb())
    print(f"\nfuzz déclarations : {dict(STATS)}")
    assert STATS["unhandled"] == 0 and STATS["files"] > fz.EXAMPLES
