"""The column path (polars) of the national retrospective equals the record-by-record path.

On the shared 2019 files: the consolidated file read in columns gives the same contracts, holders and
problems as the record reader; the figures computed in columns equal ``analysis.analyse``; the scanner
called once per distinct combination gives every contract the hours and reservation it gets when
screened on its own.
"""

import hashlib
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from django.conf import settings

from dentelle.decp import retro
from dentelle.decp.analysis import analyse, analyse_frame
from dentelle.decp.consolidated import iter_consolidated
from dentelle.decp.frame import frame_from_consolidated, frame_from_records, objects_of
from dentelle.decp.readers import iter_decp
from dentelle.decp.records import ProblemLog
from dentelle.decp.sample import consolidated_rows
from dentelle.purchases.supply import Supply
from dentelle.rules.loader import default_rules

DATA = Path(settings.DENTELLE_DATA_DIR) / "decp"
JSON_FILES = (
    "decp_2019_v1_data.gouv.fr_aife.json.gz",
    "decp_2019_v1_data.gouv.fr_pes.json.gz",
    "decp_2019_v1_e-marchespublics.json.gz",
    "decp_2019_v1_marches-publics.info.json.gz",
    "decp_v2_exemple_reel_megalis_2024-07-09.json",
)
NORMANDIE = "20005340300057"


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    """The 2019 CSV in the consolidated schema (one row per holder), as CSV and Parquet."""
    directory = tmp_path_factory.mktemp("national")
    frame = consolidated_rows(settings.DENTELLE_DATA_DIR)
    frame.write_csv(directory / "decp.csv")
    frame.write_parquet(directory / "decp.parquet")
    return directory


class FakeSupply:
    """Able counts spread over every case R3 reads (few or many SIAE, EA/ESAT, capacity known or not)."""

    def prepare(self, requests):
        self.prepared = len(requests)

    def count(self, request):
        seed = int(hashlib.md5(f"{request.cpv}{request.department_codes}".encode()).hexdigest()[:6], 16)
        capacity = None if seed % 2 else Decimal(seed % 1_000_000) * Decimal("3.137")
        return Supply(seed % 7, seed % 3, capacity, "essai")


def _directory(frame, every=7):
    """A fake directory: every 7th holder SIRET of the file, and the SIREN of every 11th."""
    sirets = sorted(set(frame.parties["siret"].to_list()))
    by_siret = {s: (f"SIAE {s}", "ACI") for s in sirets[::every]}
    by_siren = {s[:9]: (f"SIAE {s[:9]}", "EI") for s in sirets[3::11]}
    return by_siret, by_siren


@pytest.mark.parametrize("name", ["decp.csv", "decp.parquet"])
def test_consolidated_file_in_columns_equals_the_record_path(national, name):
    path = national / name
    record_problems, column_problems = [], []
    records = list(iter_consolidated(path, record_problems))
    expected = frame_from_records(records)
    found = frame_from_consolidated(path, column_problems)
    assert found.contracts.height == len(records) == 10_504
    assert found.contracts.equals(expected.contracts)
    assert found.parties.equals(expected.parties)
    assert found.parties.height > found.contracts.height  # co-holders are there
    assert len(record_problems) == len(column_problems) > 100
    assert sorted(map(str, record_problems)) == sorted(map(str, column_problems))
    by_siret, by_siren = _directory(found)
    reference = analyse(records, siae_by_siret=by_siret, siae_by_siren=by_siren).as_dict()
    assert reference["siae_holders"]  # the directory matters in this comparison
    assert analyse_frame(found, siae_by_siret=by_siret, siae_by_siren=by_siren).as_dict() == reference


def test_objects_left_out_are_read_back_for_a_few_contracts(national):
    path = national / "decp.parquet"
    full = frame_from_consolidated(path)
    light = frame_from_consolidated(path, with_object=False)
    assert light.contracts["object"].null_count() == light.contracts.height
    assert light.contracts.drop("object").equals(full.contracts.drop("object"))
    rows = full.contracts["index"].to_list()[::2000]
    expected = dict(zip(rows, full.contracts.filter(pl.col("index").is_in(rows))["object"], strict=True))
    assert objects_of(path, rows) == expected


@pytest.mark.parametrize("name", JSON_FILES)
def test_figures_in_columns_equal_the_record_path_for_every_format(name):
    records = list(iter_decp(DATA / name))
    frame = frame_from_records(records)
    by_siret, by_siren = _directory(frame, every=3)
    mapping = {"14": "28", "50": "28", "76": "28", "75": "11", "93": "11", "35": "53"}
    for region in (None, "28", "11"):
        options = {
            "siae_by_siret": by_siret,
            "siae_by_siren": by_siren,
            "region": region,
            "department_region": mapping,
        }
        assert analyse_frame(frame, **options).as_dict() == analyse(records, **options).as_dict()


