"""factory_boy factories for the whole suite, with traits named after domain states.

    SiaeFactory(esat=True, with_naf=True, in_ain=True)
    LotFactory(works=True, reserved=True, with_clause=True)
    HoursDeclarationFactory(validated=True)

Defaults describe a plain, valid object in Île-de-France (Montreuil, 93); a trait says what differs.
"""

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone
from stdnum import luhn

from dentelle.accounts.models import BuyerService, Organisation, User
from dentelle.core.roles import Role
from dentelle.insertion.enums import (
    AgeBand,
    ClauseCategory,
    DeclarationStatus,
    FulfilmentMode,
    IaeCriterion,
)
from dentelle.insertion.models import Beneficiary, Contract, ContractParty, HoursDeclaration
from dentelle.purchases.models import Finding, Lot, Operation, PurchasePlan
from dentelle.siaes.models import Capacity, Competence, Siae

# Test passwords are hashed with MD5 (config/settings_test.py), so setting one costs nothing.
PASSWORD = "x-very-secret-1"
SERVICE_CODES = ("DPMG", "DL", "DFP", "DESR")


def valid_siret(number):
    """A valid SIRET (head office 0001) whose SIREN is valid too, distinct for each `number`."""
    siren = f"{10_000_000 + number:08d}"
    siren += luhn.calc_check_digit(siren)
    base = siren + "0001"
    return base + luhn.calc_check_digit(base)


class ModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        # Related objects are created after the instance is saved: no second save (factory_boy 4).
        skip_postgeneration_save = True


class OrganisationFactory(ModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    region_code = "11"

    class Params:
        # The four directions of a regional council (plan files name them by their code).
        with_services = factory.Trait(
            services=factory.RelatedFactoryList(
                "tests.factories.BuyerServiceFactory",
                factory_related_name="organisation",
                size=len(SERVICE_CODES),
                code=factory.Iterator(SERVICE_CODES),
            )
        )


class BuyerServiceFactory(ModelFactory):
    class Meta:
        model = BuyerService
        django_get_or_create = ("organisation", "code")

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"S{n}")
    name = factory.LazyAttribute(lambda o: f"Direction {o.code}")

    class Params:
        lycees = factory.Trait(code="DL", name="Direction des lycées")


