"""The common record of every DECP format, and the problems found while reading one."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dentelle.decp import repair

SOCIAL_VALUES = ("Clause sociale", "Critère social", "Marché réservé", "Pas de considération sociale")
NO_SOCIAL = "Pas de considération sociale"
ENVIRONMENTAL_VALUES = (
    "Clause environnementale",
    "Critère environnemental",
    "Pas de considération environnementale",
)


@dataclass(frozen=True)
class Holder:
    """A contract holder (titulaire) or concession holder (concessionnaire)."""

    id: str  # SIRET when id_type == "SIRET", else the published identifier
    id_type: str  # "SIRET", "TVA", "HORS-UE"… as published
    name: str = ""  # v1 only: v2 publishes no name

    @property
    def siret(self):
        return self.id if self.id_type.upper() == "SIRET" and len(self.id) == 14 and self.id.isdigit() else ""


@dataclass(frozen=True)
class SubcontractingAct:
    """A v2 « acte spécial de sous-traitance »: who the subcontractor is and for how much."""

    subcontractor_id: str
    id_type: str
    amount: Decimal | None = None

    @property
    def siret(self):
        return Holder(self.subcontractor_id, self.id_type).siret


@dataclass(frozen=True)
class DecpRecord:
    index: int  # 1-based position of the record in its file
    id: str
    uid: str
    kind: str  # "marche" or "concession"
    format_version: str  # "1" or "2"
    source: str
    buyer_siret: str
    buyer_name: str
    nature: str
    object: str
    cpv: str  # 8 digits, "" when missing or invalid
    procedure: str
    place_code: str
    place_type: str
    place_name: str
    duration_months: int | None
    notification_date: date | None
    amount: Decimal | None
    holders: tuple[Holder, ...] = ()
    social_considerations: tuple[str, ...] = ()  # v2 only; empty for v1
    environmental_considerations: tuple[str, ...] = ()
    subcontracting_acts: tuple[SubcontractingAct, ...] = ()
    text_flag: str = ""  # « texte réparé » / « texte altéré à la source » (dentelle.decp.repair)

    def __post_init__(self):
        # Every reader builds its records here: the publisher's broken accents are repaired once, on read.
        repair.repair_record(self)

    @property
    def has_social_consideration(self):
        """True/False for v2 records, None when the format cannot say (v1)."""
        if not self.social_considerations:
            return None
        return any(value != NO_SOCIAL for value in self.social_considerations)

    @property
    def cpv_division(self):
        return self.cpv[:2]


@dataclass(frozen=True)
class DecpProblem:
    index: int
    field: str
    reason: str
    record_id: str = ""

    def __str__(self):
        record = f" ({self.record_id})" if self.record_id else ""
        return f"enregistrement n° {self.index}{record}, champ « {self.field} » : {self.reason}"


class ProblemLog:
    """A ``problems`` sink that counts every problem but keeps only the first ``limit`` (constant memory)."""

    def __init__(self, limit=200):
        self.limit = limit
        self.kept = []
        self.total = 0
        self.by_field = {}

    def append(self, problem):
        self.total += 1
        self.by_field[problem.field] = self.by_field.get(problem.field, 0) + 1
        if len(self.kept) < self.limit:
            self.kept.append(problem)

    def __len__(self):
        return self.total

    def __iter__(self):
        return iter(self.kept)
