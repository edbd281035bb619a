import csv
import gzip
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from dentelle.decp import jsonstream
from dentelle.decp.readers import DecpFileError, ProblemLog, detect_format, iter_decp

SHARED = Path(settings.DENTELLE_DATA_DIR) / "decp"
OWN = Path(__file__).resolve().parent.parent / "data" / "decp"
V2_EXAMPLE = SHARED / "decp_v2_exemple_reel_megalis_2024-07-09.json"
CSV_V1 = SHARED / "decp_2019_v1_marches.csv"


def read_own(name):
    """The records of one of our bad files (tests/data/decp) and the problems reported reading it."""
    problems = []
    return list(iter_decp(OWN / name, problems)), problems


def assert_reported(problems, expected):
    """Each (record index, field) of expected is reported; nothing is about record 1, the good one."""
    assert expected <= {(p.index, p.field) for p in problems}
    assert all(p.index != 1 for p in problems)


@pytest.mark.parametrize(
    ("name", "expected_format", "expected_count"),
    [
        ("decp_2019_v1_data.gouv.fr_aife.json.gz", "v1-json", 4474),
        ("decp_2019_v1_marches-publics.info.json.gz", "v1-json", 4439),
        ("decp_2019_v1_data.gouv.fr_pes.json.gz", "v1-json", 1132),
        ("decp_2019_v1_e-marchespublics.json.gz", "v1-json", 466),
        ("decp_2019_v1_marches.csv", "v1-csv", 10511),
        ("decp_v2_exemple_reel_megalis_2024-07-09.json", "v2-json", 5),
    ],
    ids=["aife", "marches-publics.info", "pes", "e-marchespublics", "csv", "v2-megalis"],
)
def test_reader_counts_every_record_of_the_shared_files(name, expected_format, expected_count):
    path = SHARED / name
    assert detect_format(path) == expected_format
    records = list(iter_decp(path))
    assert len(records) == expected_count
    assert [r.index for r in records] == list(range(1, expected_count + 1))
    assert {r.format_version for r in records} == {"2" if expected_format == "v2-json" else "1"}


def test_json_files_and_flattened_csv_agree_record_by_record():
    """The CSV is one row per record of the four JSON files: same ids, CPV and holders.

    (The CSV leaves the holders and amount of the 32 concessions empty, so those compare on id only.)
    """
    from_json = {}
    for name in sorted(SHARED.glob("decp_2019_v1_*.json.gz")):
        for record in iter_decp(name):
            from_json.setdefault((record.source, record.id), []).append(record)
    mismatches = 0
    for record in iter_decp(CSV_V1):
        twins = from_json.get((record.source, record.id), [])
        if record.kind == "concession":
            mismatches += not any(t.kind == "concession" for t in twins)
            continue
        if not any(
            t.cpv == record.cpv
            and t.amount == record.amount
            and [h.id for h in t.holders] == [h.id for h in record.holders]
            for t in twins
        ):
            mismatches += 1
    assert sum(len(v) for v in from_json.values()) == 10511
    assert mismatches == 0


def test_v1_record_fields_are_normalised():
    first = next(iter_decp(SHARED / "decp_2019_v1_data.gouv.fr_pes.json.gz"))
    assert first.id == "2019I1703000"
    assert first.uid == "130018989000172019I1703000"
    assert first.cpv == "50700000"  # published as 50700000-2
    assert first.notification_date == date(2018, 12, 17)  # published as 2018-12-17+01:00
    assert first.amount == Decimal("153900")
    assert first.duration_months == 38
    assert first.buyer_siret == "13001898900017" and first.buyer_name == "INOVALYS"
    assert first.holders[0].siret == "85480074501125" and first.holders[0].name == "AXIMA CONCEPT"
    assert first.social_considerations == () and first.has_social_consideration is None


