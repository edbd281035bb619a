"""`dentelle match` — rank structures for a lot, a plan, evaluate on DECP, send the digest."""

import json

from django.core.management.base import CommandError

from dentelle.core.commands import DentelleCommand, add_wet_run
from dentelle.core.validators import normalise_cpv
from dentelle.decp.readers import DecpFileError
from dentelle.matching.description import LotDescription
from dentelle.matching.digest import run_digest
from dentelle.matching.evaluation import RECALL_AT, Evaluation, cross_validate
from dentelle.matching.places import resolve_place_text
from dentelle.matching.planfile import read_plan
from dentelle.matching.services import match_plan, ranked_structures

HELP_TOP = "nombre de structures affichées (défaut : %(default)s)"


class Command(DentelleCommand):
    help = (
        "Mise en relation lots ↔ SIAE. Sans sous-commande : classer les structures pour un lot décrit par "
        "--cpv, --place, --amount. Sous-commandes : plan FICHIER, evaluate --decp FICHIER, digest."
    )
    default_action = "lot"

    def add_arguments(self, parser):
        parser.add_argument("--cpv", help="code CPV du lot (ex. 77310000)")
        parser.add_argument(
            "--place", help="lieu d'exécution : commune, code INSEE, département, région, France"
        )
        parser.add_argument("--amount", type=float, help="montant annuel HT en euros")
        parser.add_argument("--text", default="", help="objet du lot (améliore la comparaison de texte)")
        parser.add_argument(
            "--nature",
            choices=["services", "works", "supplies"],
            default="services",
            help="nature : services, works (travaux), supplies (fournitures)",
        )
        parser.add_argument(
            "--reservation", default="", help="réservation : siae, disability, siae_and_disability…"
        )
        parser.add_argument("--top", type=int, default=10, help=HELP_TOP)
        parser.add_argument("--json", action="store_true", help="sortie JSON")
        sub = self.add_actions(parser, required=False, title="sous-commandes")
        plan = sub.add_parser(
            "plan", help="classer les structures pour chaque lot d'un fichier de programmation"
        )
        plan.add_argument("file", help="fichier CSV ou XLSX (colonnes objet, code CPV, montant, lieu)")
        plan.add_argument("--top", type=int, default=5, help=HELP_TOP)
        plan.add_argument("--json", action="store_true", help="sortie JSON")
        evaluate = sub.add_parser("evaluate", help="rang du vrai titulaire de marchés passés (DECP v1 ou v2)")
        evaluate.add_argument(
            "--decp", required=True, nargs="+", help="fichier(s) DECP JSON (gz ou non) ou CSV"
        )
        evaluate.add_argument("--top", type=int, default=10, help="nombre de pires cas affichés")
        evaluate.add_argument(
            "--cross-validate",
            action="store_true",
            help="réajuster les exposants en laissant de côté chaque titulaire tour à tour (validation croisée)",
        )
        evaluate.add_argument("--json", action="store_true", help="sortie JSON")
        digest = sub.add_parser("digest", help="envoyer aux structures les nouvelles opportunités")
        digest.add_argument(
            "--min-score", type=float, default=None, help="score minimal (défaut : seuil « capable »)"
        )
        add_wet_run(digest, "envoyer vraiment", otherwise="simple aperçu")

    def handle(self, *args, **options):
        self.handle_action(options)

    def emit_json(self, data):
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))

    def handle_lot(self, options):
        if not options["cpv"]:
            raise CommandError("Indiquez au moins --cpv CODE (et de préférence --place LIEU).")
        try:
            code = normalise_cpv(options["cpv"])
        except ValueError:
            raise CommandError(f"Code CPV mal formé : {options['cpv']!r} (8 chiffres attendus).") from None
        place = options["place"] or ""
        if place and resolve_place_text(place) is None:
            raise CommandError(f"Lieu introuvable dans les référentiels : {place!r}.")
        facts = LotDescription(
            cpv_codes=[code],
            annual_amount=options["amount"],
            place_text=place,
            nature=options["nature"],
            reservation_kind=options["reservation"],
            text=options["text"],
        )
        ranking = ranked_structures(facts, top=options["top"])
        if options["json"]:
            return self.emit_json(ranking)
        self.print_ranking(ranking)

    def print_ranking(self, ranking):
        place = ranking["place"]["name"] if ranking["place"] else "lieu non précisé"
        self.stdout.write(
            f"Lot CPV {', '.join(ranking['cpv_codes'])} · {place} · {ranking['mode_label']} — "
            f"{ranking['able_count']} structure(s) capable(s) sur {ranking['eligible_count']} admissibles"
        )
        for warning in ranking.get("warnings", []):
            self.stdout.write(f"Attention : {warning}")
        self.stdout.write(f"{'rang':>4}  {'score':>5}  {'type':<5} {'dép.':<4} {'structure':<48} raisons")
        for item in ranking["items"]:
            parts = " · ".join(f"{c['label'][:4].lower()} {c['value']:.2f}" for c in item["criteria"])
            self.stdout.write(
                f"{item['rank']:>4}  {item['percent']:>4}%  {item['kind']:<5} {item['department']:<4} "
                f"{item['name'][:48]:<48} {parts}"
            )

    def handle_plan(self, options):
        lots = read_plan(options["file"])
        if not lots:
            raise CommandError(f"{options['file']} : aucune ligne de lot.")
        results = match_plan([facts for _, facts in lots], top=options["top"])
        if options["json"]:
            return self.emit_json(
                [
                    {
                        "line": line,
                        "text": entry["facts"].text,
                        "cpv": entry["facts"].cpv_codes,
                        "place": entry["place"],
                        "able_count": entry["able_count"],
                        "warnings": entry["warnings"],
                        "structures": entry["structures"],
                    }
                    for (line, _), entry in zip(lots, results, strict=True)
                ]
            )
        for (line, facts), entry in zip(lots, results, strict=True):
            place = (
                entry["place"]["name"] if entry["place"] else f"lieu non résolu ({facts.place_text or '—'})"
            )
            self.stdout.write(
                f"Ligne {line} : {facts.text[:70]} · CPV {','.join(facts.cpv_codes) or '—'} · {place} "
                f"· {entry['able_count']} capable(s)"
            )
            for warning in entry["warnings"]:
                self.stdout.write(f"   Attention : {warning}")
            for s in entry["structures"]:
                self.stdout.write(
                    f"   {s['rank']:>2}. {round(100 * s['score']):>3}% {s['kind']:<5} {s['name'][:60]}"
                )

    def handle_evaluate(self, options):
        evaluation = Evaluation(keep_features=options["cross_validate"])
        for path in options["decp"]:
            try:
                evaluation.add_file(path)
            except DecpFileError as error:
                raise CommandError(str(error)) from None
        figures = evaluation.summary(options["top"])
        if options["cross_validate"]:
            cv, exponents = cross_validate(evaluation)
            figures["cross_validated"] = {"dentelle": cv, "exponents_fitted_on_all": exponents}
        if options["json"]:
            return self.emit_json({k: v for k, v in figures.items() if k != "all"})
        self.stdout.write(
            f"Marchés lus : {figures['records_read']} · tous comptés ; un titulaire absent, un lieu non "
            "résolu ou un code CPV manquant comptent comme un échec."
        )
        header = "".join(f"  rappel@{k:<3}" for k in RECALL_AT)
        self.stdout.write(f"{'classement':<44}{header}    MRR  rang médian")
        rows = [(figures["labels"][name], m) for name, m in figures["systems"].items()]
        if "cross_validated" in figures:
            rows.insert(
                1, ("Dentelle, validation croisée par titulaire", figures["cross_validated"]["dentelle"])
            )
        for label, m in rows:
            recalls = "".join(f"  {m['recall'][k]:>9.3f}" for k in RECALL_AT)
            median = m["median_rank"] if m["median_rank"] is not None else "—"
            self.stdout.write(f"{label:<44}{recalls}  {m['mrr']:.3f}  {median}")
        missing = {k: v for k, v in figures["misses"].items() if v}
        if missing:
            self.stdout.write(
                "Échecs comptés d'office : "
                + " ; ".join(f"{figures['miss_labels'][k]} : {v}" for k, v in missing.items())
            )
        if "cross_validated" in figures:
            exponents = figures["cross_validated"]["exponents_fitted_on_all"]
            self.stdout.write(
                "Exposants relatifs ajustés sur tout le fichier : "
                + ", ".join(f"{name} {value:.2f}" for name, value in exponents.items())
            )
        self.stdout.write("Pires cas (Dentelle) :")
        for case in figures["worst"]:
            rank = case["ranks"].get("dentelle")
            shown = (
                f"rang {rank:g}"
                if rank is not None
                else figures["miss_labels"].get(case["miss_reason"], "échec")
            )
            distance = (
                f"{case['distance_km']:g} km" if case["distance_km"] is not None else "distance inconnue"
            )
            self.stdout.write(
                f"  {shown} · {case['holder_name'][:40]} · CPV {case['cpv'] or '—'} · {case['place'][:40]} · "
                f"{distance} · {case['object'][:60]} · en tête : {', '.join(n[:25] for n in case['top_names'])}"
            )

    def handle_digest(self, options):
        summary = run_digest(options["min_score"], wet_run=options["wet_run"])
        for siae, entries, emails in summary["previews"]:
            self.stdout.write(f"{siae.display_name} ({', '.join(emails)}) : {len(entries)} opportunité(s)")
        verb = "envoyé(s)" if options["wet_run"] else "à envoyer (aperçu ; --wet-run pour envoyer)"
        self.stdout.write(
            f"{summary['structures']} courriel(s) {verb} · {summary['pairs']} opportunité(s) · "
            f"{summary['without_address']} structure(s) sans adresse · {summary['opted_out']} désabonnée(s) ignorée(s)"
        )
