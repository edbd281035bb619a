"""`dentelle siaes import|stats`: the SIAE directory from the command line (`dentelle siaes contracts-won`
reads DECP files: it is `dentelle decp contracts-won`, see dentelle/cli.py)."""

import datetime as dt
import json

from django.core.management.base import CommandError

from dentelle.core.commands import add_wet_run, print_changes
from dentelle.core.importing import ImportCommand, ImportReport, run_import
from dentelle.siaes.clients import LemarcheApiError, LemarcheClient
from dentelle.siaes.importers import SOURCES, import_file, import_records
from dentelle.siaes.importers.lemarche_api import read_lemarche_api_payload
from dentelle.siaes.importers.records import SourceFileError
from dentelle.siaes.stats import directory_stats, format_stats


class Command(ImportCommand):
    help = "Annuaire des SIAE : import des listes officielles et du marché de l'inclusion, statistiques."

    def add_arguments(self, parser):
        sub = self.add_actions(parser)
        imp = sub.add_parser(
            "import",
            help="Importer un fichier de structures (simulation par défaut).",
            description=(
                "Importe un fichier de structures. Sources : asp (liste ASP 2019), asp-ids (identifiants ASP "
                "2020 : complète les structures connues, n'en crée aucune), lemarche (export JSON ou CSV du "
                "marché de l'inclusion), lemarche-api (réponse JSON de /api/siae/, ou --fetch pour l'appeler), "
                "geiq, esat (liste FINESS). Une structure par SIRET ; les champs modifiés à la main ne sont "
                "jamais écrasés."
            ),
        )
        imp.add_argument("--source", required=True, choices=sorted(SOURCES), help="Format du fichier.")
        imp.add_argument("file", nargs="?", help="Chemin du fichier (sauf --fetch).")
        add_wet_run(imp)
        imp.add_argument(
            "--strict",
            action="store_true",
            help="Annuler tout l'import à la moindre ligne en erreur (par défaut : lignes en erreur écartées et signalées).",
        )
        imp.add_argument(
            "--date", help="Date des données AAAA-MM-JJ (sinon : tirée du nom du fichier ou de la source)."
        )
        imp.add_argument(
            "--fetch", action="store_true", help="lemarche-api : interroger l'API (jeton LEMARCHE_API_TOKEN)."
        )
        stats = sub.add_parser("stats", help="Compter les structures par type et par région.")
        stats.add_argument("--json", action="store_true", help="Sortie JSON.")

    def handle(self, *args, **options):
        self.handle_action(options)

    def handle_import(self, options):
        source, path = options["source"], options.get("file")
        date = None
        if options.get("date"):
            try:
                date = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"Date invalide : {options['date']!r} (AAAA-MM-JJ attendu).") from None
        report = ImportReport()
        try:
            if options["fetch"]:
                if source != "lemarche-api":
                    raise CommandError("--fetch ne vaut que pour --source lemarche-api.")
                importer, kwargs = self.fetch_importer(date), {}
            else:
                if not path:
                    raise CommandError("Chemin du fichier manquant.")
                importer, kwargs = import_file, {"source": source, "path": path, "data_date": date}
            report, committed = run_import(
                importer, wet_run=options["wet_run"], report=report, strict=options["strict"], **kwargs
            )
        except SourceFileError as exc:
            raise CommandError(str(exc)) from None
        print_changes(self, report, committed, options["wet_run"], up_to_date="l'annuaire était déjà à jour")

    def fetch_importer(self, date):
        def importer(report):
            try:
                pages = list(LemarcheClient().siae_pages())
            except LemarcheApiError as exc:
                raise CommandError(str(exc)) from None
            records = list(read_lemarche_api_payload(pages, report, date or dt.date.today()))
            return import_records(
                report, source="lemarche-api", records=records, label="API du marché de l'inclusion"
            )

        return importer

    def handle_stats(self, options):
        stats = directory_stats()
        if options["json"]:
            self.stdout.write(json.dumps(stats, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(format_stats(stats))