def test_v1_seven_digit_cpv_gets_its_leading_zero_back_and_is_reported():
    problems = []
    records = {r.id: r for r in iter_decp(SHARED / "decp_2019_v1_data.gouv.fr_aife.json.gz", problems)}
    fuel = records["2018_TPLyTsQ2000"]  # « Fourniture de carburants », published codeCPV 9132100
    assert fuel.cpv == "09132100"
    assert any(p.record_id == "2018_TPLyTsQ2000" and p.field == "codeCPV" for p in problems)


def test_v1_concessions_read_their_own_fields():
    records = [
        r for r in iter_decp(SHARED / "decp_2019_v1_marches-publics.info.json.gz") if r.kind == "concession"
    ]
    assert len(records) == 10
    gers = next(r for r in records if r.id == "2018DSPRETENUE00")
    assert gers.buyer_name == "DEPARTEMENT DU GERS"
    assert gers.amount == Decimal("1500000")  # valeurGlobale
    assert gers.notification_date == date(2018, 12, 17)  # dateSignature
    assert gers.holders[0].siret == "59278023300017"


def test_v2_example_reads_social_environmental_and_subcontracting():
    records = list(iter_decp(V2_EXAMPLE))
    assert {r.social_considerations for r in records} == {("Pas de considération sociale",)}
    assert {r.environmental_considerations for r in records} == {("Pas de considération environnementale",)}
    assert all(r.has_social_consideration is False for r in records)
    first = records[0]
    assert first.id == "H9O2024T0000256" and first.buyer_siret == "59920013600241"
    assert first.cpv == "45111100" and first.amount == Decimal("32122.0")
    assert first.place_code == "22" and first.place_type == "Code département"
    assert first.holders[0].siret == "32933888305269"
    assert first.subcontracting_acts[0].siret == "32933888305269"


def test_gzip_and_plain_json_give_the_same_records(tmp_path):
    plain = tmp_path / "v2.json.gz"
    plain.write_bytes(gzip.compress(V2_EXAMPLE.read_bytes()))
    assert list(iter_decp(plain)) == list(iter_decp(V2_EXAMPLE))


def test_streaming_with_tiny_chunks_gives_the_same_records(monkeypatch):
    path = SHARED / "decp_2019_v1_e-marchespublics.json.gz"
    expected = list(iter_decp(path))
    monkeypatch.setattr(jsonstream, "CHUNK_CHARS", 7)
    assert list(iter_decp(path)) == expected


def test_reader_accepts_an_uploaded_file_object_and_leaves_it_open():
    upload = io.BytesIO(CSV_V1.read_bytes()[:5000])
    upload.name = "envoi.csv"
    first = list(iter_decp(upload))
    assert first and not upload.closed
    assert list(iter_decp(upload)) == first


def test_bad_json_records_are_reported_with_index_field_and_reason():
    records, problems = read_own("v1_bad_records.json")
    assert len(records) == 9  # every element yields a record, bad fields left empty
    by_id = {r.id: r for r in records}
    assert by_id["B1"].cpv == "90910000" and by_id["B1"].amount == Decimal("50000.5")
    assert by_id["B3"].cpv == "" and by_id["B4"].amount is None
    assert by_id["B5"].notification_date is None and by_id["B6"].duration_months is None
    assert by_id["B8"].cpv == "09132100"
    assert_reported(
        problems,
        {
            (2, "(enregistrement)"),
            (3, "codeCPV"),
            (4, "montant"),
            (5, "dateNotification"),
            (6, "dureeMois"),
            (7, "titulaires"),
            (8, "titulaires"),
            (8, "codeCPV"),
            (9, "id"),
            (9, "montant"),
        },
    )
    assert "enregistrement n° 4 (B4), champ « montant »" in str(next(p for p in problems if p.index == 4))


