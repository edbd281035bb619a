"""Management commands run from the tests, in this process."""

from functools import partial
from io import StringIO

from django.core.management import call_command


def command_output(*args, **options):
    """What `dentelle ARGS…` writes on its standard output (through call_command)."""
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def command_runner(*prefix):
    """command_output with the first words of the command line given once: run = command_runner("match")."""
    return partial(command_output, *prefix)
