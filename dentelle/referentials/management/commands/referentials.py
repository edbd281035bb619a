"""`dentelle referentials load|status|resolve-place|cpv`."""

import json
import time

from django.conf import settings
from django.core.management.base import CommandError

from dentelle.core.commands import DentelleCommand, add_wet_run, warn_simulation
from dentelle.referentials.index import get_index
from dentelle.referentials.loaders import LOADERS, ReferenceFileError, load_referentials
from dentelle.referentials.places import resolve_place
from dentelle.referentials.status import referential_status


class Command(DentelleCommand):
    help = "Référentiels : charger les fichiers de référence, afficher l'état, résoudre un lieu, chercher un code CPV."

    def add_arguments(self, parser):
        sub = self.add_actions(parser)
        load = sub.add_parser("load", help="Charger CPV, territoires et NAF (simulation par défaut).")
        load.add_argument(
            "--data-dir", default=None, help="Dossier des fichiers de référence (défaut : DENTELLE_DATA_DIR)."
        )
        add_wet_run(load, "Enregistrer réellement")
        load.add_argument(
            "--if-changed",
            action="store_true",
            help="Ne recharger que les fichiers modifiés depuis le dernier chargement.",
        )
        load.add_argument("--only", default="", help="Liste parmi cpv,geo,naf (défaut : tous).")
        status = sub.add_parser("status", help="Référentiels chargés : nombres de lignes et versions.")
        status.add_argument("--json", action="store_true", help="Sortie JSON.")
        place = sub.add_parser("resolve-place", help="Trouver le territoire désigné par un lieu d'exécution.")
        place.add_argument(
            "text", help="Lieu en texte libre, par ex. « 75013 Paris » ou « Département des Yvelines »."
        )
        place.add_argument("--code", default=None, help="Code associé (code postal, INSEE, département…).")
        place.add_argument("--json", action="store_true", help="Sortie JSON.")
        cpv = sub.add_parser("cpv", help="Afficher un code CPV ou chercher par libellé.")
        cpv.add_argument("query", help="Code (77310000, 77310000-6, 773100006) ou mots du libellé.")
        cpv.add_argument("--limit", type=int, default=20, help="Nombre maximum de résultats (défaut : 20).")
        cpv.add_argument("--json", action="store_true", help="Sortie JSON.")

    def handle(self, *args, **options):
        self.handle_action(options)

    def handle_load(self, options):
        only = [name.strip() for name in options["only"].split(",") if name.strip()]
        unknown = [name for name in only if name not in LOADERS]
        if unknown:
            raise CommandError(
                f"Référentiel inconnu : {', '.join(unknown)} (choisir parmi {', '.join(LOADERS)})."
            )
        data_dir = options["data_dir"] or settings.DENTELLE_DATA_DIR
        wet_run = options["wet_run"]
        started = time.perf_counter()
        try:
            outcomes = load_referentials(
                data_dir, only=only or None, wet_run=wet_run, if_changed=options["if_changed"]
            )
        except ReferenceFileError as exc:
            raise CommandError(f"{exc}. La base n'a pas été modifiée.")
        failed = []
        for outcome in outcomes:
            if outcome.skipped:
                self.stdout.write(f"{outcome.name} : déjà à jour ({outcome.version}), ignoré.")
                continue
            self.stdout.write(f"{outcome.name} : {outcome.version}")
            for key, value in outcome.report.counts.items():
                self.stdout.write(f"  {key} : {value}")
            for problem in outcome.report.problems[:50]:
                self.stdout.write(f"  - {getattr(problem, 'file', outcome.report.source)}, {problem}")
            if len(outcome.report.problems) > 50:
                self.stdout.write(f"  … et {len(outcome.report.problems) - 50} autres signalements.")
            if not outcome.report.ok:
                failed.append(outcome)
        elapsed = time.perf_counter() - started
        if failed:
            first = failed[0].report.errors[0]
            where = getattr(first, "file", failed[0].report.source)
            total = sum(len(outcome.report.errors) for outcome in failed)
            raise CommandError(
                f"Chargement annulé : {total} erreur(s) ; première erreur dans {where}, {first}. "
                "La base n'a pas été modifiée."
            )
        if all(outcome.skipped for outcome in outcomes):
            self.stdout.write(self.style.SUCCESS("Référentiels déjà à jour : rien à recharger."))
        elif wet_run:
            self.stdout.write(self.style.SUCCESS(f"Référentiels enregistrés en {elapsed:.1f} s."))
        else:
            warn_simulation(self, "charger")

    def handle_status(self, options):
        rows = referential_status()
        if options["json"]:
            for row in rows:
                row["loaded_at"] = row["loaded_at"].isoformat() if row["loaded_at"] else None
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            loaded = row["loaded_at"].strftime("%d/%m/%Y %H:%M") if row["loaded_at"] else "jamais chargé"
            self.stdout.write(f"{row['label']:<28} {row['count']:>7}  {row['version'] or '—'}  ({loaded})")

    def handle_resolve_place(self, options):
        place = resolve_place(options["text"], code=options["code"])
        if options["json"]:
            self.stdout.write(json.dumps(place.as_dict() if place else None, ensure_ascii=False, indent=2))
            return
        if place is None:
            self.stdout.write(f"Aucun territoire trouvé pour « {options['text']} ».")
            return

        index = get_index()
        self.stdout.write(place.describe_with_names(index.department_name, index.region_name))

    def handle_cpv(self, options):
        index = get_index()
        found = index.search_cpv(options["query"], limit=options["limit"])
        if options["json"]:
            self.stdout.write(
                json.dumps([cpv_as_dict(index, info) for info in found], ensure_ascii=False, indent=2)
            )
            return
        if not found:
            self.stdout.write(f"Aucun code CPV trouvé pour « {options['query']} ».")
            return
        for info in found:
            self.stdout.write(f"{info.full_code}  {info.label_fr}  [{info.level}]")
            if len(found) == 1:
                if info.label_en:
                    self.stdout.write(f"  anglais : {info.label_en}")
                for ancestor in index.cpv_ancestors(info.code):
                    self.stdout.write(f"  ↑ {ancestor}  {index.cpv_label(ancestor)}")


def cpv_as_dict(index, info):
    return {
        "code": info.code,
        "full_code": info.full_code,
        "label_fr": info.label_fr,
        "label_en": info.label_en,
        "level": info.level,
        "parent": info.parent,
        "ancestors": index.cpv_ancestors(info.code),
    }
