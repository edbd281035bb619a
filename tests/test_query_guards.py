"""Every list page and API list costs no more queries with many rows than with a few (no N+1).

Each case: the URL, and what adds rows to the list it shows. The direction sees every list (plans,
contracts, declarations, beneficiaries, the jobs it started, its API keys).
"""

from datetime import date

import pytest

from dentelle.accounts.models import ApiToken
from dentelle.core.roles import Role
from dentelle.jobs.models import JobKind
from dentelle.jobs.services import start_job
from tests.factories import (
    BeneficiaryFactory,
    ContractFactory,
    FindingFactory,
    HoursDeclarationFactory,
    LotFactory,
    OperationFactory,
    SiaeFactory,
    with_competences,
)

MORE = 12  # rows added between the two measured requests

pytestmark = pytest.mark.django_db


def _plans(user):
    for _ in range(MORE):
        service = user.organisation.services.get(code="DL")
        lot = LotFactory(
            operation=OperationFactory(buyer_service=service, in_plan=True), reserved=True, with_clause=True
        )
        FindingFactory(lot=lot)
        FindingFactory(lot=lot, rule_id="R5-carve-out", kind="carve_out")


def _contracts(user):
    service = user.organisation.services.get(code="DL")
    for month in range(1, MORE + 1):
        contract = ContractFactory(buyer_service=service, with_subcontractor=True)
        beneficiary = BeneficiaryFactory(organisation=user.organisation)
        HoursDeclarationFactory(
            contract=contract, beneficiary=beneficiary, month=date(2026, month, 1), created_by=user
        )
        HoursDeclarationFactory(contract=contract, validated=True, created_by=user)


def _structures(user):
    for n in range(MORE):
        with_competences(SiaeFactory(esat=n % 2 == 0, with_naf=True, with_capacity=True), "7731", "9091")


def _jobs(kind):
    def grow(user):
        for _ in range(MORE):
            start_job(kind, kind.label, organisation=user.organisation, user=user)

    return grow


def _api_keys(user):
    for n in range(MORE):
        ApiToken.issue(user, name=f"clé {n}")


CASES = [
    ("/achats/", _plans),
    ("/api/purchases/plans", _plans),
    ("/api/purchases/operations", _plans),
    ("/api/purchases/lots", _plans),
    ("/api/purchases/findings", _plans),
    ("/insertion/marches/", _contracts),
    ("/api/insertion/contracts", _contracts),
    ("/insertion/declarations/a-valider/", _contracts),
    ("/api/insertion/declarations", _contracts),
    ("/insertion/beneficiaires/", _contracts),
    ("/insertion/", _contracts),
    ("/siae/?place=93", _structures),
    ("/api/siaes/", _structures),
    ("/siae/couverture/", _structures),
    ("/api/siaes/coverage", _structures),
    ("/travaux/", _jobs(JobKind.PURGE)),
    ("/decp/", _jobs(JobKind.DECP_ANALYSIS)),
    ("/compte/cles-api/", _api_keys),
]


@pytest.mark.parametrize("url, grow", CASES, ids=[url for url, _ in CASES])
def test_a_longer_list_costs_no_more_queries(
    client, make_user, url, grow, assert_flat_queries, referentials_loaded
):
    user = make_user(Role.DIRECTION)
    client.force_login(user)
    grow(user)  # a few rows first: the measured page already shows each kind of row
    assert_flat_queries(url, lambda: grow(user))
