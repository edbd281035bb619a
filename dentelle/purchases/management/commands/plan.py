"""`dentelle plan import FILE`: import a purchase plan (dry run by default; --scan scans it in the same
transaction, so a dry run shows the findings too). `dentelle plan list`: the stored plans and their ids."""

from pathlib import Path

from django.core.management.base import CommandError
from django.db.models import Count

from dentelle.accounts.models import Organisation
from dentelle.core.commands import add_wet_run
from dentelle.core.importing import ImportCommand, ImportReport, run_import
from dentelle.purchases.cpv_suggest import suggest_cpv
from dentelle.purchases.importer import import_outcome, import_plan
from dentelle.purchases.models import PurchasePlan
from dentelle.purchases.plan_data import PlanFileError
from dentelle.purchases.plan_services import find_organisation, lookup_service
from dentelle.purchases.planfile import read_plan_file
from dentelle.purchases.services import scan_plan
from dentelle.purchases.stored_scan import stored_plan_report


class Command(ImportCommand):
    help = "Programmation des achats : importer un fichier (CSV, XLSX, JSON)."

    def add_arguments(self, parser):
        sub = self.add_actions(parser)
        imp = sub.add_parser("import", help="Importer un fichier de programmation")
        imp.add_argument("file", help="Fichier CSV, XLSX ou JSON")
        imp.add_argument(
            "--organisation", help="Organisation (par défaut : celle du fichier JSON ou la seule existante)"
        )
        imp.add_argument("--service", help="Service acheteur par défaut (sigle ou nom)")
        imp.add_argument("--name", help="Nom de la programmation (par défaut : nom du fichier)")
        imp.add_argument("--year", type=int, help="Année de la programmation")
        imp.add_argument(
            "--where", action="append", default=[], metavar="COLONNE=VALEUR", help="Filtrer les lignes"
        )
        add_wet_run(imp)
        imp.add_argument(
            "--scan",
            action="store_true",
            help="Balayer la programmation importée (en simulation aussi : rien n'est enregistré)",
        )
        sub.add_parser(
            "list", help="Lister les programmations enregistrées (numéro pour `dentelle scan --plan`)"
        )

    def handle(self, *args, **options):
        self.handle_action(options)

    def handle_import(self, options):
        path = options["file"]
        where = dict(item.split("=", 1) for item in options["where"] if "=" in item)
        try:
            plan_data, report = read_plan_file(
                path, ImportReport(source=path), suggest_cpv=suggest_cpv, where=where
            )
        except PlanFileError as exc:
            raise CommandError(str(exc)) from None
        organisation = find_organisation(options["organisation"] or plan_data.organisation)
        if organisation is None:
            candidates = list(Organisation.objects.all()[:2])
            if options["organisation"] or len(candidates) != 1:
                raise CommandError("Organisation inconnue : préciser --organisation avec un nom existant.")
            organisation = candidates[0]
        service = None
        if options["service"]:
            service = lookup_service(organisation, options["service"])
            if service is None:
                raise CommandError(f"Service « {options['service']} » inconnu dans {organisation}.")
        self.stdout.write(
            f"Colonnes reconnues : {', '.join(f'{k} ← « {v} »' for k, v in plan_data.mapping.items())}"
        )
        if plan_data.unmapped:
            self.stdout.write(f"Colonnes ignorées : {', '.join(plan_data.unmapped)}")
        name = options["name"] or plan_data.name or Path(path).stem
        plan, year, _source = import_outcome(organisation, name, plan_data.year, options["year"])
        state = "existante, mise à jour" if plan else "nouvelle"
        self.stdout.write(f"Programmation « {name} » ({state}) : année {year}")
        report, committed = run_import(
            _import_and_scan if options["scan"] else import_plan,
            wet_run=options["wet_run"],
            report=report,
            plan_data=plan_data,
            organisation=organisation,
            service=service,
            plan_name=options["name"] or "",
            year=options["year"],
            source_file=Path(path).name,
        )
        self.print_report(report, committed, options["wet_run"])

    def handle_list(self, options):
        plans = PurchasePlan.objects.select_related("organisation").annotate(lots=Count("operations__lots"))
        rows = list(plans.order_by("organisation__name", "-year", "name"))
        if not rows:
            self.stdout.write("Aucune programmation enregistrée.")
        for plan in rows:
            self.stdout.write(f"{plan.pk}\t{plan.organisation}\t{plan.year}\t{plan.name}\t{plan.lots} lots")


def _import_and_scan(report, **options):
    """Import then scan in the same transaction: a dry run rolls both back, a wet run keeps both."""
    plan = import_plan(report, **options)
    if not report.ok:
        return plan
    counts = scan_plan(plan)
    report.count("lots balayés", counts["lots"])
    report.count("propositions du balayage", counts["findings"])
    if counts["kept_decisions"]:
        report.count("décisions conservées", counts["kept_decisions"])
    summary = stored_plan_report(plan)["summary"]
    report.count("heures d'insertion potentielles", summary["potential_hours"])
    return plan
