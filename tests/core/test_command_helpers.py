from io import StringIO

import pytest
from django.core.management.base import CommandError

from dentelle.core.commands import DentelleCommand, add_wet_run, existing_file, warn_simulation


class ActionsCommand(DentelleCommand):
    default_action = "summary"

    def add_arguments(self, parser):
        sub = self.add_actions(parser, required=False)
        load = sub.add_parser("load-files")
        add_wet_run(load, "Enregistrer réellement")
        sub.add_parser("summary")

    def handle(self, *args, **options):
        self.handle_action(options)

    def handle_load_files(self, options):
        self.stdout.write(f"load wet_run={options['wet_run']}")

    def handle_summary(self, options):
        self.stdout.write("summary")


def run(*argv):
    out = StringIO()
    command = ActionsCommand(stdout=out)
    parser = command.create_parser("dentelle", "actions")
    options = vars(parser.parse_args(argv))
    command.execute(**{**options, "skip_checks": True})
    return out.getvalue().strip()


@pytest.mark.parametrize(
    "argv, said",
    [
        (("load-files",), "load wet_run=False"),
        (("load-files", "--wet-run"), "load wet_run=True"),
        (("summary",), "summary"),
        ((), "summary"),  # no action given: the default one
    ],
    ids=["dash-to-underscore", "wet-run", "named", "default"],
)
def test_the_chosen_action_runs_its_handle_method(argv, said):
    assert run(*argv) == said


def test_wet_run_help_says_what_it_does_and_what_happens_without_it():
    parser = ActionsCommand().create_parser("dentelle", "actions")
    sub = next(action for action in parser._actions if action.dest == "action")
    wet_run = next(action for action in sub.choices["load-files"]._actions if action.dest == "wet_run")
    assert wet_run.help == "Enregistrer réellement (sinon : simulation)."
    assert wet_run.default is False


def test_existing_file_is_its_path_and_a_missing_one_a_french_error(tmp_path):
    present = tmp_path / "declarations.csv"
    present.write_text("x", encoding="utf-8")
    assert existing_file(str(present)) == present
    with pytest.raises(CommandError, match=r"^Fichier DECP « .*absent\.json » introuvable\.$"):
        existing_file(str(tmp_path / "absent.json"), "Fichier DECP")
    with pytest.raises(CommandError, match="introuvable"):
        existing_file(str(tmp_path))  # a folder is not a file


def test_simulation_warning_says_nothing_was_written_and_how_to_write():
    out = StringIO()
    command = DentelleCommand(stdout=out, no_color=True)
    warn_simulation(command, "charger")
    assert (
        out.getvalue().strip()
        == "Simulation : rien n'a été enregistré. Relancer avec --wet-run pour charger."
    )
