"""Demo plan: the real Île-de-France DECP 2019 rows as next year's plan of the Region's services,
plus the Aubervilliers higher-education building operation with its line items; then a scan."""

import csv
from datetime import date
from decimal import Decimal

from django.conf import settings

from dentelle.accounts.demo import demo_organisation
from dentelle.core.importing import ImportReport, run_import
from dentelle.purchases.demo_sites import green_space_operation, load_demo_sites, regional_cleaning_operation
from dentelle.purchases.importer import import_plan, known_cpv_codes
from dentelle.purchases.models import Finding, Operation, PurchasePlan
from dentelle.purchases.plan_cells import nature_of, parse_decimal
from dentelle.purchases.plan_data import LineItemData, LotData, OperationData, PlanData
from dentelle.purchases.services import scan_plan

PLAN_NAME = "Programmation démo (DECP Île-de-France 2019 rejouée)"
AUBERVILLIERS_REFERENCE = "DESR-2027-AUB-CAMPUS"

# (service code, CPV prefixes, keywords) — first match wins; DPMG (patrimoine et moyens généraux) by default.
SERVICE_RULES = [
    ("DFP", ("805", "8053", "804"), ("formation", "apprentissage", "insertion professionnelle")),
    ("DESR", ("73",), ("université", "enseignement supérieur", "recherche", "campus", "étudiant")),
    (
        "DT",
        ("60", "34", "63", "4523", "50111"),
        ("transport", "voirie", "route", "véhicule", "bus", "chaussée"),
    ),
    (
        "DL",
        ("555", "8011", "8021", "3916", "2211"),
        ("lycée", "scolaire", "école", "cantine", "collège", "élève"),
    ),
]

# The Aubervilliers operation (€110 M, domain.md §1): line items as in a cost estimate.
AUBERVILLIERS_LINE_ITEMS = [
    ("01", "Gros œuvre, fondations et structure", "45223000", "38500000"),
    ("02", "Façades et couverture", "45443000", "9200000"),
    ("03", "Second œuvre : cloisons, menuiseries, faux plafonds", "45421000", "21600000"),
    ("04", "Électricité courants forts et faibles", "45310000", "12300000"),
    ("05", "Chauffage, ventilation, plomberie", "45330000", "14100000"),
    ("06", "Voirie et réseaux divers", "45233000", "4600000"),
    ("07", "Peinture intérieure", "45442100", "2400000"),
    ("08", "Plantations et aménagement des espaces verts", "45112710", "650000"),
    ("09", "Curage et dégagement de chantier", "45111200", "350000"),
    ("10", "Nettoyage de fin de chantier", "90911200", "75000"),
    ("11", "Signalétique intérieure et fléchage", "34928470", "60000"),
    ("12", "Déménagement et installation du mobilier", "98392000", "45000"),
    ("13", "Équipements scientifiques et mobilier", "39000000", "6120000"),
]


def service_for(cpv, text):
    lowered = (text or "").lower()
    for code, prefixes, words in SERVICE_RULES:
        if any(cpv.startswith(p) for p in prefixes) or any(w in lowered for w in words):
            return code
    return "DPMG"


def _launch_date(row, year):
    notified = row.get("date_notification") or ""
    month = int(notified[5:7]) if len(notified) >= 7 and notified[5:7].isdigit() else 3
    return date(year, max(1, min(12, month)), 1)


