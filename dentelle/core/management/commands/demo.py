import time

from django.utils.module_loading import import_string

from dentelle.core.commands import DentelleCommand
from dentelle.core.demo import DEMO_STEPS


class Command(DentelleCommand):
    help = "Charge les données de démonstration (référentiels, organisation, SIAE, programmation)."

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Écrire en base (sinon : ne rien faire).")

    def handle(self, *args, **options):
        if not options["wet_run"]:
            self.stdout.write("Simulation : relancer avec --wet-run pour charger la démonstration.")
            return
        for dotted in DEMO_STEPS:
            started = time.perf_counter()
            import_string(dotted)(self.stdout)
            self.stdout.write(f"  ✓ {dotted.rsplit('.', 1)[-1]} ({time.perf_counter() - started:.1f} s)")
