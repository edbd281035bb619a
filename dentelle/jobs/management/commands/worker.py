"""`dentelle worker`: run the background jobs (django-tasks' database worker), write the heartbeat that
/healthz reads, and enqueue the periodic tasks (digest, purge) when they are due."""

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from dentelle.jobs import worker


class Command(DbWorkerCommand):
    help = (
        "Exécute les travaux de fond (imports et balayages de programmations, exports, lettre, purge) ; "
        "écrit un signe de vie lu par /healthz et lance les tâches périodiques (DENTELLE_PERIODIC_TASKS)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="ne pas lancer les tâches périodiques (quand cron s'en charge)",
        )
        parser.set_defaults(reload=False, queue_name="*")

    def handle(self, *args, **options):
        schedule = not options.pop("no_schedule") and bool(settings.DENTELLE_PERIODIC_TASKS)
        worker_id = options["worker_id"]
        heartbeat = worker.start(worker_id, schedule=schedule)
        self.stdout.write(
            f"Travailleur {worker_id} démarré (tâches périodiques : "
            f"{', '.join(settings.DENTELLE_PERIODIC_TASKS) if schedule else 'aucune'})."
        )
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
            worker.stop(worker_id)
