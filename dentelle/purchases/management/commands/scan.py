"""`dentelle scan FILE`: screen a plan file end to end and write the report (no web app needed)."""

import sys
import time
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dentelle.core.importing import ImportReport
from dentelle.purchases.cpv_suggest import suggest_cpv
from dentelle.purchases.facts import plan_facts
from dentelle.purchases.importer import find_organisation
from dentelle.purchases.planfile import PlanFileError, read_plan_file
from dentelle.purchases.report import json_bytes, lot_entry, report_dict, xlsx_report
from dentelle.purchases.screening import screen_lot
from dentelle.purchases.supply import make_supply
from dentelle.rules.loader import RulesError
from dentelle.rules.services import rules_for


def progress(done, total, stream, width=30, started=None):
    filled = int(width * done / total) if total else width
    rate = ""
    if started and done:
        rate = f" {done / max(time.perf_counter() - started, 1e-6):,.0f} lots/s".replace(",", "\u202f")
    stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}{rate}")
    stream.flush()


def scan_plan_data(plan, rules, supply=None, default_launch_date=None, stream=None):
    """Screen a parsed plan; returns the report dict (summary + lots)."""
    items = plan_facts(plan, supply, default_launch_date)
    entries, started = [], time.perf_counter()
    step = max(1, len(items) // 50)
    for count, (operation, lot, facts, _index) in enumerate(items, 1):
        findings = [d.as_dict() for d in screen_lot(facts, rules)]
        for finding in findings:
            finding.pop("figures", None) if not finding.get("figures") else None
        entries.append(
            lot_entry(
                operation=operation.reference,
                lot=lot.number,
                title=lot.title,
                service=operation.service,
                cpv=lot.cpv,
                amount=lot.amount,
                departments=facts.department_codes,
                findings=findings,
            )
        )
        if stream is not None and (count % step == 0 or count == len(items)):
            progress(count, len(items), stream, started=started)
    if stream is not None:
        stream.write("\n")
    objective = rules.screening.get("annual_objective_hours")
    return report_dict(entries, objective.value if objective else None, rules.versions)


class Command(BaseCommand):
    help = "Balayer un fichier de programmation des achats (CSV, XLSX ou JSON) et produire le rapport."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier de programmation (CSV, XLSX ou JSON Dentelle)")
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

    def handle(self, *args, **options):
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
        for problem in report.problems[:50]:
            sys.stderr.write(f"  - {problem}\n")
        supply = None if options["no_directory"] else make_supply()
        stream = None if options["quiet"] else sys.stderr
        result = scan_plan_data(plan, rules, supply, launch, stream)
        if not out:
            self.stdout.write(json_bytes(result).decode("utf-8"))
            return
        data = xlsx_report(result) if out.lower().endswith(".xlsx") else json_bytes(result)
        Path(out).write_bytes(data)
        summary = result["summary"]
        self.stdout.write(
            f"{summary['lots']} lots balayés, {summary['lots_with_findings']} avec au moins une proposition, "
            f"{summary['potential_hours']} heures d'insertion potentielles. Rapport : {out}"
        )
