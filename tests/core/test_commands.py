import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dentelle.core.commands import french_argparse_message


@pytest.mark.parametrize(
    "english, french",
    [
        ("the following arguments are required: --source", "arguments obligatoires manquants : --source"),
        ("unrecognized arguments: --bogus", "arguments inconnus : --bogus"),
        (
            "argument --source: invalid choice: 'foo' (choose from 'asp', 'geiq')",
            "argument --source : choix invalide 'foo' (possibles : 'asp', 'geiq')",
        ),
        ("argument --top: invalid int value: 'x'", "argument --top : valeur invalide 'x'"),
        ("argument --amount: expected one argument", "argument --amount : une valeur est attendue"),
    ],
    ids=["required", "unrecognized", "choice", "type", "missing-value"],
)
def test_argparse_messages_are_translated(english, french):
    assert french_argparse_message(english) == french


def test_unknown_messages_are_kept_as_they_are():
    assert french_argparse_message("quelque chose d'autre") == "quelque chose d'autre"


def test_bad_arguments_from_code_raise_a_french_command_error():
    with pytest.raises(CommandError, match="Erreur : arguments inconnus : --bogus"):
        call_command("hours", "estimate", "--amount", "1000", "--bogus")


def test_help_of_every_command_is_french(capsys):
    for name in ("referentials", "siaes", "plan", "scan", "hours", "insertion", "match", "decp", "demo"):
        with pytest.raises(SystemExit):
            call_command(name, "--help")
        out = capsys.readouterr().out
        assert out.startswith("utilisation :"), name
        assert "show this help" not in out and "Show program" not in out, name
