"""`dentelle scan FILE`: screen a plan file end to end and write the report (no web app needed).
`dentelle scan --plan ID`: scan a plan stored in the database (findings stored, decisions kept)."""

import sys
from datetime import date
from pathlib import Path

from django.core.management.base import CommandError

from dentelle.core.commands import DentelleCommand
from dentelle.core.importing import ImportReport
from dentelle.purchases.cpv_suggest import suggest_cpv
from dentelle.purchases.importer import drop_unknown_cpv
from dentelle.purchases.plan_data import PlanFileError
from dentelle.purchases.plan_services import find_organisation
from dentelle.purchases.planfile import read_plan_file
from dentelle.purchases.report import json_bytes, write_json, xlsx_report
from dentelle.purchases.scanfile import paused_gc, scan_plan_data
from dentelle.purchases.services import scan_plan
from dentelle.purchases.stored_scan import find_plan, stored_plan_report
from dentelle.purchases.supply import make_supply
from dentelle.rules.services import rules_for
from dentelle.rules.types import RulesError


class Command(DentelleCommand):
    help = "Balayer un fichier de programmation des achats (CSV, XLSX ou JSON) et produire le rapport."
    # Only reads a file and the database: the system checks (URL configuration, admin, about 1 s of
    # imports) are for `check` and the web server, not for every scan.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Fichier de programmation (CSV, XLSX ou JSON Dentelle)")
        parser.add_argument(
            "--plan",
            metavar="ID",
            help="Balayer une programmation déjà importée (numéro ou nom exact) au lieu d'un fichier ; "
            "les propositions sont enregistrées, les décisions déjà prises conservées",
        )
        parser.add_argument("--organisation", help="Organisation dont les surcharges de règles s'appliquent")
        parser.add_argument(
            "--out", help="Rapport à écrire : .json ou .xlsx (par défaut : JSON sur la sortie)"
        )
        parser.add_argument(
            "--where",
            action="append",
            default=[],
            metavar="COLONNE=VALEUR",
            help="Ne garder que les lignes où la colonne vaut la valeur (répétable)",
        )
        parser.add_argument(
            "--launch-date", help="Date de lancement à supposer quand le fichier n'en donne pas (AAAA-MM-JJ)"
        )
        parser.add_argument(
            "--no-directory", action="store_true", help="Ne pas compter les structures de l'annuaire"
        )
        parser.add_argument("--quiet", action="store_true", help="Sans barre de progression")
        parser.add_argument(
            "--figures",
            action="store_true",
            help="Inclure les chiffres utilisés et leurs sources dans le JSON",
        )

    def handle(self, *args, **options):
        with paused_gc():  # a one-shot process: its objects live until the report is written
            return self._handle(options)

    def _handle(self, options):
        if options["plan"]:
            if options["file"]:
                raise CommandError("Donner un fichier ou --plan, pas les deux.")
            return self._scan_stored(options)
        if not options["file"]:
            raise CommandError(
                "Fichier de programmation attendu (ou --plan ID pour une programmation importée)."
            )
        organisation = None
        if options["organisation"]:
            organisation = find_organisation(options["organisation"])
            if organisation is None:
                raise CommandError(f"Organisation « {options['organisation']} » inconnue.")
        where = {}
        for item in options["where"]:
            if "=" not in item:
                raise CommandError(f"Filtre « {item} » : forme COLONNE=VALEUR attendue.")
            column, value = item.split("=", 1)
            where[column] = value
        launch = None
        if options["launch_date"]:
            try:
                launch = date.fromisoformat(options["launch_date"])
            except ValueError:
                raise CommandError(
                    f"Date de lancement illisible : {options['launch_date']} (AAAA-MM-JJ)."
                ) from None
        out = options["out"]
        if out and Path(out).suffix.lower() not in (".json", ".xlsx"):
            raise CommandError("--out : extension .json ou .xlsx attendue.")
        try:
            rules = rules_for(organisation)
            report = ImportReport(source=options["file"])
            plan, report = read_plan_file(options["file"], report, suggest_cpv=suggest_cpv, where=where)
        except (PlanFileError, RulesError) as exc:
            raise CommandError(str(exc)) from None
        drop_unknown_cpv(plan, report)
        for problem in report.problems[:50]:
            sys.stderr.write(f"  - {problem}\n")
        supply = None if options["no_directory"] else make_supply()
        stream = None if options["quiet"] else sys.stderr
        result = scan_plan_data(plan, rules, supply, launch, stream, with_figures=options["figures"])
        self._write(result, out)

    def _scan_stored(self, options):
        # --no-directory too: the stored scan (services.scan_operations) always counts the directory.
        for option in ("where", "launch_date", "organisation", "figures", "no_directory"):
            if options[option]:
                raise CommandError(
                    f"--{option.replace('_', '-')} ne s'applique qu'à un fichier, pas à --plan."
                )
        out = options["out"]
        if out and Path(out).suffix.lower() not in (".json", ".xlsx"):
            raise CommandError("--out : extension .json ou .xlsx attendue.")
        plan = find_plan(options["plan"])
        if plan is None:
            raise CommandError(
                f"Programmation « {options['plan']} » introuvable ou ambiguë : donner son numéro "
                "(`dentelle plan list`) ou son nom exact."
            )
        try:
            counts = scan_plan(plan)
        except RulesError as exc:
            raise CommandError(str(exc)) from None
        sys.stderr.write(
            f"Programmation « {plan.name} » ({plan.organisation}) : {counts['lots']} lots balayés, "
            f"{counts['findings']} propositions, {counts['kept_decisions']} décisions conservées.\n"
        )
        self._write(stored_plan_report(plan), out)

    def _write(self, result, out):
        if not out:
            self.stdout.write(json_bytes(result).decode("utf-8"))
            return
        if out.lower().endswith(".xlsx"):
            Path(out).write_bytes(xlsx_report(result))
        else:
            with open(out, "wb") as handle:  # streamed: 100,000 lots make about 140 MB of JSON
                write_json(result, handle)
        summary = result["summary"]
        self.stdout.write(
            f"{summary['lots']} lots balayés, {summary['lots_with_findings']} avec au moins une proposition, "
            f"{summary['potential_hours']} heures d'insertion potentielles. Rapport : {out}"
        )
