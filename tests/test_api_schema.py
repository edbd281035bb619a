"""Schemathesis on the API's own OpenAPI schema, in-process (WSGI), as two roles.

For every operation, requests are generated from the schema (valid ones, then invalid ones) and sent with the
role's API key to a small organisation: one buyer service with a plan, an operation, a lot, a finding, a contract
with a declaration; a small directory of SIAE. The test fails on:

- any 5xx (`not_a_server_error`);
- a request the schema calls valid that is rejected with 400 or 422 (`positive_data_acceptance`);
- a status code the operation does not document (`status_code_conformance`).

Bounded for CI (a few examples per operation, no shrinking, derandomized): about 20 s per role.
"""

import os
from collections import Counter
from decimal import Decimal

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance, status_code_conformance

from dentelle.accounts.models import ApiToken
from tests.factories import (
    BuyerServiceFactory,
    ContractFactory,
    FindingFactory,
    HoursDeclarationFactory,
    LotFactory,
    UserFactory,
)
from tests.matching.conftest import directory  # noqa: F401 (fixture)

# SCHEMATHESIS_EXAMPLES=50 for a deeper run by hand.
SCALE = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "0")) or 6
EXAMPLES = {GenerationMode.POSITIVE: SCALE, GenerationMode.NEGATIVE: max(1, SCALE * 2 // 3)}
# An uploaded file's content is beyond what a schema can describe: an unreadable DECP file is a French 400;
# so are the sites of an allotment (a commune that does not exist is a French 400 naming the row).
CONTENT_CHECKED = {"POST /api/decp/analyse", "POST /api/purchases/allotment"}
CHECKS = [schemathesis.checks.not_a_server_error, positive_data_acceptance, status_code_conformance]
KIND = {
    "not_a_server_error": "5xx",
    "positive_data_acceptance": "valid request rejected",
    "status_code_conformance": "undocumented status code",
}


@pytest.fixture
def geo(referentials_loaded):
    """The real referentials (loaded once per session) hold the tiny geography of the matching tests:
    creating it again would clash with them when another test loaded them first."""
    return referentials_loaded


@pytest.fixture
def small_organisation(db, directory):  # noqa: F811
    service = BuyerServiceFactory(lycees=True, organisation__name="Région test")
    lot = LotFactory(
        operation__in_plan=True,
        operation__plan__name="Programmation 2026",
        operation__buyer_service=service,
        operation__reference="OP-1",
        number="1",
    )
    FindingFactory(lot=lot, rule_id="reservation", kind="reservation", reasons=["test"])
    contract = ContractFactory(
        buyer_service=service,
        reference="M-001",
        title="Entretien des espaces verts",
        holder_siret=directory["jardins"].siret,
        holder_name="Les Jardins d'Aubervilliers",
        amount=Decimal("240000"),
        department_code="93",
        trade_family="green_spaces",
    )
    users = {
        "buyer": UserFactory(username="acheteur", buyer=True, buyer_service=service),
        "siae_member": UserFactory(username="membre", siae_member=True, siae=directory["jardins"]),
    }
    HoursDeclarationFactory(
        contract=contract, beneficiary__commune_insee_code="93001", created_by=users["buyer"]
    )
    return users


@pytest.fixture
def api_schema(db):
    """Loaded through the WSGI app itself. As Django's test client does, requests keep the test's connection
    (closing it would end the test transaction)."""
    from django.core import signals
    from django.db import close_old_connections

    from config.wsgi import application

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def fuzz(schema, headers, examples=EXAMPLES):
    """Every operation, every generation mode: (first failure by kind, operation and status; requests sent)."""
    failures, sent = {}, Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode, count in examples.items():
            if mode == GenerationMode.POSITIVE or _has_inputs(operation):
                _fuzz_operation(operation, mode, count, headers, failures, sent)
    return failures, sent


def _fuzz_operation(operation, mode, count, headers, failures, sent):
    @settings(
        max_examples=count,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        response = case.call(headers=headers)
        sent[operation.label] += 1
        checks = [
            c for c in CHECKS if c is not positive_data_acceptance or operation.label not in CONTENT_CHECKED
        ]
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except (Failure, FailureGroup) as error:
            for failure in getattr(error, "exceptions", [error]):
                key = (KIND.get(_check_name(failure), failure.title), operation.label, response.status_code)
                failures.setdefault(key, f"{mode.value}: {case.as_curl_command()}")

    run()


def _has_inputs(operation):
    return bool(list(operation.iter_parameters())) or bool(operation.body)


def _check_name(failure):
    return (type(failure).checks or (failure.title,))[0]


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("role", ["buyer", "siae_member"])
def test_api_conforms_to_its_schema(api_schema, small_organisation, role):
    _, raw = ApiToken.issue(small_organisation[role])
    failures, sent = fuzz(api_schema, {"Authorization": f"Bearer {raw}"})
    summary = Counter(kind for kind, _, _ in failures)
    print(f"\n{role}: {len(sent)} operations, {sum(sent.values())} requests, failures {dict(summary)}")
    assert len(sent) >= 30, "the schema lost operations"
    assert not failures, "\n".join(
        f"{kind} — {label} → {status}\n    {example}"
        for (kind, label, status), example in sorted(failures.items())
    )
