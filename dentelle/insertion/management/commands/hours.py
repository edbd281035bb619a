import json
from decimal import Decimal, InvalidOperation

from django.core.management.base import CommandError

from dentelle.core.commands import DentelleCommand
from dentelle.core.validators import normalise_cpv
from dentelle.rules import default_rules, family_for_cpv, hours


class Command(DentelleCommand):
    help = "Heures d'insertion : estimer le volume d'une clause sociale."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="actions")
        est = sub.add_parser("estimate", help="Estimer les heures d'insertion d'un lot.")
        est.add_argument("--amount", required=True, help="Montant HT du lot en euros (ex. 1000000)")
        est.add_argument("--cpv", help="Code CPV du lot : les paramètres viennent de sa famille de métiers")
        est.add_argument("--labour-share", help="Part de main-d'œuvre (ex. 0.5)")
        est.add_argument("--rate", help="Taux d'insertion (ex. 0.05)")
        est.add_argument("--hourly-cost", help="Coût horaire chargé en euros (ex. 30)")
        est.add_argument("--duration-months", type=int, help="Durée du lot en mois (variante propreté)")
        est.add_argument(
            "--transferred-hours", help="Heures mensuelles du personnel à reprendre (variante propreté)"
        )
        est.add_argument("--rounding", choices=["half_up", "down", "up"], help="Règle d'arrondi des heures")
        est.add_argument("--json", action="store_true", help="Sortie JSON")

    def handle(self, *args, **options):
        manual = [options["labour_share"], options["rate"], options["hourly_cost"]]
        amount = _number(options["amount"], "--amount")
        rules = default_rules()
        rounding = options["rounding"] or rules.rounding
        if options["cpv"]:
            if any(manual):
                raise CommandError(
                    "Choisir soit --cpv, soit --labour-share/--rate/--hourly-cost, pas les deux."
                )
            try:
                cpv = normalise_cpv(options["cpv"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            family = family_for_cpv(cpv, rules)
            if family is None:
                raise CommandError(
                    f"Aucune famille de métiers pour le code CPV {cpv} : donner --labour-share, --rate et --hourly-cost."
                )
            result = hours.estimate_for_family(
                amount,
                family,
                duration_months=options["duration_months"],
                transferred_staff_monthly_hours=options["transferred_hours"]
                and _number(options["transferred_hours"], "--transferred-hours"),
                rounding=rounding,
            )
        elif all(manual):
            result = hours.estimate_standard(
                amount,
                _number(options["labour_share"], "--labour-share"),
                _number(options["rate"], "--rate"),
                _number(options["hourly_cost"], "--hourly-cost"),
                rounding=rounding,
            )
        else:
            raise CommandError(
                "Donner --cpv CODE, ou bien les trois : --labour-share, --rate et --hourly-cost."
            )
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"Heures d'insertion : {result.hours if result.hours is not None else 'non estimables'}"
        )
        self.stdout.write(f"  {result.reason}")
        self.stdout.write("  Chiffres utilisés :")
        for figure in result.figures:
            value = "—" if figure.value is None else _short(figure.value)
            self.stdout.write(f"    {figure.label} : {value}  [{figure.source}]")
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"  ! {warning}"))


def _number(text, option):
    try:
        value = Decimal(str(text).replace(",", ".").replace(" ", ""))
    except InvalidOperation as exc:
        raise CommandError(f"{option} : nombre attendu ({text!r}).") from exc
    if not value.is_finite() or value < 0:
        raise CommandError(f"{option} : nombre positif attendu ({text!r}).")
    return value


def _short(value):
    text = f"{value:f}"
    if "." in text:
        integer, decimals = text.split(".")
        text = integer + "," + decimals[:4].rstrip("0") if decimals[:4].rstrip("0") else integer
    return text
