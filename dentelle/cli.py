"""`dentelle` console script: a thin wrapper over Django management commands.

`dentelle referentials load --wet-run` runs `manage.py referentials load --wet-run`, and so on.
"""

import os
import sys

COMMANDS = {
    "referentials": "Référentiels : charger, état, résoudre un lieu, chercher un code CPV",
    "siaes": "Annuaire des SIAE : importer, statistiques, marchés remportés (contracts-won)",
    "plan": "Programmation des achats : importer un fichier",
    "scan": "Balayer un fichier de programmation et produire le rapport",
    "hours": "Heures d'insertion : estimer",
    "insertion": "Suivi des clauses : déclarations, purge des données personnelles",
    "match": "Mise en relation lots ↔ SIAE",
    "decp": "Données essentielles de la commande publique",
    "demo": "Charger les données de démonstration",
    "allot": "Allotissement fin d'un marché multi-sites (optimiseur HiGHS)",
    "serve": "Servir l'application comme en production (gunicorn, fichiers statiques)",
    "worker": "Exécuter les travaux de fond (imports, balayages, exports, lettre, purge)",
}


# Commands kept under the name users know while their code lives in another app (layering:
# `siaes` cannot import `decp`).
ALIASES = {("siaes", "contracts-won"): ["decp", "contracts-won"]}


def usage():
    lines = ["Usage : dentelle COMMANDE [options]", "", "Commandes :"]
    lines += [f"  {name:<14}{help_text}" for name, help_text in COMMANDS.items()]
    lines += ["", "Toute autre commande Django est aussi acceptée (migrate, createsuperuser…).", ""]
    lines += ["Aide d'une commande : dentelle COMMANDE --help"]
    return "\n".join(lines)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(usage())
        return 0
    argv = ALIASES.get(tuple(argv[:2]), argv[:2]) + argv[2:]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # lazy: `dentelle` and `dentelle --help` answer without loading Django
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import InterfaceError, OperationalError

    try:
        execute_from_command_line(["dentelle", *argv])
    except ImproperlyConfigured as exc:  # settings unusable (SECRET_KEY, DATABASE_URL): say why, no traceback
        print(f"Erreur de configuration : {exc}", file=sys.stderr)
        return 2
    except (OperationalError, InterfaceError) as exc:  # database down, unreachable or not migrated
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(
            "Erreur : base de données injoignable ou incomplète "
            f"({first_line}). Vérifiez DATABASE_URL, que le serveur répond, puis « dentelle migrate ».",
            file=sys.stderr,
        )
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
