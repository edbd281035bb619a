"""Yearly report of the social clauses (domain §7.2). Aggregates only: no pseudonym, no personal field.

Scope: validated hours of the year on the organisation's contracts, and the beneficiaries who worked
them. Shares are of beneficiaries. Publics are one vocabulary, the clause's (``ClauseCategory``, French
labels): IAE criteria count under the public they describe (``enums.clause_publics``), each beneficiary
once per public — « young without qualification » is the category, or the criteria JEUNE and CAP_BEP.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Sum

from dentelle.core.exports import xlsx_bytes
from dentelle.core.formatting import format_number
from dentelle.insertion.enums import (
    EMPLOYMENT_OUTCOMES,
    ClauseCategory,
    ExitOutcome,
    FulfilmentMode,
    clause_publics,
)
from dentelle.insertion.models import Beneficiary, Contract, HoursDeclaration


@dataclass
class YearReport:
    organisation: str
    year: int
    summary: list = field(default_factory=list)  # (label, value)
    tables: list = field(default_factory=list)  # (title, header, rows)

    def xlsx(self):
        sheets = [("Synthèse", ["Indicateur", "Valeur"], self.summary)]
        return xlsx_bytes(sheets + self.tables)

    # The page shows French numbers (« 24 028,1 »); the XLSX keeps numbers a spreadsheet can sum.
    @property
    def display_summary(self):
        return [(label, _display(value, year=label == "Année")) for label, value in self.summary]

    @property
    def display_tables(self):
        return [
            (title, header, [[_display(cell) for cell in row] for row in rows])
            for title, header, rows in self.tables
        ]


def _display(value, year=False):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or year:
        return value
    return format_number(value, 0 if isinstance(value, int) else 1)


def _pct(part, total):
    return round(100 * part / total, 1) if total else 0.0


def _h(value):
    return round(float(value or 0), 1)


def is_young_without_qualification(b):
    return ClauseCategory.YOUTH_LOW_QUALIFICATION in clause_publics(b["clause_categories"], b["iae_criteria"])


def build_report(organisation, year):
    realised = HoursDeclaration.objects.realised().filter(
        contract__organisation=organisation, month__gte=date(year, 1, 1), month__lte=date(year, 12, 31)
    )
    per_pair = list(
        realised.values_list("contract_id", "beneficiary_id", "fulfilment_mode")
        .annotate(h=Sum("hours"))
        .order_by()
    )
    contract_ids = {c for c, _, _, _ in per_pair}
    contracts = {
        c.pk: c for c in Contract.objects.filter(pk__in=contract_ids).select_related("buyer_service")
    }
    beneficiary_hours = defaultdict(float)
    for _, b, _, h in per_pair:
        beneficiary_hours[b] += float(h)
    beneficiaries = list(
        Beneficiary.objects.filter(pk__in=beneficiary_hours).values(
            "pk",
            "sex",
            "age_band",
            "is_qpv",
            "department_code",
            "clause_categories",
            "iae_criteria",
            "employment_months",
            "exit_outcome",
        )
    )
    n = len(beneficiaries)
    total = sum(beneficiary_hours.values())
    women = sum(1 for b in beneficiaries if b["sex"] == "F")
    qpv = sum(1 for b in beneficiaries if b["is_qpv"])
    young = sum(1 for b in beneficiaries if is_young_without_qualification(b))
    durations = [float(b["employment_months"]) for b in beneficiaries if b["employment_months"] is not None]
    exits = Counter(b["exit_outcome"] for b in beneficiaries)
    exited = n - exits.get(ExitOutcome.ONGOING, 0)
    employed = sum(exits.get(o, 0) for o in EMPLOYMENT_OUTCOMES)

    report = YearReport(str(organisation), year)
    report.summary = [
        ("Année", year),
        ("Heures d'insertion réalisées (validées)", _h(total)),
        ("Bénéficiaires", n),
        ("Marchés avec heures réalisées", len(contract_ids)),
        ("Contrats de travail des bénéficiaires (durée connue)", len(durations)),
        ("Durée moyenne des contrats (mois)", round(sum(durations) / len(durations), 1) if durations else 0),
        ("Part de femmes (%)", _pct(women, n)),
        ("Part de résidents QPV (%)", _pct(qpv, n)),
        ("Part de jeunes de moins de 26 ans sans qualification (%)", _pct(young, n)),
        ("Sorties : part en emploi (%)", _pct(employed, exited)),
    ]

    by_public = Counter()
    hours_by_public = defaultdict(float)
    for b in beneficiaries:
        for public in clause_publics(b["clause_categories"], b["iae_criteria"]):
            by_public[public] += 1
            hours_by_public[public] += beneficiary_hours[b["pk"]]
    report.tables.append(
        (
            "Par public éligible (un bénéficiaire peut relever de plusieurs publics)",
            ["Public éligible", "Bénéficiaires", "Part des bénéficiaires (%)", "Heures"],
            [
                [public.label, count, _pct(count, n), _h(hours_by_public[public])]
                for public, count in sorted(by_public.items(), key=lambda kv: (-kv[1], kv[0].label))
            ],
        )
    )

    def grouped(title, first_col, key_of):
        hours, people = defaultdict(float), defaultdict(set)
        for contract_id, b, _, h in per_pair:
            key = key_of(contracts[contract_id]) or "Non renseigné"
            hours[key] += float(h)
            people[key].add(b)
        rows = [[k, _h(v), len(people[k])] for k, v in sorted(hours.items(), key=lambda kv: -kv[1])]
        report.tables.append((title, [first_col, "Heures", "Bénéficiaires"], rows))

    grouped("Par département", "Département d'exécution", lambda c: c.department_code)
    grouped("Par grand projet", "Grand projet ou opération", lambda c: c.project_name)
    grouped("Par acheteur", "Service acheteur", lambda c: c.buyer_service.name if c.buyer_service else "")
    mode_hours = defaultdict(float)
    for _, _, mode, h in per_pair:
        mode_hours[mode] += float(h)
    report.tables.append(
        (
            "Par modalité",
            ["Modalité", "Heures"],
            [[FulfilmentMode(m).label, _h(v)] for m, v in sorted(mode_hours.items(), key=lambda kv: -kv[1])],
        )
    )
    report.tables.append(
        (
            "Sorties",
            ["Situation à la sortie", "Bénéficiaires", "Part des sorties (%)"],
            [
                [ExitOutcome(o).label, exits.get(o, 0), _pct(exits.get(o, 0), exited) if o else ""]
                for o in ExitOutcome.values
            ],
        )
    )
    return report
