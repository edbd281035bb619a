"""Run by test_sqlite_load.py in a subprocess, on a migrated SQLite file: 20 threads validate 20
declarations at once; prints the failures and the realised total."""

import os
import sys
import threading
from datetime import date
from decimal import Decimal

import django
import factory

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connections  # noqa: E402

from dentelle.insertion import declarations  # noqa: E402
from dentelle.insertion.models import RealisedMonth  # noqa: E402
from tests.factories import ContractFactory, HoursDeclarationFactory, UserFactory  # noqa: E402

WRITERS = int(sys.argv[1]) if len(sys.argv) > 1 else 20

contract = ContractFactory(
    buyer_service__organisation__name="Région charge",
    buyer_service__code="DL",
    buyer_service__name="DL",
    reference="M-1",
    title="Nettoyage",
    amount=Decimal("100000"),
    required_hours=Decimal("500"),
)
facilitator = UserFactory(username="facilitateur", facilitator=True, organisation=contract.organisation)
drafts = HoursDeclarationFactory.create_batch(
    WRITERS,
    contract=contract,
    month=date(2026, 3, 1),
    beneficiary__external_reference=factory.Sequence(lambda i: f"B{i}"),
    hours=Decimal("12.5"),
)
connections.close_all()
barrier = threading.Barrier(WRITERS)
failures = []


def validate(draft):
    try:
        barrier.wait()
        declarations.validate(draft, user=facilitator)
    except Exception as exc:
        failures.append(repr(exc))
    finally:
        connections.close_all()


threads = [threading.Thread(target=validate, args=(d,)) for d in drafts]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
total = sum(RealisedMonth.objects.values_list("hours", flat=True))
print(f"failures={len(failures)} total={total}")
for failure in failures[:3]:
    print(failure)
