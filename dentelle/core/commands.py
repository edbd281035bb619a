"""Base of every Dentelle command: errors are printed in French, never as a Python class name."""

import sys

from django.core.management.base import BaseCommand, CommandError


class FrenchErrorsMixin:
    """On the command line, « Erreur : <message> » and the exit code; called from code, it still raises."""

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
