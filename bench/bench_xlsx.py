"""Benchmark of the XLSX writers behind ADR 0003: our streamed writer against openpyxl (write-only and
normal mode) and XlsxWriter (constant_memory, and in_memory). Prints a table; not a test.

The sheets are the real exports, built by the code the pages and the CLI use:
- the directory export (`/siae/export.xlsx`): `siae_rows()` over `search_siaes(SearchParams())` on the
  real directory (the demo's ASP, GEIQ, ESAT and marché lists, about 5,200 structures), its rows then
  drawn with replacement up to 1,000, 10,000 and 100,000 (the page stops at EXPORT_LIMIT = 20,000);
- the plan scan report (`dentelle scan --out rapport.xlsx`, the report page): a 100,000-lot plan drawn
  from the real rows of `decp/decp_2019_v1_marches.csv` (bench_scan.write_plan), scanned by
  `scan_plan_data()` with `make_supply()`, then `xlsx_report()` on its first 1,000, 10,000 and
  100,000 lots (the sheets are captured where it calls `xlsx_bytes`).

Every writer gets the same cells, neutralised by `core.exports.neutralise` (ours and openpyxl's normal
mode through `xlsx_bytes` itself). Each writer runs in a fresh child process that loads the sheets from a
pickle first, so the memory figures are its own: peak RSS above the RSS before writing (VmHWM after
`clear_refs`, Linux), and the tracemalloc peak of a second, untimed run (Python allocations only;
XlsxWriter's constant_memory rows go to temporary files, which neither counts). Time: wall clock and
CPU (process_time), medians of BENCH_REPEAT runs (5 at 1,000 rows, 3 at 10,000, 1 at 100,000 by
default). Each output is read back with openpyxl and compared cell by cell with the neutralised input
(OK/FAIL).

Database: BENCH_DATABASE_URL (a loaded one, read only, e.g. a copy of the demo database), otherwise a
temporary SQLite file loaded with the referentials and the demo directory (about a minute).
BENCH_SIZES=1000,10000 to shorten; BENCH_WRITERS=ours,xlsxwriter to choose.
"""

import datetime as dt
import io
import json
import os
import pickle
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dentelle.core.exports import neutralise, xlsx_bytes  # noqa: E402

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,10000,100000").split(",")]
DEFAULT_REPEAT = {1000: 5, 10000: 3}


# --- The writers: (sheets) -> bytes, same cells for all ------------------------------------------------


def write_ours(sheets):
    return xlsx_bytes(sheets, streamed=True)


def write_openpyxl_normal(sheets):
    return xlsx_bytes(sheets, streamed=False)