def decp_plan(path, year, known_codes=None):
    """PlanData from the Île-de-France rows (ile_de_france_lieu = 1); rows sharing an id are lots.
    Rows whose CPV code is unknown to the referential (test records such as « 12345678 ») are skipped."""
    operations = {}
    skipped = 0
    with open(path, encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            if row.get("ile_de_france_lieu") != "1":
                continue
            cpv = (row.get("code_cpv8") or "").strip()
            cpv = ("0" + cpv) if len(cpv) == 7 else cpv
            if known_codes and cpv not in known_codes:
                skipped += 1
                continue
            title = " ".join((row.get("objet") or "").replace("<br />", " ").split())[:480] or "Sans objet"
            reference = f"DECP-{row['id']}"[:80]
            try:
                amount = parse_decimal(row.get("montant"))
            except ValueError:  # unreadable or out of bounds (core.numbers.NumberError)
                amount = None
            operation = operations.get(reference)
            if operation is None:
                operation = OperationData(
                    reference=reference,
                    title=title,
                    service=service_for(cpv, title),
                    nature=nature_of("", cpv) or "services",
                    duration_months=int(row["duree_mois"])
                    if (row.get("duree_mois") or "").isdigit()
                    else None,
                    launch_date=_launch_date(row, year),
                    places=row.get("lieu_execution_nom") or "",
                )
                operations[reference] = operation
            operation.lots.append(
                LotData(
                    number=str(len(operation.lots) + 1),
                    title=title,
                    cpv=cpv if len(cpv) == 8 else "",
                    amount=amount if amount else None,
                    duration_months=operation.duration_months,
                    place=row.get("lieu_execution_nom") or "",
                    place_code=row.get("lieu_execution_code") or "",
                    place_kind_hint=row.get("lieu_execution_type") or "",
                    procedure=row.get("procedure") or "",
                    line=line,
                )
            )
    plan = PlanData(operations=list(operations.values()), name=PLAN_NAME, year=year)
    plan.skipped_rows = skipped
    return plan


def aubervilliers_operation(year):
    items = [
        LineItemData(ref, text, cpv, Decimal(amount)) for ref, text, cpv, amount in AUBERVILLIERS_LINE_ITEMS
    ]
    total = sum((i.amount for i in items), Decimal("0"))
    return OperationData(
        reference=AUBERVILLIERS_REFERENCE,
        title="Construction d'un bâtiment d'enseignement supérieur et de recherche à Aubervilliers",
        service="DESR",
        nature="works",
        description=(
            "Opération de l'ordre de 110 M€ HT (Décision Achats, « Clauses sociales, emploi local : "
            "l'exemple de la Région Île-de-France ») ; décomposition par corps d'état."
        ),
        amount=total,
        duration_months=36,
        launch_date=date(year, 4, 1),
        places="Aubervilliers",
        lots=[
            LotData(
                number="1",
                title="Travaux tous corps d'état",
                cpv="45214400",
                amount=total,
                duration_months=36,
                place="Aubervilliers",
                place_code="93001",
                place_kind_hint="Code commune",
                procedure="formalised",
            )
        ],
        line_items=items,
    )


def load_demo_plan(stdout):
    organisation = demo_organisation()
    if not organisation.services.exists():
        stdout.write("  Programmation démo : services de la Région absents, étape ignorée.")
        return
    existing = PurchasePlan.objects.filter(organisation=organisation, name=PLAN_NAME).first()
    if existing and Finding.objects.filter(lot__operation__plan=existing).exists():
        stdout.write(
            f"  Programmation démo déjà chargée ({Operation.objects.filter(plan=existing).count()} opérations)."
        )
        load_demo_sites(existing, organisation, stdout)
        return
    year = date.today().year + 1
    path = settings.DENTELLE_DATA_DIR / "decp" / "decp_2019_v1_marches.csv"
    plan_data = decp_plan(path, year, known_cpv_codes())
    plan_data.operations += [
        aubervilliers_operation(year),
        regional_cleaning_operation(year),
        green_space_operation(year),
    ]
    report, committed = run_import(
        import_plan,
        wet_run=True,
        report=ImportReport(source=str(path)),
        strict=False,
        plan_data=plan_data,
        organisation=organisation,
        plan_name=PLAN_NAME,
        year=year,
        source_file=path.name,
    )
    plan = PurchasePlan.objects.get(organisation=organisation, name=PLAN_NAME)
    counts = scan_plan(plan)
    stdout.write(
        f"  Programmation démo : {len(plan_data.operations)} opérations, {counts['lots']} lots balayés, "
        f"{counts['findings']} propositions ({plan_data.skipped_rows} lignes DECP écartées : code CPV inconnu)."
    )
    load_demo_sites(plan, organisation, stdout)
