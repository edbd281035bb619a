"""The index loads part by part, answers single lookups from the database first, and the background
warm-up never starts in tests unless asked."""

import threading

from dentelle.referentials import index as index_module
from dentelle.referentials import warmup
from dentelle.referentials.index import ReferentialIndex
from dentelle.referentials.index_cpv import CpvInfo
from dentelle.referentials.index_territories import CommuneInfo, GroupingInfo
from dentelle.referentials.models import Commune, CpvCode, Department, Region


def commune(code, name, dept="93", population=1000, postcodes=("93300",)):
    return CommuneInfo(
        code, name, "COM", dept, "11", "200054781", None, 48.9, 2.38, postcodes, population, ""
    )


def hand_built():
    return ReferentialIndex(
        [commune("93001", "Aubervilliers"), commune("93066", "Saint-Denis", postcodes=("93200",))],
        {"93": ("Seine-Saint-Denis", "11")},
        {"11": "Île-de-France"},
        [GroupingInfo("200054781", "Plaine Commune", "EPT", "", ("93001", "93066"))],
        [CpvInfo("77310000", "6", "classe", None, "Espaces verts", "Green areas", "espaces verts")],
    )


def test_parts_load_only_when_needed():
    index = hand_built()
    assert index.department_name("93") == "Seine-Saint-Denis"  # small tables: always there
    assert not any(index.is_loaded(part) for part in index_module.PARTS)
    assert [c.insee_code for c in index.communes_by_postcode("93200")] == ["93066"]
    assert index.is_loaded("communes") and index.is_loaded("commune_keys")
    assert not index.is_loaded("cpv") and not index.is_loaded("groupings")
    assert index.cpv_label("77310000-6") == "Espaces verts" and index.is_loaded("cpv")
    index.warm()
    assert all(index.is_loaded(part) for part in index_module.PARTS)
    assert index.communes_of_grouping("200054781") == ["93001", "93066"]


def test_single_lookups_read_one_row_until_the_budget_is_spent(empty_referentials, monkeypatch):
    Region.objects.create(code="11", name="Île-de-France")
    Department.objects.create(code="93", name="Seine-Saint-Denis", region_id="11")
    for code, name in (("93001", "Aubervilliers"), ("93066", "Saint-Denis"), ("93048", "Montreuil")):
        Commune.objects.create(
            insee_code=code, name=name, kind="COM", department_id="93", region_id="11", postcodes="93100"
        )
    CpvCode.objects.create(code="77310000", check_digit="6", level="classe", label_fr="Espaces verts")
    monkeypatch.setattr(index_module, "POINT_LOOKUPS", 3)
    index = ReferentialIndex.from_db()

    assert index.commune("93001").name == "Aubervilliers" and index.commune("99999") is None
    assert index.cpv_label("77310000") == "Espaces verts"
    assert not index.is_loaded("communes") and not index.is_loaded("cpv")
    assert index.commune("93066").name == "Saint-Denis"  # fourth lookup: the part loads whole
    assert index.is_loaded("communes") and index.commune("93048").name == "Montreuil"
    assert index.commune("93001") == index.communes["93001"]  # same facts either way


def test_warm_up_is_off_in_tests_and_can_be_forced(settings, monkeypatch):
    assert not warmup.warm_up_allowed()  # pytest is running
    settings.DENTELLE_WARM_INDEX = True
    assert warmup.warm_up_allowed()
    settings.DENTELLE_WARM_INDEX = "0"
    assert not warmup.warm_up_allowed()


def test_warm_up_runs_once_per_process(settings, monkeypatch):
    calls = []
    monkeypatch.setattr(warmup, "_started", threading.Event())
    monkeypatch.setattr(warmup, "warm_all", lambda: calls.append("warm"))
    monkeypatch.setattr(warmup.connections, "close_all", lambda: calls.append("closed"))
    settings.DENTELLE_WARM_INDEX = False
    warmup.after_first_request()
    assert not warmup._started.is_set()  # off: nothing started

    settings.DENTELLE_WARM_INDEX = True
    warmup.after_first_request()
    thread = warmup.start_warm_up()
    assert thread is None  # already started by the first request
    for running in threading.enumerate():
        if running.name == "dentelle-warm-up":
            running.join(timeout=5)
    warmup.after_first_request()
    assert calls == ["warm", "closed"]
