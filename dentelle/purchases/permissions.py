"""Who sees which plans, operations, lots and findings: one rule for pages, API, exports and jobs.

A buyer sees the operations of its own service, other staff roles those of their organisation, an
SIAE member none (dentelle.core.permissions.visible_services).
"""

from dentelle.accounts.models import BuyerService
from dentelle.core.permissions import visible_services
from dentelle.purchases.models import Finding, Lot, Operation, PurchasePlan


def services_of(user):
    return visible_services(user, BuyerService.objects.all())


def visible_plans(user):
    services = services_of(user)
    return (
        PurchasePlan.objects.filter(operations__buyer_service__in=services)
        .distinct()
        .order_by("-year", "name")
    )


def visible_operations(user):
    return Operation.objects.filter(buyer_service__in=services_of(user))


def visible_lots(user):
    return Lot.objects.filter(operation__buyer_service__in=services_of(user))


def visible_findings(user):
    return Finding.objects.filter(lot__operation__buyer_service__in=services_of(user))


def can_see_lot(user, lot):
    return visible_lots(user).filter(pk=lot.pk).exists()