def test_bad_v2_records_are_reported():
    records, problems = read_own("v2_bad_records.json")
    assert [r.kind for r in records] == ["concession", "marche", "marche"]
    assert records[0].social_considerations == ("Clause sociale",) and records[0].amount == Decimal("2000000")
    assert records[1].social_considerations == ("Clause sociale",)  # the unknown value is dropped…
    assert any(p.index == 2 and "Clause verte" in p.reason for p in problems)  # …and reported
    assert records[2].social_considerations == () and records[2].has_social_consideration is None
    assert any(p.index == 3 and p.field == "considerationsSociales" for p in problems)
    assert records[2].subcontracting_acts[0].amount == Decimal("12000")


def test_bad_csv_rows_are_reported():
    records, problems = read_own("v1_bad_rows.csv")
    assert len(records) == 4
    assert [h.siret for h in records[0].holders] == ["78471226700060", "41234567800011"]
    assert records[1].amount is None
    assert_reported(
        problems,
        {(2, "montant"), (3, "titulaires_ids"), (4, "id"), (4, "code_cpv"), (4, "date_notification")},
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("v1_truncated.json", "JSON mal formé"),
        ("no_marches_key.json", "aucune clé « marches »"),
        ("v1_truncated_archive.json.gz", "archive gzip abîmée"),
        ("v1_latin1.json", "pas encodé en UTF-8"),
        ("csv_missing_columns.csv", "colonnes manquantes"),
        ("csv_broken_quotes.csv", "CSV mal formé"),
        ("absent.json", "introuvable"),
    ],
    ids=["truncated-json", "no-marches", "truncated-gzip", "latin1", "csv-columns", "csv-quotes", "missing"],
)
def test_malformed_file_gives_one_french_error_naming_the_file(name, expected):
    with pytest.raises(DecpFileError) as caught:
        list(iter_decp(OWN / name))
    assert expected in str(caught.value)
    assert f"« {name} »" in str(caught.value)


def test_truncated_file_yields_the_records_before_the_damage():
    seen = []
    with pytest.raises(DecpFileError):
        for record in iter_decp(OWN / "v1_truncated.json"):
            seen.append(record.id)
    assert seen == ["T1"]


def test_problem_log_counts_all_but_keeps_few():
    log = ProblemLog(limit=2)
    list(iter_decp(OWN / "v1_bad_records.json", log))
    assert log.total > 2 and len(list(log)) == 2
    assert sum(log.by_field.values()) == log.total


def test_csv_reader_reads_holder_types_and_names_in_order(tmp_path):
    path = tmp_path / "one.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader((OWN / "v1_bad_rows.csv").read_text(encoding="utf-8").splitlines()))
        writer = csv.writer(handle)
        writer.writerow(rows[0])
        row = dict(zip(rows[0], rows[1], strict=True))
        row.update(
            titulaires_ids="FR123|78471226700060", titulaires_types_id="TVA|SIRET", titulaires_noms="X|Y"
        )
        writer.writerow([row[c] for c in rows[0]])
    (record,) = iter_decp(path)
    assert [(h.id, h.id_type, h.name, h.siret) for h in record.holders] == [
        ("FR123", "TVA", "X", ""),
        ("78471226700060", "SIRET", "Y", "78471226700060"),
    ]


def test_detect_format_on_json_with_marches_far_away(tmp_path):
    path = tmp_path / "far.json"
    padding = "x" * 70000
    path.write_text(json.dumps({"note": padding, "marches": []}), encoding="utf-8")
    assert detect_format(path) == "json"
    assert list(iter_decp(path)) == []


def test_json_reader_memory_does_not_grow_with_the_file(monkeypatch):
    """Streaming, not json.load: with small chunks the peak stays far below the decompressed size."""
    import tracemalloc

    path = SHARED / "decp_2019_v1_marches-publics.info.json.gz"
    text_size = len(gzip.decompress(path.read_bytes()))
    monkeypatch.setattr(jsonstream, "CHUNK_CHARS", 4096)
    tracemalloc.start()
    try:
        count = sum(1 for _ in iter_decp(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 4439
    assert peak < text_size / 5, (peak, text_size)  # json.load would hold the whole text and more
