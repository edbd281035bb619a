"""`dentelle allot FILE|--lot ID [--cpv C] [--lots N] [--max-km K] [--json]`: fine territorial allotment of
a multi-site contract on HiGHS, beside today's split by department (docs/adr/0008). With ``--lot`` the
sites are the stored lot's and the limits default to the lot page's (allotment_sites.lot_limits)."""

import json
from pathlib import Path

from django.core.management.base import CommandError

from dentelle.core.commands import DentelleCommand
from dentelle.core.formatting import format_amount as euros
from dentelle.core.formatting import format_hours, format_number, format_share
from dentelle.purchases.allotment_sites import allot_lot
from dentelle.purchases.allotment_supply import propose, resolver
from dentelle.purchases.models import Lot
from dentelle.purchases.sitefile import read_site_file


class Command(DentelleCommand):
    help = "Allotir finement un marché multi-sites (optimiseur HiGHS) et le comparer au découpage par département."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", help="Fichier de sites (CSV ou JSON, voir docs/plan-format.md)"
        )
        parser.add_argument(
            "--lot", type=int, help="Identifiant d'un lot enregistré avec ses sites (au lieu d'un fichier)"
        )
        parser.add_argument(
            "--cpv", default="77310000", help="Code CPV du marché (par défaut : espaces verts)"
        )
        parser.add_argument("--amount", type=float, help="Montant annuel HT du marché (sites sans montant)")
        parser.add_argument("--lots", type=int, help="Nombre maximal de lots (8 pour un fichier)")
        parser.add_argument("--min-lots", type=int, help="Nombre minimal de lots")
        parser.add_argument("--max-km", type=float, help="Distance maximale site → centre du lot (km)")
        parser.add_argument("--radius-km", type=float, help="Rayon des structures aptes (km, 30 par défaut)")
        parser.add_argument("--min-lot-amount", type=float)
        parser.add_argument(
            "--min-able",
            type=int,
            help="Structures aptes proches pour réserver un lot (règles : 2 par défaut)",
        )
        parser.add_argument("--max-lot-amount", type=float)
        parser.add_argument(
            "--same", choices=["department", "ept", "epci"], help="Lots dans un même territoire"
        )
        parser.add_argument("--time-limit", type=float, help="Limite de temps du solveur (s, 10 par défaut)")
        parser.add_argument("--json", action="store_true", help="Sortie JSON")

    def handle(self, *args, **options):
        limits = {
            "min_lots": options["min_lots"],
            "max_lots": options["lots"],
            "min_lot_amount": options["min_lot_amount"],
            "max_lot_amount": options["max_lot_amount"],
            "max_km": options["max_km"],
            "same_unit": options["same"],
            "radius_km": options["radius_km"],
            "time_limit": options["time_limit"],
            "min_able": options["min_able"],
        }
        for key, option, low in (
            ("min_lots", "--min-lots", 1),
            ("max_lots", "--lots", 1),
            ("time_limit", "--time-limit", 0.1),
            ("radius_km", "--radius-km", 0.1),
            ("min_able", "--min-able", 1),
        ):
            if limits[key] is not None and limits[key] < low:
                raise CommandError(f"{option} doit valoir au moins {low:g}.")
        if options["lot"] is not None:
            if options["file"]:
                raise CommandError("Donnez soit un fichier de sites, soit --lot, pas les deux.")
            lot, (params, sites, structures, best, base) = self._stored_lot(options["lot"], limits)
            if not options["json"]:
                self.stdout.write(f"Lot {lot.pk} — {lot.title}")
        else:
            if not options["file"]:
                raise CommandError("Donnez un fichier de sites (CSV ou JSON) ou --lot ID.")
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(f"Fichier introuvable : {path}")
            rows, report = read_site_file(path.read_bytes(), path.name, resolver())
            if not report.ok:
                raise CommandError("Fichier de sites refusé :\n" + "\n".join(str(p) for p in report.errors))
            defaults = {"max_lots": 8, "time_limit": 10.0}
            values = {k: v for k, v in limits.items() if v is not None}
            params, sites, structures, best, base = propose(
                rows, options["cpv"], amount=options["amount"], **{**defaults, **values}
            )
        if options["json"]:
            out = {"sites": len(sites), "able_structures": len(structures)}
            out["optimiser"], out["baseline"] = best.as_dict(params), base.as_dict(params)
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))
            return
        self.stdout.write(
            f"{format_number(len(sites))} sites, {format_number(len(structures))} SIAE aptes géolocalisées"
        )
        for proposal in (best, base):
            self.stdout.write(f"\n== {proposal.method} ==")
            if not proposal.ok:
                self.stdout.write(f"Impossible : {proposal.error}")
                continue
            if proposal.gap is not None:
                self.stdout.write(
                    f"Statut : {proposal.status}, écart d'optimalité {format_share(proposal.gap, 2)}"
                )
            for lot in proposal.lots:
                self.stdout.write(
                    f"{lot.label} : {len(lot.sites)} sites, {euros(lot.amount)}, {lot.able} structures aptes, "
                    f"{lot.measure}{f' ({format_hours(lot.hours)})' if lot.hours else ''}, "
                    f"site le plus loin à {format_number(lot.max_km, 1)} km — {lot.reason}"
                )
            fig = proposal.figures(params)
            self.stdout.write(
                f"Part du montant dans des lots avec ≥ {params.min_able} structures aptes : "
                f"{format_share(fig['able_share'])} ; réservables : {fig['reserved_lots']} lots "
                f"({format_share(fig['reserved_share'])}) ; heures d'insertion : {format_hours(fig['hours'])} ; "
                f"distance maximale : {format_number(fig['max_km'], 1)} km ; distance moyenne pondérée : "
                f"{format_number(fig['mean_km'], 1)} km"
            )

    def _stored_lot(self, pk, limits):
        lot = Lot.objects.select_related("operation__buyer_service__organisation").filter(pk=pk).first()
        if lot is None:
            raise CommandError(f"Lot {pk} introuvable.")
        if not lot.sites.exists():
            raise CommandError(
                f"Le lot {pk} n'a aucun site : donnez-les par la feuille « sites » de la programmation "
                "ou sur la page du lot."
            )
        return lot, allot_lot(lot, **limits)
