"""`dentelle decp analyse FICHIER`, `dentelle decp contracts-won FICHIER` and `dentelle decp export`: DECP
retrospective analysis, contracts won by directory structures, and v2 export."""

import json
from pathlib import Path

from django.core.management.base import CommandError

from dentelle.accounts.models import Organisation
from dentelle.core.commands import add_wet_run, existing_file, print_changes
from dentelle.core.importing import ImportCommand, run_import
from dentelle.decp import retro_report
from dentelle.decp.adapters import export_organisation
from dentelle.decp.analysis import LABOUR_INTENSIVE_DIVISIONS, PNAD_TARGET_SHARE
from dentelle.decp.readers import FORMAT_LABELS, DecpFileError
from dentelle.decp.services import retrospective_file
from dentelle.decp.won import record_won_contracts
from dentelle.decp.writer import dumps


def percent(value):
    return "—" if value is None else f"{value * 100:.1f} %".replace(".", ",")


def report_lines(path_name, fmt, result, problems, top=15):
    """The French text report of an analysis (also used by tests)."""
    lines = [f"Fichier : {path_name} — {FORMAT_LABELS.get(fmt, fmt)}"]
    lines.append(f"Enregistrements lus : {result.records}")
    if result.region:
        lines.append(
            f"Région {result.region} : {result.markets + result.concessions} retenus, "
            f"{result.outside_region} hors région, {result.unknown_place} au lieu non rattachable"
        )
    lines.append(f"Marchés : {result.markets} (concessions écartées : {result.concessions})")
    lines.append(f"Marchés ≥ 40 000 € HT : {result.over_threshold} (sans montant : {result.without_amount})")
    if result.v2_over_threshold:
        lines.append(
            f"Avec au moins une considération sociale (v2) : {result.with_social} / {result.v2_over_threshold} "
            f"= {percent(result.social_share)} — objectif PNAD {percent(PNAD_TARGET_SHARE)}, "
            f"écart {percent(result.gap_to_target)}"
        )
        for value, count in result.social_values.most_common():
            lines.append(f"  {value} : {count}")
    else:
        lines.append("Considérations sociales : absentes du format v1, part non mesurable.")
    lines.append(
        "Marchés ≥ 40 000 € HT dans les divisions CPV intensives en main-d'œuvre "
        f"({', '.join(LABOUR_INTENSIVE_DIVISIONS)}) : {result.labour_intensive} / {result.over_threshold} "
        f"= {percent(result.labour_intensive_share)} (tous montants : {result.labour_intensive_all} / "
        f"{result.markets} = {percent(result.labour_intensive_share_all)})"
    )
    lines.append(f"Divisions CPV (les {top} premières par nombre de marchés) :")
    for figures in result.sorted_divisions()[:top]:
        social = f", avec considération sociale {figures.with_social}" if result.v2_over_threshold else ""
        lines.append(
            f"  {figures.division} : {figures.markets} marchés, {figures.over_threshold} ≥ 40 000 €{social}"
        )
    holders = result.sorted_siae_holders()
    lines.append(f"Titulaires ou sous-traitants connus comme SIAE : {len(holders)}")
    for holder in holders[:top]:
        lines.append(
            f"  {holder.siret} {holder.siae_name} ({holder.siae_kind}, {holder.role}) : {holder.markets}"
        )
    lines.append(f"Anomalies d'enregistrement signalées : {problems.total}")
    for field, count in sorted(problems.by_field.items(), key=lambda item: -item[1]):
        lines.append(f"  {field} : {count}")
    return lines


