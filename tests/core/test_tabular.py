"""core.tabular: the one encoding, delimiter and header-row rule of every file reader (pure)."""

import pytest

from dentelle.core import tabular


@pytest.mark.parametrize(
    "data",
    ["Épinay;Cœur\n".encode("utf-8-sig"), "Épinay;Cœur\n".encode(), "Épinay;Cœur\n".encode("cp1252")],
    ids=["utf-8-with-bom", "utf-8", "windows-1252"],
)
def test_spreadsheet_encodings_decode_to_the_same_text(data):
    assert tabular.decode(data, "plan.csv") == "Épinay;Cœur\n"


def test_utf8_only_sources_refuse_windows_1252_and_say_where():
    with pytest.raises(
        tabular.TabularError, match=r"siae\.csv : encodage non reconnu \(UTF-8 attendu, ligne 2\)"
    ) as caught:
        tabular.decode("siret;nom\nÉpinay".encode("cp1252"), "siae.csv", tabular.UTF8)
    assert caught.value.line == 2


def test_undecodable_bytes_are_one_french_message():
    # 0x81 is undefined in Windows-1252 and invalid alone in UTF-8.
    with pytest.raises(tabular.TabularError, match="UTF-8 ou Windows-1252 attendu"):
        tabular.decode(b"objet\n\x81\x81", "plan.csv")


def test_nul_bytes_are_refused():
    with pytest.raises(tabular.TabularError, match="plan.csv"):
        tabular.decode(b"objet\x00;montant\n", "plan.csv")


@pytest.mark.parametrize(
    "text, delimiter",
    [
        (
            "objet;montant;lieu\nNettoyage;12,5;Saint-Denis, 93\n",
            ";",
        ),  # French decimals and a comma in a cell
        ("objet,montant\nNettoyage,10\n", ","),
        ("objet\tmontant\nNettoyage\t10\n", "\t"),
        ("objet\nNettoyage\n", ";"),  # one column: the French default
        ("a;b,c\n", ";"),  # a tie: the French default
    ],
    ids=["semicolon", "comma", "tab", "single-column", "tie"],
)
def test_delimiter_is_the_most_frequent_at_the_top(text, delimiter):
    assert tabular.sniff_delimiter(text) == delimiter


def test_csv_reader_keeps_quoted_line_breaks_and_counts_lines():
    reader = tabular.csv_reader('objet;lieu\n"Nettoyage\ndes lycées";93\n')
    assert list(reader) == [["objet", "lieu"], ["Nettoyage\ndes lycées", "93"]]
    assert reader.line_num == 3


def test_header_row_is_the_best_scored_among_the_first_rows():
    rows = [["Programmation 2027"], ["objet", "montant"], ["Nettoyage", "10"]]

    def score(row):
        return sum(cell in ("objet", "montant") for cell in row) or None

    assert tabular.find_header_row(rows, score) == 1
    assert tabular.find_header_row(rows, lambda row: None) == 0
    assert tabular.find_header_row(rows, score, scan=1) == 0
