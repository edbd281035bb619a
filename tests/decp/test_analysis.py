import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from dentelle.decp.analysis import (
    LABOUR_INTENSIVE_DIVISIONS,
    analyse,
    department_of_place,
    region_of_place,
)
from dentelle.decp.readers import DecpRecord, Holder, SubcontractingAct, iter_decp

SHARED = Path(settings.DENTELLE_DATA_DIR) / "decp"
DEPARTMENT_REGION = {"75": "11", "93": "11", "91": "11", "22": "53", "2A": "94", "974": "04"}


def record(
    index=1,
    *,
    amount="50000",
    cpv="77310000",
    social=(),
    kind="marche",
    place=("93", "Code département"),
    holders=(),
    acts=(),
    version=None,
):
    return DecpRecord(
        index=index,
        id=f"R{index}",
        uid="",
        kind=kind,
        format_version=version or ("2" if social else "1"),
        source="test",
        buyer_siret="21930001400010",
        buyer_name="Ville",
        nature="Marché",
        object="objet",
        cpv=cpv,
        procedure="Procédure adaptée",
        place_code=place[0],
        place_type=place[1],
        place_name="",
        duration_months=12,
        notification_date=date(2024, 5, 1),
        amount=None if amount is None else Decimal(amount),
        holders=tuple(holders),
        social_considerations=tuple(social),
        subcontracting_acts=tuple(acts),
    )


@pytest.mark.parametrize(
    ("place_type", "code", "department"),
    [
        ("Code département", "93", "93"),
        ("Code département", "1", "01"),
        ("Code département", "078", "78"),
        ("Code département", "974", "974"),
        ("Code département", "91000", "91"),  # a postcode typed as a department
        ("Code postal", "75", "75"),  # a department typed as a postcode
        ("Code postal", "20000", "2A"),
        ("Code commune", "93001", "93"),
        ("Code commune", "2B002", "2B"),
        ("Code postal", "00000", None),
        ("Code département", "99", None),
        ("Code région", "11", None),
        ("Code pays", "FR", None),
        ("", "", None),
    ],
)
def test_department_of_place_tolerates_mislabelled_codes(place_type, code, department):
    assert department_of_place(place_type, code) == department


def test_region_of_place_accepts_region_codes_it_knows():
    assert region_of_place("Code région", "11", DEPARTMENT_REGION) == "11"
    assert region_of_place("Code région", "FRF2", DEPARTMENT_REGION) is None
    assert region_of_place("Code commune", "93001", DEPARTMENT_REGION) == "11"


def test_social_share_counts_v2_markets_from_the_40000_threshold():
    records = [
        record(1, amount="40000", social=["Clause sociale"]),
        record(2, amount="39999.99", social=["Clause sociale"]),  # below the threshold: not counted
        record(3, amount="90000", social=["Pas de considération sociale"]),
        record(4, amount="120000", social=["Marché réservé", "Critère social"]),
        record(5, amount="120000", social=["Pas de considération sociale"]),
        record(6, amount="2000000", social=["Clause sociale"], kind="concession"),
    ]
    result = analyse(records)
    assert result.markets == 5 and result.concessions == 1
    assert (result.with_social, result.v2_over_threshold) == (2, 4)
    assert result.social_share == pytest.approx(0.5)
    assert result.gap_to_target == pytest.approx(0.2)
    assert result.social_values["Pas de considération sociale"] == 2
    assert result.social_values["Critère social"] == 1
    assert result.as_dict()["v2"]["share"] == 0.5


def test_v1_has_no_social_share_but_counts_labour_intensive_divisions():
    records = [
        record(1, cpv="45210000"),
        record(2, cpv="90910000"),
        record(3, cpv="30190000"),
        record(4, cpv="79710000", amount="1000"),
        record(5, cpv="", amount=None),
    ]
    result = analyse(records)
    assert result.social_share is None and result.v2_over_threshold == 0
    assert (result.labour_intensive, result.over_threshold) == (2, 3)
    assert result.labour_intensive_all == 3 and result.markets == 5
    assert result.without_amount == 1
    assert [d.division for d in result.sorted_divisions()][:1] in (["30"], ["45"], ["79"], ["90"], ["??"])
    assert {d.division: d.markets for d in result.divisions.values()} == {
        "45": 1,
        "90": 1,
        "30": 1,
        "79": 1,
        "??": 1,
    }


def test_region_filter_keeps_only_the_region_and_counts_the_rest():
    records = [
        record(1, place=("75", "Code département")),
        record(2, place=("93001", "Code commune")),
        record(3, place=("22", "Code département")),
        record(4, place=("FR", "Code pays")),
    ]
    result = analyse(records, region="11", department_region=DEPARTMENT_REGION)
    assert (result.markets, result.outside_region, result.unknown_place) == (2, 1, 1)


def test_known_siae_are_found_by_siret_by_siren_and_as_subcontractors():
    siae = ("Les Jardins de Cocagne", "ACI")
    records = [
        record(1, holders=[Holder("78471226700060", "SIRET", "JARDINS")]),
        record(
            2, holders=[Holder("78471226700078", "SIRET", "JARDINS 2")]
        ),  # other establishment, same SIREN
        record(
            3,
            holders=[Holder("41234567800011", "SIRET", "BTP")],
            acts=[SubcontractingAct("78471226700060", "SIRET")],
            social=["Clause sociale"],
        ),
        record(4, holders=[Holder("FR784712267", "TVA", "Étranger")]),
    ]
    result = analyse(records, siae_by_siret={"78471226700060": siae}, siae_by_siren={"784712267": siae})
    holders = {(h.siret, h.role): h.markets for h in result.sorted_siae_holders()}
    assert holders == {
        ("78471226700060", "titulaire"): 1,
        ("78471226700078", "titulaire"): 1,
        ("78471226700060", "sous-traitant"): 1,
    }


def test_figures_on_the_shared_csv_match_an_independent_count():
    over = labour = 0
    with (SHARED / "decp_2019_v1_marches.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["type"] != "Marché" or not row["montant"] or Decimal(row["montant"]) < 40000:
                continue
            over += 1
            labour += row["code_cpv8"][:2] in LABOUR_INTENSIVE_DIVISIONS
    result = analyse(iter_decp(SHARED / "decp_2019_v1_marches.csv"))
    assert (result.over_threshold, result.labour_intensive) == (over, labour)
    assert result.social_share is None


@pytest.mark.django_db
def test_region_11_agrees_with_the_csv_ile_de_france_flag():
    from dentelle.decp.services import department_region_mapping

    mapping = department_region_mapping()
    flagged = agree = 0
    extra = set()
    with (SHARED / "decp_2019_v1_marches.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            mine = region_of_place(row["lieu_execution_type"], row["lieu_execution_code"], mapping) == "11"
            if row["ile_de_france_lieu"] == "1":
                flagged += 1
                agree += mine
            elif row["ile_de_france_lieu"] == "0" and mine:
                extra.add(row["lieu_execution_code"])
    assert agree / flagged > 0.99
    # The only codes we place in Île-de-France against the flag: departments written on 3 digits.
    assert extra <= {"075", "077", "078", "091", "092", "093", "094", "095"}


def test_v2_example_is_below_the_pnad_target():
    result = analyse(iter_decp(SHARED / "decp_v2_exemple_reel_megalis_2024-07-09.json"))
    assert result.v2_over_threshold == sum(
        1 for r in iter_decp(SHARED / "decp_v2_exemple_reel_megalis_2024-07-09.json") if r.amount >= 40000
    )
    assert result.with_social == 0 and result.gap_to_target == pytest.approx(-0.30)
