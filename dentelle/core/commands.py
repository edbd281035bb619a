"""Base of every Dentelle command: messages in French, never a Python class name or argparse English."""

import argparse
import re
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

# argparse writes its own messages in English; these are the ones a user meets.
ARGPARSE_FRENCH = [
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
    (r"unrecognized arguments: (.*)", r"arguments inconnus : \1"),
    (
        r"argument (.+?): invalid choice: (.*?) \(choose from (.*)\)",
        r"argument \1 : choix invalide \2 (possibles : \3)",
    ),
    (r"invalid choice: (.*?) \(choose from (.*)\)", r"choix invalide \1 (possibles : \2)"),
    (r"argument (.+?): invalid (\w+) value: (.*)", r"argument \1 : valeur invalide \3"),
    (r"argument (.+?): expected one argument", r"argument \1 : une valeur est attendue"),
    (r"argument (.+?): not allowed with argument (.*)", r"argument \1 : incompatible avec \2"),
    (r"one of the arguments (.*) is required", r"l'un des arguments \1 est obligatoire"),
]
HELP_HEADINGS = [
    ("usage: ", "utilisation : "),
    ("positional arguments:", "arguments :"),
    ("options:", "options :"),
    ("show this help message and exit", "afficher cette aide et quitter"),
]


def french_argparse_message(message):
    for pattern, replacement in ARGPARSE_FRENCH:
        translated, count = re.subn(pattern, replacement, message)
        if count:
            return translated
    return message


# Help of the options Django adds to every command.
BASE_OPTIONS_HELP = {
    "version": "Afficher la version et quitter.",
    "verbosity": "Niveau de détail : 0 silencieux, 1 normal, 2 détaillé, 3 très détaillé.",
    "settings": "Module de réglages Python (sinon DJANGO_SETTINGS_MODULE).",
    "pythonpath": "Dossier à ajouter au chemin Python.",
    "traceback": "Afficher la trace Python complète en cas d'erreur (pour les développeurs).",
    "no_color": "Ne pas colorer la sortie.",
    "force_color": "Toujours colorer la sortie.",
    "skip_checks": "Ne pas lancer les vérifications du système.",
}


class FrenchCommandParser(CommandParser):
    def error(self, message):
        message = french_argparse_message(message)
        if self.called_from_command_line:
            self.print_usage(sys.stderr)
            self.exit(2, f"{self.prog} : erreur : {message}\n")
        raise CommandError(f"Erreur : {message}")

    def format_usage(self):
        return _french_headings(super().format_usage())

    def format_help(self):
        return _french_headings(super().format_help())


def _french_headings(text):
    for english, french in HELP_HEADINGS:
        text = text.replace(english, french)
    return text


def _frenchify(parser):
    """Switch a parser and its subcommands' parsers to French messages."""
    parser.__class__ = FrenchCommandParser
    for action in parser._actions:
        if action.dest in BASE_OPTIONS_HELP:
            action.help = BASE_OPTIONS_HELP[action.dest]
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _frenchify(child)


class FrenchErrorsMixin:
    """On the command line, « Erreur : <message> » and the exit code; called from code, it still raises."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        _frenchify(parser)
        return parser

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            if not getattr(self, "_called_from_command_line", False) or options.get("traceback"):
                raise
            self.stderr.write(f"Erreur : {exc}")
            sys.exit(exc.returncode)


class DentelleCommand(FrenchErrorsMixin, BaseCommand):
    # The action run when a command's actions are optional (`dentelle match` alone ranks for a lot).
    default_action = None

    def add_actions(self, parser, *, required=True, title="actions"):
        """The sub-commands' parsers (`dentelle siaes import`, `… stats`): the chosen one is `action`."""
        return parser.add_subparsers(dest="action", required=required, title=title)

    def handle_action(self, options):
        """Run the method of the chosen action: `contracts-won` → ``handle_contracts_won(options)``."""
        action = options.get("action") or self.default_action
        return getattr(self, f"handle_{action.replace('-', '_')}")(options)


def add_wet_run(parser, what="Écrire réellement en base", otherwise="simulation"):
    """The --wet-run switch of every command that writes: without it, the command only simulates."""
    parser.add_argument("--wet-run", action="store_true", help=f"{what} (sinon : {otherwise}).")


def existing_file(name, what="Fichier"):
    """The Path of a file named on the command line, or a French CommandError if there is none."""
    path = Path(name)
    if not path.is_file():
        raise CommandError(f"{what} « {path} » introuvable.")
    return path


def warn_simulation(command, to_do):
    """The closing line of a dry run: nothing was written, and how to write it."""
    command.stdout.write(
        command.style.WARNING(f"Simulation : rien n'a été enregistré. Relancer avec --wet-run pour {to_do}.")
    )


def print_changes(command, report, committed, wet_run, up_to_date):
    """An import command's report, then how many records it changes (``up_to_date``: what none means)."""
    command.stdout.write(report.source)
    command.print_report(report, committed, wet_run)
    changes = report.counts.get("modifications", 0)
    if changes == 0:
        command.stdout.write(f"0 modification : {up_to_date}.")
    else:
        verb = "enregistrée(s)" if committed else "à faire (simulation)"
        command.stdout.write(f"{changes} modification(s) {verb}.")
