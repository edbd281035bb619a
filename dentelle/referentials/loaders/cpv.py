"""CPV 2008 loader: our shared CSV (`cpv/cpv_2008.csv`) or the official EU spreadsheet (SIMAP).

The official `cpv_2008_ver_2013.xlsx` has a CODE column ('03000000-1') then one column per language
('FR', 'EN', …); it has no level nor parent, so both are computed from the code structure.
"""

import re
from pathlib import Path

from dentelle.referentials.loaders.base import (
    ReferenceFileError,
    checksum,
    delete_missing,
    file_report_error,
    read_csv,
    upsert,
)
from dentelle.referentials.models import CpvCode
from dentelle.referentials.text import normalise

CSV_COLUMNS = ["code", "code_cpv", "libelle_fr"]
LEVELS = {2: "division", 3: "groupe", 4: "classe", 5: "categorie"}
FULL_CODE_RE = re.compile(r"^(\d{8})-?(\d)$")


def cpv_level(code):
    """'03000000' → division, '03100000' → groupe, … , '03111100' → sous-categorie."""
    significant = len(code.rstrip("0"))
    if significant <= 2:
        return "division"
    return LEVELS.get(significant, "sous-categorie")


def cpv_parent(code, known):
    """Nearest existing code obtained by zeroing the last significant digits ('03111100' → '03111000')."""
    if cpv_level(code) == "division":
        return None
    digits = code.rstrip("0")
    for length in range(len(digits) - 1, 1, -1):
        candidate = digits[:length].ljust(8, "0")
        if candidate in known and candidate != code:
            return candidate
    return None


def find_files(data_dir):
    data_dir = Path(data_dir)
    for folder in (data_dir / "cpv", data_dir):
        csv_file = folder / "cpv_2008.csv"
        if csv_file.is_file():
            return [csv_file]
        sheets = sorted(folder.glob("cpv_2008*.xlsx"))
        if sheets:
            return [sheets[-1]]
    raise ReferenceFileError(
        data_dir / "cpv" / "cpv_2008.csv", "fichier introuvable (ni CSV ni tableur officiel)"
    )


def version(files):
    return f"CPV 2008 · {files[0].name} · {checksum(files)}"


def _rows_from_csv(path, report):
    for line, row in read_csv(path, CSV_COLUMNS):
        yield line, row["code_cpv"] or row["code"], row["libelle_fr"], row.get("libelle_en", "")


def _cell(values, at):
    if at is None or at >= len(values) or values[at] is None:
        return ""
    return str(values[at]).strip()


def _rows_from_xlsx(path, report):
    # lazy: openpyxl costs 0.4 s of imports; only the CPV workbook needs it
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a non-spreadsheet
        raise ReferenceFileError(path, f"tableur illisible ({exc.__class__.__name__})") from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(value or "").strip().upper() for value in next(rows, ())]
    missing = [name for name in ("CODE", "FR") if name not in header]
    if missing:
        raise ReferenceFileError(path, f"colonne(s) manquante(s) : {', '.join(missing)}", 1)
    code_at, fr_at = header.index("CODE"), header.index("FR")
    en_at = header.index("EN") if "EN" in header else None
    for line, values in enumerate(rows, start=2):
        if not values or all(value in (None, "") for value in values):
            continue
        yield line, _cell(values, code_at), _cell(values, fr_at), _cell(values, en_at)
    workbook.close()


def load(files, report):
    """Parse and upsert all CPV codes. Row problems go to ``report``; nothing is written if any."""

    path = files[0]
    reader = _rows_from_xlsx if path.suffix.lower() == ".xlsx" else _rows_from_csv
    parsed = {}
    for line, raw_code, label_fr, label_en in reader(path, report):
        match = FULL_CODE_RE.match(raw_code.replace(" ", ""))
        bare = re.fullmatch(r"\d{8}", raw_code.replace(" ", ""))
        if not match and not bare:
            file_report_error(report, path, line, "code", f"code CPV mal formé ({raw_code!r})")
            continue
        code, digit = (
            (match.group(1), match.group(2)) if match else (raw_code, "")
        )  # bare code: no check digit known
        if code in parsed:
            file_report_error(report, path, line, "code", f"code CPV en double ({code})")
            continue
        if not label_fr:
            file_report_error(report, path, line, "libelle_fr", "libellé français manquant")
            continue
        parsed[code] = (digit, label_fr, label_en)
    if not parsed and report.ok:
        file_report_error(report, path, None, "", "aucun code CPV dans le fichier")
    if not report.ok:
        return
    objects = [
        CpvCode(
            code=code,
            check_digit=digit,
            level=cpv_level(code),
            parent_id=cpv_parent(code, parsed),
            label_fr=label_fr[:400],
            label_en=label_en[:400],
            search_text=f"{normalise(label_fr)} | {normalise(label_en)}"[:900],
        )
        for code, (digit, label_fr, label_en) in parsed.items()
    ]
    report.count(
        "codes CPV",
        upsert(
            CpvCode,
            objects,
            "code",
            ["check_digit", "level", "parent", "label_fr", "label_en", "search_text"],
        ),
    )
    delete_missing(CpvCode, parsed.keys(), report, "codes CPV")
