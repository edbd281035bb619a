from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from dentelle.core.importing import ImportCommand, ImportReport, run_import
from dentelle.insertion.importer import FileProblem, import_declarations
from dentelle.insertion.privacy import purge, purge_due
from dentelle.insertion.totals import refresh_realised


class Command(ImportCommand):
    help = "Suivi des clauses sociales : import des déclarations d'heures, purge des données personnelles."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="actions")
        imp = sub.add_parser(
            "import-declarations",
            help="Importer des déclarations d'heures (CSV ou XLSX). Simulation par défaut.",
        )
        imp.add_argument("file", help="Fichier CSV (UTF-8, séparateur ; ou ,) ou XLSX")
        imp.add_argument(
            "--wet-run", action="store_true", help="Enregistrer réellement (sinon : simulation)."
        )
        purge_parser = sub.add_parser(
            "purge-beneficiaries",
            help="Effacer les données personnelles des bénéficiaires au-delà de la durée de conservation.",
        )
        purge_parser.add_argument(
            "--wet-run", action="store_true", help="Effacer réellement (sinon : simulation)."
        )
        purge_parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Durée de conservation en jours (défaut : {settings.DENTELLE_BENEFICIARY_RETENTION_DAYS}).",
        )

        sub.add_parser(
            "refresh-totals",
            help="Recalculer le récapitulatif des heures validées par marché et par mois (tableau de bord).",
        )

    def handle(self, *args, **options):
        if options["action"] == "import-declarations":
            self.import_declarations(options["file"], options["wet_run"])
        elif options["action"] == "refresh-totals":
            self.stdout.write(f"Récapitulatif recalculé : {refresh_realised()} ligne(s).")
        else:
            self.purge(options["wet_run"], options["days"])

    def import_declarations(self, file, wet_run):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        report = ImportReport(source=str(path))
        try:
            with path.open("rb") as stream:
                report, committed = run_import(
                    import_declarations, wet_run=wet_run, report=report, stream=stream, filename=path.name
                )
        except FileProblem as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Import des déclarations d'heures : {path.name}")
        self.print_report(report, committed, wet_run)
        if committed:
            self.stdout.write("Les déclarations importées sont en brouillon, à valider.")

    def purge(self, wet_run, days):
        due = purge_due(retention_days=days)
        count = due.count()
        if not wet_run:
            self.stdout.write(
                f"Simulation : {count} bénéficiaire(s) à purger. Relancer avec --wet-run pour effacer leurs "
                "données personnelles (les agrégats sont conservés)."
            )
            return
        purged = purge(due)
        self.stdout.write(self.style.SUCCESS(f"{purged} bénéficiaire(s) purgé(s) ; agrégats conservés."))
