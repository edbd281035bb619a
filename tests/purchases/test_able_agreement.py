"""One definition of an able structure: the coverage table, the scanner's reservation finding (R3), the
territorial allotment's units (R4) and the lot page count the same structures for the same trade and
territory. Scores are not asserted (the weights move); only the agreement between the paths is."""

import pytest

from dentelle.core.importing import ImportReport
from dentelle.matching.coverage import coverage
from dentelle.matching.services import LotDescription, count_able_structures, ranked_structures
from dentelle.purchases.facts import plan_facts
from dentelle.purchases.planfile import read_plan_file
from dentelle.purchases.scanfile import scan_plan_data
from dentelle.purchases.screening import screen_lot
from dentelle.purchases.supply import SIAE_KINDS, make_supply
from dentelle.rules import default_rules
from dentelle.siaes.models import ServiceArea
from tests.factories import SiaeFactory, with_competences

pytestmark = pytest.mark.django_db

CRETEIL = {"commune_insee_code": "94028", "department_code": "94", "latitude": 48.7904, "longitude": 2.4556}
VITRY = {"commune_insee_code": "94081", "department_code": "94", "latitude": 48.7875, "longitude": 2.3928}
PARIS = {"commune_insee_code": "75056", "department_code": "75", "latitude": 48.8566, "longitude": 2.3522}
PLAN = (
    "Référence;Objet;Direction;Code CPV;Montant estimé HT;Durée (mois);Date prévisionnelle de lancement;"
    "Lieu d'exécution;Lot\n"
    "OP-1;Nettoyage des locaux de Créteil;DPMG;90910000;60000;12;01/10/2027;94;1\n"
    "OP-2;Entretien des espaces verts parisiens;DPMG;77310000;60000;12;01/10/2027;75;1\n"
    "OP-3;Nettoyage des lycées franciliens;DL;90910000;4000000;12;01/10/2027;Île-de-France;1\n"
    "OP-4;Entretien des espaces verts des lycées franciliens;DL;77310000;4000000;12;01/10/2027;Île-de-France;1\n"
)


@pytest.fixture
def directory(referentials_loaded):
    for kind in ("ACI", "EI", "EI", "AI"):
        with_competences(SiaeFactory(kind=kind, **CRETEIL), "9091")
    with_competences(SiaeFactory(kind="ETTI", **VITRY), "90911200")  # a finer code of the trade
    with_competences(SiaeFactory(kind="ESAT", **VITRY), "9091")  # L2113-12: counted apart
    with_competences(SiaeFactory(kind="ACI", inactive=True, **CRETEIL), "9091")
    first = with_competences(SiaeFactory(kind="ACI", **VITRY), "9091")
    # A second establishment of the same company: one able structure, not two.
    with_competences(SiaeFactory(kind="ACI", siret=first.siren + "00028", siren=first.siren, **VITRY), "9091")
    regional = with_competences(SiaeFactory(kind="EI"), "9091")  # in 93, serves the whole region
    ServiceArea.objects.create(siae=regional, kind="region", code="11")
    for kind in ("ACI", "ACI", "EI", "ESAT", "EA"):
        with_competences(SiaeFactory(kind=kind, **PARIS), "7731")
    with_competences(SiaeFactory(kind="EI", **PARIS), "773")  # a broader code of the trade
    with_competences(SiaeFactory(kind="ACI", in_ain=True), "7731")  # far away, no area in Paris


def coverage_cell(family_id, department):
    data = coverage("11", _index())
    row = next(r for r in data["rows"] if r["id"] == family_id)
    return next(c for c in row["cells"] if c["department"] == department)


def _index():
    from dentelle.referentials.index import get_index

    return get_index()


def scanned(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text(PLAN, encoding="utf-8")
    plan, _report = read_plan_file(path, ImportReport())
    return plan


@pytest.mark.slow
@pytest.mark.parametrize(
    "family_id, cpv, department, local_key, regional_key",
    [
        ("cleaning", "90910000", "94", "OP-1/1", "OP-3/1"),
        ("green_spaces", "77310000", "75", "OP-2/1", "OP-4/1"),
    ],
    ids=["cleaning-val-de-marne", "green-spaces-paris"],
)
def test_coverage_reservation_and_allotment_agree(
    directory, tmp_path, family_id, cpv, department, local_key, regional_key
):
    rules = default_rules()
    cell = coverage_cell(family_id, department)
    items = {facts.key: facts for _op, _lot, facts, _i in plan_facts(scanned(tmp_path), make_supply())}
    local, regional = items[local_key], items[regional_key]
    assert local.department_codes == (department,) and department in regional.department_codes

    # The scanner's count (R3 input) and the allotment unit of the department (R4 input).
    unit = next(u for u in regional.able_by_unit if u[1] == department)
    assert local.able_structures == cell["count"] == unit[3]
    assert local.disability_structures == cell["disability"]
    assert cell["count"] >= 2  # the fixture makes the agreement meaningful (not 0 = 0)

    # What the R3 finding says, through the same code as `dentelle scan`.
    findings = {f.rule_id: f for f in screen_lot(local, rules)}
    if "R3-reservation" in findings and findings["R3-reservation"].proposal["reservation_kind"] == "siae":
        assert findings["R3-reservation"].figures_dict()["able_structures"]["value"] == cell["count"]
    report = scan_plan_data(scanned(tmp_path), rules, make_supply(), with_figures=True)
    entry = next(e for e in report["lots"] if e["departments"] == [department] and e["cpv"] == cpv)
    r3 = next(f for f in entry["findings"] if f["rule"] == "R3-reservation")
    assert r3["figures"]["able_structures"]["value"] == cell["count"]

    # R4's proposal shows the department's own lot with the same count when it stands alone.
    r4 = next(
        f
        for f in next(e for e in report["lots"] if e["cpv"] == cpv and len(e["departments"]) > 1)["findings"]
        if f["rule"] == "R4-allotment"
    )
    alone = [
        lot for lot in r4["proposal"]["after"] if [t["code"] for t in lot["territories"]] == [department]
    ]
    assert all(lot["able_structures"] == cell["count"] for lot in alone)

    # The lot page's count is the same function: SIAE kinds of it equal the scanner's number.
    facts = LotDescription(cpv_codes=[cpv], place_kind="department", place_code=department)
    counts = count_able_structures(facts)
    assert sum(n for kind, n in counts["kinds"].items() if kind in SIAE_KINDS) == cell["count"]
    assert ranked_structures(facts)["able_count"] == counts["count"]
