"""Files that cannot be read: every message is French, says what is wrong and what to do (upload, CLI)."""

import io
import json
import re

import pytest
from django.core.management import CommandError, call_command

from dentelle.core.file_errors import JSON_REASONS, json_reason
from dentelle.core.importing import ImportReport
from dentelle.purchases.management.commands.scan import Command as ScanCommand
from dentelle.purchases.plan_data import PlanFileError
from dentelle.purchases.planfile import read_table_file
from tests.files import xlsx_bytes as _xlsx

# Words of Python's own messages that must never reach a user.
ENGLISH = re.compile(r"Expecting|Error|BadZip|Invalid|delimiter|Unterminated|Extra data|line \d|column \d")


def read_error(data, name):
    with pytest.raises(PlanFileError) as caught:
        read_table_file(data, name, ImportReport())
    message = str(caught.value)
    assert not ENGLISH.search(message), message
    return message


@pytest.mark.parametrize(
    "data, expected",
    [
        (
            b"ceci n'est pas un classeur",
            "n'est pas un classeur Excel (.xlsx) valide : enregistrez-le au format .xlsx ou .csv",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
            "Excel 97-2003 (.xls) ou protégé par un mot de passe",
        ),
        (b"PK\x03\x04" + b"\0" * 40, "endommagé ou incomplet"),
        (_xlsx([["objet"]])[:300], "endommagé ou incomplet"),  # a download cut short
    ],
    ids=["not-a-workbook", "xls-or-password", "broken-zip", "truncated-xlsx"],
)
def test_unreadable_workbooks_are_explained_in_french(data, expected):
    message = read_error(data, "plan.xlsx")
    assert message.startswith("plan.xlsx : ") and expected in message


def test_a_workbook_named_csv_is_recognised():
    message = read_error(_xlsx([["objet"], ["Nettoyage"]]), "plan.csv")
    assert "classeur Excel, pas un CSV" in message and ".xlsx" in message


def test_an_empty_first_sheet_says_what_is_expected():
    assert "première feuille est vide" in read_error(_xlsx([]), "plan.xlsx")


@pytest.mark.parametrize(
    "text, position, reason",
    [
        ("", None, "fichier vide"),
        ("{", "ligne 1, colonne 2", "nom de champ entre guillemets doubles attendu"),
        ('{"operations": [', "ligne 1, colonne 17", "valeur attendue"),
        ('{"operations" []}', "ligne 1, colonne 15", "deux-points « : » attendu"),
        ('{"operations": [1 2]}', "ligne 1, colonne 19", "virgule « , » attendue"),
        ('{"name": "abc', "ligne 1, colonne 10", "texte entre guillemets jamais refermé"),
        ('{"name": "a\\q"}', "ligne 1, colonne 12", "barre oblique inverse"),
        ('{"name": "\\u12"}', "ligne 1, colonne 12", "séquence « \\uXXXX » invalide"),
        ('{"name": "a\tb"}', "ligne 1, colonne 12", "caractère de contrôle interdit"),
        ('{"operations": []} []', "ligne 1, colonne 20", "contenu en trop"),
        ('{\n  "operations": [\n    ,\n  ]\n}', "ligne 3, colonne 5", "valeur attendue"),
    ],
)
def test_broken_json_is_explained_in_french_with_line_and_column(text, position, reason):
    message = read_error(text.encode(), "plan.json")
    assert reason in message and "réessayez" in message
    if position:
        assert f"JSON invalide, {position} : {reason}" in message


def test_every_known_json_message_has_a_french_reason():
    for english, french in JSON_REASONS:
        assert json_reason(english + " at") == french
    assert json_reason("Something new") == "syntaxe JSON incorrecte"


def test_wrong_json_fields_are_reported_with_their_path_and_the_rest_is_read():
    payload = {
        "operations": [
            {"reference": "A"},
            3,
            {"reference": "B", "title": "Entretien", "estimated_amount": "beaucoup"},
            {"reference": "C", "title": "Travaux", "lots": [{"amount": -5}]},
            {"reference": "D", "title": "Repas", "renewals": "deux", "lots": []},
            {"reference": "E", "title": "Espaces verts", "planned_launch_date": "demain"},
            {
                "reference": "F",
                "title": "Nettoyage",
                "duration_months": 12.0,  # a spreadsheet's export writes integers as floats
                "lots": [{"cpv": "90910000", "amount": 1000}],
            },
        ]
    }
    report = ImportReport()
    plan = read_table_file(json.dumps(payload).encode(), "plan.json", report)
    assert [op.reference for op in plan.operations] == ["F"]
    assert plan.operations[0].duration_months == 12
    problems = {p.column: p.reason for p in report.errors}
    assert problems == {
        "operations[0].title": "champ obligatoire absent. L'opération n'est pas lue.",
        "operations[1]": "objet JSON {…} attendu. L'opération n'est pas lue.",
        "operations[2].estimated_amount": "montant illisible « beaucoup » (nombre attendu). L'opération n'est pas lue.",
        "operations[3].lots[0].amount": "montant : valeur négative « -5 » (positive ou nulle attendue). L'opération n'est pas lue.",
        "operations[4].renewals": "nombre de reconductions illisible « deux » (nombre entier attendu). L'opération n'est pas lue.",
        "operations[5].planned_launch_date": "date illisible « demain » (AAAA-MM-JJ attendu). L'opération n'est pas lue.",
    }
    for problem in report.problems:
        assert not ENGLISH.search(str(problem)), problem


def test_cli_plan_import_and_scan_say_the_same_french_message(tmp_path):
    path = tmp_path / "faux.xlsx"
    path.write_bytes(b"pas un zip")
    messages = []
    for command in (["plan", "import", str(path)], ["scan", "--quiet", "--no-directory", str(path)]):
        with pytest.raises(CommandError) as caught:
            call_command(*command)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert "n'est pas un classeur Excel (.xlsx) valide" in messages[0]


def test_cli_prints_erreur_not_the_python_class_name(tmp_path, capsys):
    path = tmp_path / "casse.json"
    path.write_text('{"operations": [', encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        ScanCommand().run_from_argv(["dentelle", "scan", "--quiet", str(path)])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("Erreur : ") and "CommandError" not in err
    assert "JSON invalide, ligne 1, colonne 17 : valeur attendue." in err


@pytest.mark.django_db
def test_upload_page_shows_the_french_message(client, officer):
    client.force_login(officer)
    fake = io.BytesIO(b"pas un classeur")
    fake.name = "programmation.xlsx"
    page = client.post("/achats/importer/", {"file": fake}).content.decode()
    assert "pas un classeur Excel (.xlsx) valide : enregistrez-le au format .xlsx ou .csv" in page
    assert "BadZipFile" not in page and "illisible (" not in page
