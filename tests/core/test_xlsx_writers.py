"""The writers that bench/bench_xlsx.py compares (ADR 0003) write the same cells, its read-back check
sees a changed cell, and our streamed writer gives numbers back to the bit."""

import importlib.util
import io
import random
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from dentelle.core.exports import xlsx_bytes

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_xlsx.py"
TEXTS = [
    "Entretien des espaces verts — lycée Jean-Moulin",
    "=SOMME(A1:A3)",
    "+33 1 23 45 67 89",
    "-2 %",
    "@moi",
    "\u00a0=1+1",
    " espace autour ",
    "a & <b> \"c\" 'd'",
    "ligne\nsuite",
    "Île-de-France 😀",
    "https://www.exemple.fr/structure",
    "77310000",
]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_xlsx", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sheets(rows=50):
    rng = random.Random(7)
    values = [
        lambda: rng.choice(TEXTS),
        lambda: rng.randint(-5, 10**9),
        lambda: round(rng.uniform(0, 10**6), 2),
        lambda: Decimal(f"{rng.randint(0, 10**7)}.{rng.randint(0, 99):02d}"),
        lambda: rng.random() < 0.5,
        lambda: None,
        lambda: "",
    ]
    body = [[rng.choice(values)() for _ in range(8)] for _ in range(rows)]
    return [
        ("Lots", [f"=col{n}" for n in range(8)], body),
        ("Synthèse", ["Indicateur", "Valeur"], [["Lots", rows]]),
    ]


def test_the_benchmarked_writers_write_the_same_cells_and_the_check_sees_a_change():
    bench, sheets = _bench(), _sheets()
    for name in ("ours", "openpyxl_wo", "openpyxl", "xlsxwriter"):
        assert bench.first_difference(sheets, bench.WRITERS[name][1](sheets)) is None, name
    content = bench.WRITERS["ours"][1](sheets)
    title, header, rows = sheets[0]
    changed = [list(row) for row in rows]
    changed[9][3] = "autre"
    assert bench.first_difference([(title, header, changed), sheets[1]], content).startswith(
        "Lots ligne 11 colonne 4"
    )
    # True == 1 in Python: the check tells a boolean cell from a number.
    assert bench.first_difference([("S", ["a"], [[True]])], xlsx_bytes([("S", ["a"], [[1]])]))


def test_streamed_xlsx_gives_numbers_back_to_the_bit():
    # openpyxl's normal mode and XlsxWriter write 16 significant digits (0.1 + 0.2 comes back 0.3);
    # the streamed writer writes the shortest exact form.
    numbers = [0.1 + 0.2, 1 / 3, 10**15 + 0.5, 2**60, 123456789.12345679, 1e-7, Decimal("1234.5600")]
    content = xlsx_bytes([("Montants", ["n"] * len(numbers), [numbers])], streamed=True)
    read = list(load_workbook(io.BytesIO(content)).active.values)[1]
    assert list(read) == [float(n) if isinstance(n, Decimal) else n for n in numbers]
    assert [type(r) for r in read] == [float, float, float, int, float, float, float]
