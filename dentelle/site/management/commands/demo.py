import time

from dentelle.core.commands import DentelleCommand, add_wet_run, warn_simulation
from dentelle.site.demo import DEMO_STEPS


class Command(DentelleCommand):
    help = "Charge les données de démonstration (référentiels, organisation, SIAE, programmation)."

    def add_arguments(self, parser):
        add_wet_run(parser, "Charger la démonstration en base")

    def handle(self, *args, **options):
        if not options["wet_run"]:
            warn_simulation(self, "charger la démonstration")
            return
        for step in DEMO_STEPS:
            started = time.perf_counter()
            step(self.stdout)
            self.stdout.write(f"  ✓ {step.__name__} ({time.perf_counter() - started:.1f} s)")
