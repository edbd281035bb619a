"""Base of every Dentelle command: messages in French, never a Python class name or argparse English."""

import argparse
import re
import sys

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
    pass


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
