from django.conf import settings
from django.core.management.base import CommandError

from dentelle.core.commands import add_wet_run, existing_file
from dentelle.core.importing import ImportCommand, ImportReport, run_import
from dentelle.insertion.importer import FileProblem, import_declarations
from dentelle.insertion.privacy import purge, purge_due
from dentelle.insertion.totals import refresh_realised


class Command(ImportCommand):
    help = "Suivi des clauses sociales : import des déclarations d'heures, purge des données personnelles."

    def add_arguments(self, parser):
        sub = self.add_actions(parser)
        imp = sub.add_parser(
            "import-declarations",
            help="Importer des déclarations d'heures (CSV ou XLSX). Simulation par défaut.",
        )
        imp.add_argument("file", help="Fichier CSV (UTF-8, séparateur ; ou ,) ou XLSX")
        add_wet_run(imp, "Enregistrer réellement")
        purge_parser = sub.add_parser(
            "purge-beneficiaries",
            help="Effacer les données personnelles des bénéficiaires au-delà de la durée de conservation.",
        )
        add_wet_run(purge_parser, "Effacer réellement")
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
        self.handle_action(options)

    def handle_refresh_totals(self, options):
        self.stdout.write(f"Récapitulatif recalculé : {refresh_realised()} ligne(s).")

    def handle_import_declarations(self, options):
        path, wet_run = existing_file(options["file"]), options["wet_run"]
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

    def handle_purge_beneficiaries(self, options):
        due = purge_due(retention_days=options["days"])
        count = due.count()
        if not options["wet_run"]:
            self.stdout.write(
                f"Simulation : {count} bénéficiaire(s) à purger. Relancer avec --wet-run pour effacer leurs "
                "données personnelles (les agrégats sont conservés)."
            )
            return
        purged = purge(due)
        self.stdout.write(self.style.SUCCESS(f"{purged} bénéficiaire(s) purgé(s) ; agrégats conservés."))
