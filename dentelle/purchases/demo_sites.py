"""Demo: two region-wide maintenance contracts over the lycées of Île-de-France, with their sites.

The site list is ILLUSTRATIVE, not the published list of lycées: one lycée per started 40,000
inhabitants in every real Île-de-France commune (or Paris arrondissement) of at least 10,000
inhabitants of the referentials (COG 2026, ../shared/data/geo), at the commune's centre; names and
pupil counts are made up (deterministic). The pages and the operation say so.
"""

import hashlib
from datetime import date
from decimal import Decimal

from dentelle.core.importing import ImportReport, run_import
from dentelle.purchases.allotment_sites import replace_lot_sites
from dentelle.purchases.importer import import_plan
from dentelle.purchases.models import Operation
from dentelle.purchases.plan_data import LotData, OperationData, PlanData
from dentelle.purchases.services import scan_operations
from dentelle.purchases.sitefile import SiteRow
from dentelle.referentials.models import Commune

CLEANING_REFERENCE = "DL-2027-NETTOYAGE-LYCEES"
GREEN_REFERENCE = "DL-2027-ESPACES-VERTS-LYCEES"
ILLUSTRATIVE = (
    "Liste de sites illustrative (pas la liste publiée des lycées) : un lycée par tranche entamée de "
    "40 000 habitants dans chaque commune francilienne réelle de plus de 10 000 habitants (référentiel "
    "COG 2026), placé au centre de la commune ; noms et effectifs inventés pour la démonstration."
)
CLEANING_ANNUAL = Decimal("1200000")
GREEN_ANNUAL = Decimal("1000000")


def _draw(*parts):
    """A deterministic number in [0, 1) from text (same demo on every machine)."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def lycees():
    """[(name, commune, pupils)] of the illustrative lycées, communes from the referentials."""

    communes = (
        Commune.objects.filter(region_id="11", kind__in=("COM", "ARM"), population__gte=10_000)
        .exclude(insee_code="75056")  # Paris: its arrondissements are listed instead
        .exclude(latitude=None)
        .order_by("insee_code")
    )
    out = []
    for commune in communes:
        count = 1 + (commune.population - 1) // 40_000
        for k in range(count):
            suffix = f" n° {k + 1}" if count > 1 else ""
            pupils = 500 + round(1500 * _draw(commune.insee_code, k))
            out.append((f"Lycée de {commune.name}{suffix} (fictif)", commune, pupils))
    return out


def _rows(entries, annual):
    total = sum(pupils for _, _, pupils in entries) or 1
    rows = []
    for line, (name, commune, pupils) in enumerate(entries, start=1):
        rows.append(
            SiteRow(
                line,
                name,
                commune_code=commune.insee_code,
                commune_name=commune.name,
                latitude=commune.latitude,
                longitude=commune.longitude,
                amount=float((annual * pupils / total).quantize(Decimal("0.01"))),
                weight=float(pupils),
                department=commune.department_id,
            )
        )
    return rows


def cleaning_rows():
    return _rows(lycees(), CLEANING_ANNUAL)


def green_space_rows():
    """Lycées with grounds to keep: outside Paris, three in four (drawn)."""
    entries = [
        e
        for e in lycees()
        if e[1].department_id != "75" and _draw("espaces verts", e[0], e[1].insee_code) < 0.75
    ]
    return _rows(entries, GREEN_ANNUAL)


def _regional_maintenance(year, reference, title, description, cpv, annual, **lot_facts):
    """A four-year maintenance contract over the lycées of the whole region: one lot ``title``, ``annual`` €
    a year, from September of ``year``."""
    return OperationData(
        reference=reference,
        title=f"{title} (exemple de démonstration)",
        service="DL",
        nature="services",
        description=description,
        duration_months=48,
        launch_date=date(year, 9, 1),
        places="Île-de-France",
        lots=[
            LotData(
                number="1",
                title=title,
                cpv=cpv,
                amount=annual * 4,
                annual_amount=annual,
                duration_months=48,
                place="Île-de-France",
                place_code="11",
                place_kind_hint="Code région",
                **lot_facts,
            )
        ],
    )


def regional_cleaning_operation(year):
    """Illustrative (not from the DECP): a region-wide maintenance contract, the allotment case of domain.md
    §1; its sites are illustrative too."""
    return _regional_maintenance(
        year,
        CLEANING_REFERENCE,
        "Nettoyage des locaux des lycées franciliens",
        "Marché régional d'entretien : cible de l'allotissement territorial (GRAFIE, « La Région s'engage "
        "pour développer ses achats socialement responsables en direction de l'IAE »).",
        "90919300",
        CLEANING_ANNUAL,
        transferred_staff_monthly_hours=Decimal("1500"),
    )


def green_space_operation(year):
    """Illustrative: the « 4 M€ green-space contract for the lycées of Île-de-France » of issue 13."""
    return _regional_maintenance(
        year,
        GREEN_REFERENCE,
        "Entretien des espaces verts des lycées franciliens",
        "Marché régional d'entretien multi-sites : cible de l'allotissement fin. " + ILLUSTRATIVE,
        "77310000",
        GREEN_ANNUAL,
    )


def load_demo_sites(plan, organisation, stdout):
    """Create the two multi-site operations if missing, store their sites, scan them (idempotent)."""
    year = plan.year
    builders = {
        CLEANING_REFERENCE: (regional_cleaning_operation, cleaning_rows),
        GREEN_REFERENCE: (green_space_operation, green_space_rows),
    }
    changed = []
    for reference, (build, rows_of) in builders.items():
        operation = Operation.objects.filter(plan=plan, reference=reference).first()
        if operation is None:
            data = PlanData(operations=[build(year)], name=plan.name, year=year)
            run_import(
                import_plan,
                wet_run=True,
                report=ImportReport(source="démo multi-sites"),
                strict=False,
                plan_data=data,
                organisation=organisation,
                plan_name=plan.name,
                year=year,
            )
            operation = Operation.objects.get(plan=plan, reference=reference)
        if not operation.description.endswith(ILLUSTRATIVE):
            operation.description = (operation.description + " " + ILLUSTRATIVE).strip()
            operation.save(update_fields=["description", "updated_at"])
        lot = operation.lots.order_by("pk").first()
        if lot is None or lot.sites.exists() or lot.territorial_split:
            continue
        if lot.annual_amount is None and lot.estimated_amount:
            lot.annual_amount = lot.estimated_amount * 12 / (lot.duration_months or 12)
            lot.save(update_fields=["annual_amount", "updated_at"])
        sites = replace_lot_sites(lot, rows_of())
        changed.append(operation)
        stdout.write(f"  {operation.reference} : {len(sites)} sites (liste illustrative).")
    if changed:
        operations = (
            Operation.objects.filter(pk__in=[op.pk for op in changed])
            .select_related("buyer_service__organisation")
            .prefetch_related("lots__findings", "line_items")
        )
        scan_operations(operations)
