"""Run by test_sqlite_load.py in a subprocess, on a migrated SQLite file: 20 threads validate 20
declarations at once; prints the failures and the realised total."""

import os
import sys
import threading
from datetime import date
from decimal import Decimal

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connections  # noqa: E402

from dentelle.accounts.models import BuyerService, Organisation, User  # noqa: E402
from dentelle.core.roles import Role  # noqa: E402
from dentelle.insertion import declarations  # noqa: E402
from dentelle.insertion.models import Beneficiary, Contract, HoursDeclaration, RealisedMonth  # noqa: E402

WRITERS = int(sys.argv[1]) if len(sys.argv) > 1 else 20

organisation = Organisation.objects.create(name="Région charge")
service = BuyerService.objects.create(organisation=organisation, name="DL", code="DL")
facilitator = User.objects.create(username="facilitateur", role=Role.FACILITATOR, organisation=organisation)
contract = Contract.objects.create(
    organisation=organisation,
    buyer_service=service,
    reference="M-1",
    title="Nettoyage",
    holder_siret="73282932000074",
    holder_name="Propreté SA",
    signed_on=date(2025, 12, 1),
    start_date=date(2026, 1, 1),
    end_date=date(2026, 12, 31),
    amount=Decimal("100000"),
    required_hours=Decimal("500"),
)
drafts = [
    HoursDeclaration.objects.create(
        contract=contract,
        month=date(2026, 3, 1),
        fulfilment_mode="DIRECT_HIRE",
        beneficiary=Beneficiary.objects.create(organisation=organisation, external_reference=f"B{i}"),
        hours=Decimal("12.5"),
    )
    for i in range(WRITERS)
]
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
