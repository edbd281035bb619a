"""Demo step: a second run skips the files whose fingerprint did not change since their last import."""

import shutil

import pytest

from dentelle.siaes import demo, naf_cpv
from dentelle.siaes.models import ImportedFile, Siae

from .conftest import DATA

pytestmark = pytest.mark.django_db


class Output:
    def __init__(self):
        self.lines = []

    def write(self, text):
        self.lines.append(text)

    def imported(self):
        return [line.split(" : ")[0].strip() for line in self.lines if "modification(s)" in line]

    def skipped(self):
        return [line.split(" : ")[0].strip() for line in self.lines if "inchangé" in line]


@pytest.fixture
def demo_files(tmp_path, settings, monkeypatch, index):
    settings.DENTELLE_DATA_DIR = str(tmp_path)
    for name in ("asp_ok.csv", "esat.csv"):
        shutil.copy(DATA / name, tmp_path / name)
    monkeypatch.setattr(demo, "DEMO_FILES", [("asp", "asp_ok.csv"), ("esat", "esat.csv")])
    return tmp_path


def run_demo():
    output = Output()
    demo.load_demo_siaes(output)
    return output


def test_second_run_skips_unchanged_files(demo_files):
    first = run_demo()
    assert first.imported() == ["asp_ok.csv", "esat.csv"]
    structures = Siae.objects.count()
    assert structures and ImportedFile.objects.count() == 2
    second = run_demo()
    assert second.imported() == [] and second.skipped() == ["asp_ok.csv", "esat.csv"]
    assert Siae.objects.count() == structures


def test_a_changed_file_is_imported_again_with_the_files_after_it(demo_files):
    run_demo()
    with open(demo_files / "esat.csv", "a", encoding="utf-8") as handle:
        handle.write("\n")
    assert run_demo().imported() == ["esat.csv"]  # the last file only
    with open(demo_files / "asp_ok.csv", "a", encoding="utf-8") as handle:
        handle.write("\n")
    assert run_demo().imported() == ["asp_ok.csv", "esat.csv"]  # order matters: the rest follows
    assert run_demo().imported() == []


def test_a_new_naf_cpv_table_or_an_emptied_directory_imports_everything(demo_files, tmp_path, monkeypatch):
    run_demo()
    table = tmp_path / "naf_cpv.csv"
    table.write_text(naf_cpv.TABLE_PATH.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    monkeypatch.setattr(naf_cpv, "TABLE_PATH", table)
    assert run_demo().imported() == ["asp_ok.csv", "esat.csv"]
    Siae.objects.all().delete()
    assert run_demo().imported() == ["asp_ok.csv", "esat.csv"]
    assert Siae.objects.exists()


def test_a_rejected_file_is_not_recorded(demo_files, monkeypatch):
    def cancelled(importer, **options):
        report, _committed = real_run_import(importer, **options)
        return report, False

    real_run_import = demo.run_import
    monkeypatch.setattr(demo, "run_import", cancelled)
    assert run_demo().imported() == ["asp_ok.csv", "esat.csv"]
    assert not ImportedFile.objects.exists()
    monkeypatch.setattr(demo, "run_import", real_run_import)
    assert run_demo().imported() == ["asp_ok.csv", "esat.csv"]  # nothing was skipped