def _row_of(text):
    return int(text.split("n° ")[1].split()[0].rstrip(","))


@pytest.mark.parametrize("name", ["consolidated_bad_rows.csv", "consolidated_bad_rows.parquet"])
def test_bad_rows_give_the_same_problems_in_columns(name):
    path = Path("tests/data/decp") / name
    record_problems, column_problems = [], []
    expected = frame_from_records(iter_consolidated(path, record_problems))
    found = frame_from_consolidated(path, column_problems)
    assert found.contracts.equals(expected.contracts)
    # Same problems; the column path lists them in row order (the record path reports a skipped row
    # before the problems of the contract above it, which it builds when the next one starts).
    assert [str(p) for p in column_problems] == sorted(map(str, record_problems), key=_row_of)
    assert {p.field for p in column_problems} == {
        "titulaire_id", "montant", "codeCPV", "dateNotification", "uid", "dureeMois", "considerationsSociales",
    }  # fmt: skip


def test_scanner_once_per_combination_equals_the_scanner_per_contract(national):
    contracts = retro.with_places(frame_from_consolidated(national / "decp.parquet").contracts)
    context = retro.Context(default_rules(), FakeSupply())
    expected = retro.scan_per_record(contracts, context)
    found, calls = retro.scan(contracts, context)
    assert found.equals(expected)
    assert calls < expected.height / 2  # the point of it
    assert found["hours"].sum() > 100_000 and found["reservation"].sum() > 100
    assert (found["hours"] > 0).sum() > 1_000


def test_thresholds_follow_the_notification_date():
    """The same cleaning contract notified in 2019 and after 2026-08-22: two thresholds regimes (the
    second with the 2026 obligation, R2), so two scanner calls, each judged at its own date."""
    from datetime import date

    rules = default_rules()
    rows = {
        "index": [1, 2],
        "cpv": ["90910000", "90910000"],
        "amount": [Decimal("900000"), Decimal("900000")],
        "duration_months": [12, 12],
        "notification_date": [date(2019, 3, 1), date(2026, 9, 1)],
        "department": ["14", "14"],
        "category": ["region", "region"],
        "social": [[], []],
        "kind": ["marche", "marche"],
    }
    contracts = pl.DataFrame(rows, schema_overrides={"amount": pl.Decimal(38, 2)})
    context = retro.Context(rules, None, today=date(2026, 12, 6))
    found, calls = retro.scan(contracts, context)
    assert calls == 2  # two regimes: 2019 and after the 2026 obligation
    assert found.equals(retro.scan_per_record(contracts, context))
    assert retro._regime(date(2019, 3, 1), rules) != retro._regime(date(2026, 9, 1), rules)
    assert retro._regime(date(2026, 9, 1), rules)[1] is True


@pytest.mark.django_db
def test_retrospective_of_the_region_normandie_against_the_other_regions(national, tmp_path):
    from dentelle.decp import retro_report
    from dentelle.decp.services import retrospective_file

    result = retrospective_file(national / "decp.csv", buyer=NORMANDIE, supply=FakeSupply())
    card = result.card
    assert card.category == "region" and card.peers == 4  # Normandie, Corse, Centre-Val de Loire, Bretagne
    contracts = card.rows[0]
    assert contracts[1] == 55 and contracts[2] == 1  # 55 contracts, first of the regions
    assert result.top.height == 10  # its contracts with a proposal first, then labour-intensive ones
    proposed = result.top["proposed"].to_list()
    assert proposed[0] and proposed == sorted(proposed, reverse=True)
    hours = result.top.filter(pl.col("proposed"))["hours"].to_list()
    assert hours == sorted(hours, reverse=True) and hours[0] > 0
    assert all(result.top["buyer_siret"] == NORMANDIE)
    assert all(result.top["object"].str.len_chars() > 0)  # read back from the file
    categories = dict(zip(result.categories["category"], result.categories["contracts"], strict=True))
    assert categories["region"] == 76 and sum(categories.values()) == result.table.height
    text = "\n".join(retro_report.lines(result))
    assert "Fiche de comparaison : Région Normandie" in text and "rang 1/4" in text
    out = tmp_path / "r.xlsx"
    out.write_bytes(retro_report.workbook(result))
    from openpyxl import load_workbook

    book = load_workbook(out, read_only=True)
    assert book.sheetnames == [
        "Catégories", "Années", "Départements", "Acheteurs", "Fiche de comparaison", "Marchés à regarder",
    ]  # fmt: skip
    assert sum(1 for _ in book["Acheteurs"].iter_rows()) == result.buyers.height + 1


def test_problem_log_counts_the_column_path_too(national):
    problems = ProblemLog(limit=5)
    frame_from_consolidated(national / "decp.csv", problems)
    assert problems.total > 100 and len(problems.kept) == 5
    assert sum(problems.by_field.values()) == problems.total
