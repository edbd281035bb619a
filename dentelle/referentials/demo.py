from django.core.management import call_command


def load_referentials(stdout):
    call_command("referentials", "load", "--wet-run", "--if-changed", stdout=stdout)
