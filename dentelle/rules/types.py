# pure: no database
"""The rules as values (pure: stdlib and the shared enums): parameters with their source, trade families, the rules set.

Every parameter is a ``Param`` carrying its value (``Decimal`` or ``None`` when unknown), its source
and its tag (Law / Practice / Verify). A missing value is never replaced by a neighbour's: callers
get ``None`` and a French warning to show (domain.md §4.3).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dentelle.rules.enums import FulfilmentMode

TAGS = {"Law", "Practice", "Verify"}
METHODS = {"standard", "cleaning", "billed_hours"}
# The values insertion contracts store: the TOML names them the same way, the loader checks it.
FULFILMENT_MODES = frozenset(FulfilmentMode.values)
FAMILY_PARAMS = ("labour_share", "insertion_rate", "loaded_hourly_cost", "floor_hours")
ROUNDINGS = {"half_up", "down", "up"}
NATURES = {"works", "services", "supplies"}


class RulesError(ValueError):
    """A rules file is invalid; the message names the file and the key, in French."""


@dataclass(frozen=True)
class Param:
    value: Decimal | None
    source: str
    tag: str = "Practice"
    overridden_by: str = ""

    @property
    def missing(self):
        return self.value is None


@dataclass(frozen=True)
class Ceiling:
    """A plausibility ceiling on proposed insertion hours (plausibility.toml): the hours, their source,
    and the French reason shown when a volume is capped."""

    hours: Param
    rationale: str


@dataclass(frozen=True, eq=False)
class TradeFamily:
    id: str
    label: str
    cpv_prefixes: tuple[str, ...]
    keywords: tuple[str, ...]
    method: str
    fit_for_siae: bool
    fit_source: str
    fulfilment_modes: tuple[str, ...]
    tag: str
    valid_from: date | None
    valid_to: date | None
    params: dict[str, Param]
    new_sector: bool = False
    support_jobs: tuple[str, ...] = ()

    def param(self, name):
        return self.params[name]

    def missing_warnings(self):
        return [
            f"Famille « {self.label} » : {PARAM_LABELS[name]} inconnu(e) ({p.source})."
            for name, p in self.params.items()
            if p.missing and name != "floor_hours"
        ]


PARAM_LABELS = {
    "labour_share": "part de main-d'œuvre",
    "insertion_rate": "taux d'insertion",
    "loaded_hourly_cost": "coût horaire chargé",
    "floor_hours": "plancher d'heures",
    "turnover_per_labour_hour": "chiffre d'affaires par heure travaillée (C)",
    "amount": "montant HT",
    "duration_months": "durée en mois",
}

# The scanner's practice parameters (thresholds.toml [screening]), as the parameters page names them.
SCREENING_LABELS = {
    "min_able_structures": "structures capables au minimum par lot",
    "max_lot_share_of_capacity": "part maximale de la capacité des structures qu'un lot peut prendre",
    "default_capacity_per_structure": "capacité retenue par structure, faute de donnée (€ HT par an)",
    "annual_objective_hours": "objectif annuel d'heures d'insertion",
    "allotment_min_lot_amount": "montant minimal d'un lot territorial (€ HT)",
    "award_criterion_max_hours": "heures sous lesquelles un critère d'attribution convient mieux",
    "clause_min_duration_months": "durée minimale d'un marché pour une clause (mois)",
    "labour_intensive_min_share": "part de main-d'œuvre d'un secteur à forte main-d'œuvre",
    "allotment_min_departments": "départements au minimum pour proposer un allotissement",
    "allotment_min_sites": "sites au minimum pour proposer un allotissement",
}
# plausibility.toml's natures (purchases.enums.Nature's values, which rules does not import).
NATURE_LABELS = {"works": "travaux", "services": "services", "supplies": "fournitures"}


def parameter_label(path, rules):
    """A parameter path as the parameters page names it: « family.vocational_training.labour_share » →
    « Formation professionnelle — part de main-d'œuvre »; an unknown path is returned as is."""
    head, _dot, rest = path.partition(".")
    if head == "family":
        family_id, _dot, name = rest.partition(".")
        family = rules.family(family_id)
        if family is not None and name:
            return f"{family.label} — {PARAM_LABELS.get(name, name)}"
    if head == "screening" and rest:
        return f"Balayage — {SCREENING_LABELS.get(rest, rest)}"
    if head == "plausibility" and rest:
        return f"Plafond d'heures — {NATURE_LABELS.get(rest, rest)}"
    return path


@dataclass(frozen=True, eq=False)
class Rules:
    families_version: str
    thresholds_version: str
    families: tuple[TradeFamily, ...]
    rounding: str
    rounding_note: str
    rounding_source: str
    eu_thresholds: tuple[dict, ...]
    dispenses: tuple[dict, ...]
    small_lots: tuple[dict, ...]
    obligations: tuple[dict, ...]
    reservation_shares: tuple[dict, ...]
    screening: dict[str, Param]
    plausibility: dict = field(default_factory=dict)  # nature → Ceiling (plausibility.toml)
    plausibility_version: str = ""
    _prefix_index: dict = field(default_factory=dict, compare=False, repr=False)
    _family_by_cpv: dict = field(default_factory=dict, compare=False, repr=False)  # memo of family_for_cpv

    @property
    def versions(self):
        versions = {"trade_families": self.families_version, "thresholds": self.thresholds_version}
        if self.plausibility_version:
            versions["plausibility"] = self.plausibility_version
        return versions

    def family(self, family_id):
        for family in self.families:
            if family.id == family_id:
                return family
        return None


def with_cpv_index(rules):
    """``rules`` with its CPV prefix → family index (re)built and its lookup memo emptied."""
    index = {}
    for family in rules.families:
        for prefix in family.cpv_prefixes:
            index.setdefault(prefix, family)
    rules._prefix_index.clear()
    rules._prefix_index.update(index)
    rules._family_by_cpv.clear()
    return rules