class Command(ImportCommand):  # its print_report; each action declares its own options
    help = "Données essentielles de la commande publique (DECP) : analyse rétrospective, export v2."

    def add_arguments(self, parser):
        sub = self.add_actions(parser)
        analyse = sub.add_parser(
            "analyse",
            help="Analyser un fichier DECP (v1 JSON, v2 JSON, CSV v1 aplati, consolidé national CSV ou Parquet)",
        )
        analyse.add_argument(
            "file", metavar="FICHIER", help="Fichier DECP (.json, .json.gz, .csv ou .parquet)"
        )
        analyse.add_argument(
            "--region", help="Ne garder que les marchés exécutés dans cette région (code INSEE, ex. 11)"
        )
        analyse.add_argument(
            "--buyer",
            metavar="SIRET",
            help="Fiche de comparaison de cet acheteur et ses dix marchés à regarder en premier",
        )
        analyse.add_argument("--out", metavar="RAPPORT.xlsx", help="Écrire aussi la rétrospective en XLSX")
        analyse.add_argument("--json", action="store_true", help="Sortie JSON au lieu du rapport texte")
        analyse.add_argument("--anomalies", type=int, default=0, help="Lister les N premières anomalies")
        won = sub.add_parser(
            "contracts-won",
            help="Rattacher aux structures les marchés qu'elles ont remportés (fichier DECP, simulation par défaut).",
            description=(
                "Lit un fichier DECP (v1 ou v2 JSON, CSV v1, consolidé national CSV ou Parquet), reconnaît les "
                "titulaires de l'annuaire par SIRET puis par SIREN, et enregistre ces marchés sur leur fiche : "
                "le moteur de mise en relation s'en sert comme compétences « apprise d'un marché remporté »."
            ),
        )
        won.add_argument("file", help="Fichier DECP.")
        add_wet_run(won)
        export = sub.add_parser(
            "export", help="Exporter au format DECP v2 les marchés attribués d'une organisation"
        )
        export.add_argument(
            "--organisation", help="Nom ou identifiant de l'organisation (par défaut : la seule)"
        )
        export.add_argument("--out", help="Fichier de sortie (par défaut : sortie standard)")

    def handle(self, *args, **options):
        self.handle_action(options)

    def handle_contracts_won(self, options):
        path = existing_file(options["file"], "Fichier DECP")
        report, committed = run_import(record_won_contracts, wet_run=options["wet_run"], path=path)
        print_changes(
            self, report, committed, options["wet_run"], up_to_date="les fiches étaient déjà à jour"
        )

    def handle_analyse(self, options):
        path = existing_file(options["file"], "Fichier DECP")
        buyer = (options["buyer"] or "").replace(" ", "")
        if buyer and not (buyer.isdigit() and len(buyer) == 14):
            raise CommandError(
                f"--buyer attend le SIRET de l'acheteur (14 chiffres), pas « {options['buyer']} »."
            )
        out = Path(options["out"]) if options["out"] else None
        if out is not None and out.suffix.lower() != ".xlsx":
            raise CommandError(f"--out attend un fichier .xlsx (« {out} »).")
        try:
            result = retrospective_file(
                path,
                region=options["region"],
                buyer=buyer or None,
                problem_limit=max(200, options["anomalies"]),
            )
        except DecpFileError as exc:
            raise CommandError(str(exc)) from None
        if buyer and result.card is None:
            self.stderr.write(f"Acheteur {buyer} absent des marchés retenus : pas de fiche de comparaison.")
        if out is not None:
            try:
                out.write_bytes(retro_report.workbook(result))
            except OSError as exc:
                raise CommandError(f"Impossible d'écrire « {out} » : {exc.strerror}.") from None
        fmt, analysis, problems = result.fmt, result.analysis, result.problems
        if options["json"]:
            payload = {
                "file": path.name,
                "format": fmt,
                **analysis.as_dict(),
                "anomalies": problems.total,
                "retrospective": retro_report.as_dict(result),
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
            return
        for line in report_lines(path.name, fmt, analysis, problems):
            self.stdout.write(line)
        for problem in list(problems)[: options["anomalies"]]:
            self.stdout.write(f"  - {problem}")
        for line in retro_report.lines(result):
            self.stdout.write(line)
        timing = ", ".join(f"{name} {value:.1f} s" for name, value in result.seconds.items())
        self.stdout.write(f"Durées : {timing}")
        if out is not None:
            self.stdout.write(f"Rétrospective écrite dans {out}.")

    def handle_export(self, options):
        organisation = self.find_organisation(options["organisation"])
        document, violations = export_organisation(organisation)
        text = dumps(document)
        count = len(document["marches"]["marche"])
        if options["out"]:
            Path(options["out"]).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"{count} marché(s) de « {organisation.name} » écrit(s) dans {options['out']}.")
        else:
            self.stdout.write(text)
        if violations:
            self.stderr.write(
                f"{len(violations)} écart(s) au schéma DECP 2.0.3, à compléter avant publication :"
            )
            for violation in violations[:50]:
                self.stderr.write(f"  - {violation}")
        else:
            self.stderr.write("Conforme au schéma DECP 2.0.3.")

    def find_organisation(self, wanted):
        organisations = Organisation.objects.all()
        if wanted:
            match = (
                organisations.filter(pk=int(wanted))
                if wanted.isdigit()
                else organisations.filter(name__iexact=wanted)
            )
            organisation = match.first()
            if organisation is None:
                raise CommandError(f"Organisation « {wanted} » introuvable.")
            return organisation
        if organisations.count() != 1:
            names = ", ".join(organisations.values_list("name", flat=True)[:10]) or "aucune"
            raise CommandError(f"Préciser --organisation (organisations existantes : {names}).")
        return organisations.get()