def write_openpyxl_write_only(sheets):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        cells = []
        for h in header:
            cell = WriteOnlyCell(sheet, value=neutralise(h))
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        for row in rows:
            sheet.append([neutralise(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsxwriter(sheets, options):
    import xlsxwriter

    buffer = io.BytesIO()
    # Strings stay strings: no formula, no hyperlink, no number read from text (cf. neutralise).
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False, **options}
    workbook = xlsxwriter.Workbook(buffer, options)
    bold = workbook.add_format({"bold": True})
    for title, header, rows in sheets:
        sheet = workbook.add_worksheet(title[:31])
        sheet.write_row(0, 0, [neutralise(h) for h in header], bold)
        for number, row in enumerate(rows, start=1):
            sheet.write_row(number, 0, [neutralise(v) for v in row])
    workbook.close()
    return buffer.getvalue()


def write_xlsxwriter_constant_memory(sheets):
    # in_memory=True would switch constant_memory off (xlsxwriter/workbook.py): rows go to temp files.
    return _xlsxwriter(sheets, {"constant_memory": True})


def write_xlsxwriter_in_memory(sheets):
    return _xlsxwriter(sheets, {"in_memory": True})


WRITERS = {
    "ours": ("notre écrivain, xlsx_bytes(streamed=True)", write_ours),
    "openpyxl_wo": ("openpyxl Workbook(write_only=True)", write_openpyxl_write_only),
    "openpyxl": ("openpyxl normal, xlsx_bytes(streamed=False)", write_openpyxl_normal),
    "xlsxwriter": ("XlsxWriter constant_memory", write_xlsxwriter_constant_memory),
    "xlsxwriter_mem": ("XlsxWriter in_memory (sans constant_memory)", write_xlsxwriter_in_memory),
}


# --- Correctness guard: the file read back equals the neutralised input -------------------------------


def expected_value(value):
    """What openpyxl should read back from a cell written with `value`."""
    value = neutralise(value)
    if value is None or value == "":
        return None
    if isinstance(value, bool | str | int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return str(value)


def _same(a, b):
    # bool is an int in Python: True == 1 must not pass; 12 read back as 12.0 may.
    return type(a) is type(b) or (not isinstance(a, bool) and not isinstance(b, bool) and a == b)


def first_difference(sheets, content):
    """None when every cell of `content` (read with openpyxl) equals the neutralised input, else where not."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True)
    if len(workbook.sheetnames) != len(sheets):
        return f"{len(workbook.sheetnames)} feuilles au lieu de {len(sheets)}"
    for sheet, (title, header, rows) in zip(workbook.worksheets, sheets, strict=True):
        got = sheet.iter_rows(values_only=True)
        for number, row in enumerate([header, *rows], start=1):
            want = [expected_value(v) for v in row]
            have = list(next(got, ()))
            width = max(len(want), len(have))
            want += [None] * (width - len(want))
            have += [None] * (width - len(have))
            for column, (w, h) in enumerate(zip(want, have, strict=True), start=1):
                if not (w == h and _same(w, h)):
                    return f"{title} ligne {number} colonne {column} : {h!r} au lieu de {w!r}"
        if any(any(v is not None for v in extra) for extra in got):
            return f"{title} : lignes en trop"
        formulas = sum(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
        if formulas:
            return f"{title} : {formulas} formules"
    workbook.close()
    return None


# --- Child: one writer on one pickled set of sheets ------------------------------------------------------


def _status_kb(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def child(writer, pickled, repeat):
    sheets = pickle.loads(Path(pickled).read_bytes())
    write = WRITERS[writer][1]
    write([(t, h, r[:50]) for t, h, r in sheets])  # imports and first-call costs out of the figures
    before = _status_kb("VmRSS")
    try:  # Linux ≥ 4.0: reset the peak RSS to the current RSS
        Path("/proc/self/clear_refs").write_text("5")
        hwm = "VmHWM"
    except OSError:
        hwm = None
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        content = write(sheets)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    peak_rss = (_status_kb(hwm) - before) / 1024 if hwm else None
    del content
    tracemalloc.start()
    content = write(sheets)
    traced = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "seconds": statistics.median(times),
                "cpu": statistics.median(cpu),
                "rss_mb": peak_rss,
                "traced_mb": traced,
                "bytes": len(content),
                "check": first_difference(sheets, content),
            }
        )
    )


# --- Parent: the real sheets, then each writer in a child ---------------------------------------------


def setup_django(tmp):
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    if "BENCH_DATABASE_URL" in os.environ:
        return 0.0
    from django.core.management import call_command

    from dentelle.referentials.demo import load_referentials
    from dentelle.siaes.demo import load_demo_siaes

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    quiet = io.StringIO()
    load_referentials(quiet)
    load_demo_siaes(quiet)
    return time.perf_counter() - started


def directory_sheets(rng):
    """The directory export's sheets as the page builds them, rows resampled to each size."""
    from dentelle.referentials.index import get_index
    from dentelle.siaes.exports import EXPORT_LIMIT, siae_rows
    from dentelle.siaes.search import SearchParams, search_siaes

    index = get_index()
    header, rows = siae_rows(search_siaes(SearchParams(), index).queryset, index, EXPORT_LIMIT)
    sampled = [rng.choice(rows) for _ in range(max(SIZES))]
    return len(rows), {n: [("Structures", header, sampled[:n])] for n in SIZES}


def report_sheets(tmp):
    """The scan report's sheets as `xlsx_report` builds them, for the first n lots of one scan."""
    import bench_scan
    from bench_scan import decp_rows, write_plan
    from django.conf import settings

    import dentelle.purchases.report as report_module
    from dentelle.core.importing import ImportReport
    from dentelle.purchases.cpv_suggest import suggest_cpv
    from dentelle.purchases.importer import drop_unknown_cpv
    from dentelle.purchases.planfile import read_plan_file
    from dentelle.purchases.scanfile import scan_plan_data
    from dentelle.purchases.supply import make_supply
    from dentelle.rules.services import rules_for

    shutil.rmtree(bench_scan._tmp, ignore_errors=True)  # made on import, unused here
    plan_path = Path(tmp) / "plan.csv"
    decp = decp_rows(settings.DENTELLE_DATA_DIR)
    write_plan(plan_path, decp, max(SIZES), 42)
    plan, problems = read_plan_file(
        str(plan_path), ImportReport(source=str(plan_path)), suggest_cpv=suggest_cpv
    )
    drop_unknown_cpv(plan, problems)
    rules = rules_for(None)
    started = time.perf_counter()
    result = scan_plan_data(plan, rules, make_supply())
    scan_seconds = time.perf_counter() - started
    captured = {}

    def capture(sheets, streamed=False):
        captured["sheets"] = [(t, h, list(r)) for t, h, r in sheets]
        return b""

    real = report_module.xlsx_bytes
    report_module.xlsx_bytes = capture
    try:
        by_size = {}
        for n in SIZES:
            summary = result["summary"]
            report_module.xlsx_report(
                report_module.report_dict(
                    result["lots"][:n],
                    summary.get("annual_objective_hours"),
                    summary.get("parameter_versions"),
                )
            )
            by_size[n] = captured["sheets"]
    finally:
        report_module.xlsx_bytes = real
    return len(decp), scan_seconds, by_size


def run_child(writer, pickled, repeat):
    command = [sys.executable, __file__, "--child", writer, str(pickled), str(repeat)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "échec"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def fmt(value, spec):
    return "—" if value is None else format(value, spec).replace(",", " ")


def main():
    tmp = tempfile.mkdtemp(prefix="dentelle_bench_xlsx_")
    try:
        prepared = setup_django(tmp)
        rng = random.Random(42)
        structures, directory = directory_sheets(rng)
        decp_count, scan_seconds, report = report_sheets(tmp)
        try:
            import lxml

            lxml_text = f"lxml {lxml.__version__} installé (openpyxl l'utilise)"
        except ImportError:
            lxml_text = "lxml absent (openpyxl sérialise par et_xmlfile)"
        import openpyxl
        import xlsxwriter

        print("bench_xlsx — écrivains XLSX sur les exports réels (ADR 0003)")
        print(
            f"préparation de la base {prepared:.0f} s ; annuaire : {structures} structures réelles ; "
            f"rapport : {max(SIZES)} lots tirés de {decp_count} lignes DECP 2019, balayés en {scan_seconds:.1f} s"
        )
        print(
            f"openpyxl {openpyxl.__version__}, XlsxWriter {xlsxwriter.__version__}, {lxml_text}, "
            f"Python {sys.version.split()[0]}, charge {os.getloadavg()[0]:.1f} sur {os.cpu_count()} cœurs"
        )
        print(
            "mémoire : pic RSS au-dessus du RSS avant écriture (VmHWM) ; tracemalloc : pic Python (2e passe)"
        )
        chosen = os.environ.get("BENCH_WRITERS", ",".join(WRITERS)).split(",")
        print(
            f"{'export':<11}{'lignes':>8}  {'écrivain':<46}{'s':>8}{'CPU s':>8}{'lignes/s':>10}"
            f"{'RSS Mo':>8}{'trace Mo':>9}{'taille Ko':>10}  relu"
        )
        failures = 0
        for name, by_size in (("annuaire", directory), ("rapport", report)):
            for n in SIZES:
                pickled = Path(tmp) / f"{name}_{n}.pickle"
                pickled.write_bytes(pickle.dumps(by_size[n]))
                repeat = int(os.environ.get("BENCH_REPEAT", DEFAULT_REPEAT.get(n, 1)))
                for writer in chosen:
                    got = run_child(writer, pickled, repeat)
                    label = WRITERS[writer][0]
                    if "error" in got:
                        failures += 1
                        print(f"{name:<11}{n:>8}  {label:<46}ÉCHEC {got['error']}")
                        continue
                    check = "OK" if got["check"] is None else f"FAIL {got['check']}"
                    failures += got["check"] is not None
                    print(
                        f"{name:<11}{n:>8}  {label:<46}{fmt(got['seconds'], '.3f'):>8}{fmt(got['cpu'], '.3f'):>8}"
                        f"{fmt(n / got['seconds'], ',.0f'):>10}{fmt(got['rss_mb'], ',.0f'):>8}"
                        f"{fmt(got['traced_mb'], ',.0f'):>9}{fmt(got['bytes'] / 1024, ',.0f'):>10}  {check}",
                        flush=True,
                    )
        return 1 if failures else 0
    finally:
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        sys.exit(0)
    sys.exit(main())
