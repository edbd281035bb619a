"""API paging and ids checked by the purchases API itself (not only by config.api_guard)."""

from pathlib import Path

import pytest
from django.core.management import call_command

from dentelle.purchases.models import PurchasePlan
from dentelle.purchases.paging import MAX_LIMIT, page_bounds
from dentelle.purchases.services import scan_plan

DATA = Path(__file__).resolve().parents[1] / "data" / "purchases"
LISTS = ["/api/purchases/operations", "/api/purchases/lots", "/api/purchases/findings"]
HUGE = str(10**30)


@pytest.fixture
def unguarded(settings):
    """Without the global guard: the endpoints must stand on their own."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "config.api_guard.QueryGuard"]


@pytest.fixture
def api(client, officer, organisation, unguarded):
    call_command("plan", "import", str(DATA / "plan.json"), "--organisation", organisation.name, "--wet-run")
    scan_plan(PurchasePlan.objects.get())
    client.force_login(officer)
    return client


def test_page_bounds_clamps_the_limit_and_rejects_the_impossible():
    from ninja.errors import HttpError

    assert page_bounds(50, 10) == (10, 60)
    assert page_bounds(10**12, 0) == (0, MAX_LIMIT)
    for limit, offset in ((0, 0), (-1, 0), (10, -1), (10, 10**30)):
        with pytest.raises(HttpError) as caught:
            page_bounds(limit, offset)
        assert caught.value.status_code == 400


# The bounds are in the OpenAPI schema (test_api_schema.py): out of them, a French 422 naming the field.
IMPOSSIBLE = [
    ("offset=-1", "offset", "valeur trop petite (minimum : 0)"),
    (f"offset={HUGE}", "offset", "valeur trop grande (maximum : 1000000000)"),
    ("limit=-5", "limit", "valeur trop petite (minimum : 1)"),
    ("limit=0", "limit", "valeur trop petite (minimum : 1)"),
]


@pytest.mark.django_db
def test_impossible_paging_is_refused_in_french(api):
    for url in LISTS:
        for query, name, reason in IMPOSSIBLE:
            response = api.get(f"{url}?{query}")
            assert response.status_code == 422, (url, query)
            [error] = response.json()["detail"]
            assert (error["loc"], error["msg"]) == (["query", name], reason)


@pytest.mark.django_db
def test_a_huge_limit_is_lowered_to_the_maximum(api):
    for url in LISTS:
        everything = api.get(url).json()
        assert everything  # the plan has operations, lots and findings
        assert api.get(f"{url}?limit={10**12}").json() == everything
        assert api.get(f"{url}?limit=1&offset=1").json() == everything[1:2]


@pytest.mark.django_db
def test_out_of_range_ids_are_refused_in_french_or_not_found(api):
    for url in (
        f"/api/purchases/operations?plan_id={HUGE}",
        f"/api/purchases/lots?operation_id={HUGE}",
        f"/api/purchases/findings?lot_id=-{HUGE}",
    ):
        response = api.get(url)  # beyond the schema's bounds (64 bits, not negative): a French 422
        assert response.status_code == 422, url
        assert response.json()["detail"][0]["msg"].startswith("valeur trop"), url
    for url in (f"/api/purchases/lots/{HUGE}", f"/api/purchases/plans/{HUGE}/report"):
        response = api.get(url)
        assert response.status_code == 404 and response.json()["detail"].startswith("Introuvable"), url
