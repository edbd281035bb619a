import time

from dentelle.core.commands import DentelleCommand
from dentelle.site.demo import DEMO_STEPS


class Command(DentelleCommand):
    help = "Charge les données de démonstration (référentiels, organisation, SIAE, programmation)."

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Écrire en base (sinon : ne rien faire).")

    def handle(self, *args, **options):
        if not options["wet_run"]:
            self.stdout.write("Simulation : relancer avec --wet-run pour charger la démonstration.")
            return
        for step in DEMO_STEPS:
            started = time.perf_counter()
            step(self.stdout)
            self.stdout.write(f"  ✓ {step.__name__} ({time.perf_counter() - started:.1f} s)")
