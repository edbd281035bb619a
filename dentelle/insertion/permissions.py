"""Which organisation's clauses a person follows, and which contracts it sees (pages and API)."""

from django.http import Http404

from dentelle.accounts.models import BuyerService, Organisation
from dentelle.core.permissions import role_of, visible_services
from dentelle.core.roles import Role
from dentelle.insertion.models import Contract


def organisation_of(user):
    if user.organisation_id:
        return user.organisation
    if user.is_superuser:
        organisation = Organisation.objects.order_by("pk").first()
        if organisation:
            return organisation
    raise Http404("Aucune organisation rattachée à votre compte.")


def visible_contracts(user, organisation):
    """Contracts of the organisation; a buyer sees only those of its own service (like its operations)."""
    contracts = Contract.objects.filter(organisation=organisation)
    if role_of(user) == Role.BUYER and not user.is_superuser:
        contracts = contracts.filter(buyer_service__in=visible_services(user, BuyerService.objects.all()))
    return contracts
