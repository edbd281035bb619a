"""Concurrent writers on PostgreSQL (issue 10, defects 3 and 4): totals stay exact, no twin declaration.

SQLite serialises writers, so these tests only run on PostgreSQL (``make test`` runs both)."""

import os
import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from dentelle.insertion import declarations as service
from dentelle.insertion.enums import FulfilmentMode
from dentelle.insertion.models import HoursDeclaration, RealisedMonth

WRITERS = 20

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="concurrence réelle : PostgreSQL seulement",
    ),
]


def run_together(target, args_list):
    """Start every call at once (barrier); collect results or exceptions, one per call."""
    barrier = threading.Barrier(len(args_list))
    results = [None] * len(args_list)

    def work(index, args):
        try:
            barrier.wait()
            results[index] = target(*args)
        except Exception as exc:  # kept for the assertions
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, a)) for i, a in enumerate(args_list)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_twenty_concurrent_validations_leave_exact_totals(contract, make_beneficiary, facilitator):
    drafts = [
        HoursDeclaration.objects.create(
            contract=contract,
            month=date(2026, 3, 1),
            fulfilment_mode=FulfilmentMode.DIRECT_HIRE,
            beneficiary=make_beneficiary(external_reference=f"B-{i}"),
            hours=Decimal("12.5"),
            created_by=facilitator,
        )
        for i in range(WRITERS)
    ]
    results = run_together(lambda d: service.validate(d, user=facilitator), [(d,) for d in drafts])
    assert not [r for r in results if isinstance(r, Exception)]
    rows = list(RealisedMonth.objects.values_list("month", "hours", "declarations"))
    assert rows == [(date(2026, 3, 1), Decimal("250.00"), WRITERS)]


def test_twenty_identical_concurrent_declarations_make_one_row(contract, beneficiary, facilitator):
    call = {
        "contract": contract,
        "month": date(2026, 4, 1),
        "fulfilment_mode": FulfilmentMode.DIRECT_HIRE,
        "beneficiary": beneficiary,
        "hours": Decimal("35"),
        "user": facilitator,
    }
    results = run_together(lambda: service.declare(**call), [()] * WRITERS)
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert HoursDeclaration.objects.filter(month=date(2026, 4, 1)).count() == 1
    assert len(refused) == WRITERS - 1
    assert all("utiliser une correction" in str(r) for r in refused)