class UserFactory(ModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user-{n}")
    role = Role.READER
    organisation = None
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    class Params:
        officer = factory.Trait(role=Role.PURCHASING_OFFICER)
        direction = factory.Trait(role=Role.DIRECTION)
        facilitator = factory.Trait(role=Role.FACILITATOR)
        buyer = factory.Trait(
            role=Role.BUYER,
            buyer_service=factory.SubFactory(BuyerServiceFactory),
            organisation=factory.SelfAttribute("buyer_service.organisation"),
        )
        siae_member = factory.Trait(
            role=Role.SIAE_MEMBER, siae=factory.SubFactory("tests.factories.SiaeFactory")
        )

    @factory.post_generation
    def _saved(obj, create, extracted, **kwargs):
        if create:  # the password hashed above
            obj.save()


class SiaeFactory(ModelFactory):
    class Meta:
        model = Siae

    siret = factory.Sequence(lambda n: valid_siret(40_000_000 + n))
    siren = factory.LazyAttribute(lambda o: o.siret[:9])
    name = factory.Sequence(lambda n: f"Structure {n}")
    kind = "ACI"
    commune_insee_code = "93048"
    department_code = "93"
    region_code = "11"
    latitude = 48.86415
    longitude = 2.44322

    class Params:
        aci = factory.Trait(kind="ACI")
        ei = factory.Trait(kind="EI")
        etti = factory.Trait(kind="ETTI")
        esat = factory.Trait(kind="ESAT")
        with_naf = factory.Trait(naf="8130Z")  # Services d'aménagement paysager
        in_ile_de_france = factory.Trait(
            commune_insee_code="93048",
            department_code="93",
            region_code="11",
            latitude=48.86415,
            longitude=2.44322,
        )
        in_ain = factory.Trait(
            commune_insee_code="01004", department_code="01", region_code="84", latitude=45.96, longitude=5.37
        )
        inactive = factory.Trait(is_active=False)
        with_capacity = factory.Trait(
            capacity=factory.RelatedFactory(
                "tests.factories.CapacityFactory", factory_related_name="siae", metric="annual_turnover"
            )
        )


class CapacityFactory(ModelFactory):
    class Meta:
        model = Capacity

    siae = factory.SubFactory(SiaeFactory)
    metric = "annual_turnover"
    value = Decimal("900000")
    source = "test"
    as_of = date(2026, 1, 1)


def with_competences(siae, *prefixes, origin="declared"):
    """Give `siae` a competence for each CPV prefix."""
    for prefix in prefixes:
        Competence.objects.create(siae=siae, cpv_prefix=prefix, origin=origin, rationale="test")
    return siae


class PurchasePlanFactory(ModelFactory):
    class Meta:
        model = PurchasePlan

    organisation = factory.SubFactory(OrganisationFactory)
    year = 2026
    name = factory.Sequence(lambda n: f"Programmation 2026 n° {n + 1}")


class OperationFactory(ModelFactory):
    class Meta:
        model = Operation

    buyer_service = factory.SubFactory(BuyerServiceFactory, code="DL")
    reference = factory.Sequence(lambda n: f"OP-{n + 1}")
    title = "Entretien des espaces verts des lycées"
    nature = "services"

    class Params:
        works = factory.Trait(nature="works", title="Rénovation des lycées")
        in_plan = factory.Trait(
            plan=factory.SubFactory(
                PurchasePlanFactory, organisation=factory.SelfAttribute("..buyer_service.organisation")
            )
        )


class LotFactory(ModelFactory):
    class Meta:
        model = Lot

    operation = factory.SubFactory(OperationFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    title = "Espaces verts Seine-Saint-Denis"
    cpv_code = "77310000"
    estimated_amount = Decimal("240000")
    annual_amount = Decimal("120000")
    place_kind = "department"
    place_code = "93"
    place_text = "Seine-Saint-Denis"

    class Params:
        works = factory.Trait(
            operation=factory.SubFactory(OperationFactory, works=True),
            title="Gros œuvre, maçonnerie",
            cpv_code="45262500",
            estimated_amount=Decimal("1800000"),
        )
        cleaning = factory.Trait(title="Nettoyage des locaux", cpv_code="90910000")
        reserved = factory.Trait(reservation_kind="siae")
        with_clause = factory.Trait(clause_hours=2400)


class ContractFactory(ModelFactory):
    class Meta:
        model = Contract

    buyer_service = factory.SubFactory(BuyerServiceFactory, code="DL")
    organisation = factory.SelfAttribute("buyer_service.organisation")
    reference = factory.Sequence(lambda n: f"M-{n + 1:03d}")
    title = "Nettoyage des lycées"
    holder_siret = "73282932000074"
    holder_name = "Propreté SA"
    signed_on = date(2025, 12, 1)
    start_date = date(2026, 1, 1)
    end_date = date(2026, 12, 31)
    amount = Decimal("500000")
    required_hours = Decimal("1200")
    department_code = "94"
    trade_family = "cleaning"

    class Params:
        reserved = factory.Trait(reservation_kind="siae")
        with_subcontractor = factory.Trait(
            subcontractor=factory.RelatedFactory(
                "tests.factories.ContractPartyFactory", factory_related_name="contract"
            )
        )


class ContractPartyFactory(ModelFactory):
    class Meta:
        model = ContractParty

    contract = factory.SubFactory(ContractFactory)
    role = "subcontractor"
    siret = "78471226700060"
    name = "Sous-traitant"


class BeneficiaryFactory(ModelFactory):
    """A young person from Créteil's priority district (QPV), followed by the local mission."""

    class Meta:
        model = Beneficiary

    organisation = factory.SubFactory(OrganisationFactory)
    sex = "F"
    age_band = AgeBand.UNDER_26
    is_qpv = True
    commune_insee_code = "94028"
    clause_categories = factory.LazyFunction(lambda: [ClauseCategory.YOUTH_LOW_QUALIFICATION])
    iae_criteria = factory.LazyFunction(lambda: [IaeCriterion.JEUNE, IaeCriterion.CAP_BEP])
    contract_start = date(2026, 1, 1)
    contract_end = date(2026, 3, 31)
    external_reference = "DOSSIER-42"
    notes = "Suivi par la mission locale de Créteil"


class HoursDeclarationFactory(ModelFactory):
    """Hours declared for a month, waiting for the facilitator's validation (pending)."""

    class Meta:
        model = HoursDeclaration

    contract = factory.SubFactory(ContractFactory)
    month = date(2026, 2, 1)
    fulfilment_mode = FulfilmentMode.DIRECT_HIRE
    beneficiary = factory.SubFactory(
        BeneficiaryFactory, organisation=factory.SelfAttribute("..contract.organisation")
    )
    hours = Decimal("100")
    status = DeclarationStatus.DRAFT

    class Params:
        pending = factory.Trait(status=DeclarationStatus.DRAFT)
        validated = factory.Trait(
            status=DeclarationStatus.VALIDATED,
            validated_by=factory.SelfAttribute("created_by"),
            validated_at=factory.LazyFunction(timezone.now),
        )


class FindingFactory(ModelFactory):
    """A scanner's proposal on a lot, waiting for a decision (proposed)."""

    class Meta:
        model = Finding

    lot = factory.SubFactory(LotFactory)
    rule_id = "R1-clause"
    kind = "social_clause"
    estimated_hours = 1200
    reasons = factory.LazyFunction(lambda: ["Métier accessible aux publics éloignés de l'emploi."])
    legal_basis = "CCP L2112-2"

    class Params:
        accepted = factory.Trait(status="accepted")
