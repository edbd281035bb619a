"""Every role in headless Chromium: it visits the pages its navigation offers and the pages of its daily
work, and each page must be free of Django's English defaults, of form fields without DSFR styling and of
numbers of 5+ digits without thousands grouping (tests/core/page_checks.py), and of errors in the browser's
console (scripts, Content-Security-Policy refusals). One screenshot per page under test-artifacts/roles/."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from dentelle.core.roles import Role
from dentelle.insertion.models import AnnualObjective
from dentelle.siaes.models import ServiceArea
from tests.core.page_checks import PAGE_SCRIPT, problems
from tests.core.test_browser import ARTIFACTS, CHROMEDRIVER, CHROMIUM, chromium_driver
from tests.factories import (
    BeneficiaryFactory,
    BuyerServiceFactory,
    CapacityFactory,
    ContractFactory,
    FindingFactory,
    HoursDeclarationFactory,
    LotFactory,
    SiaeFactory,
    UserFactory,
    with_competences,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="Chromium et chromedriver absents"),
]


@pytest.fixture
def console_browser():
    """Headless Chromium that also keeps the console: a script error or a refusal by the
    Content-Security-Policy (a blocked map, a blocked style) fails the page."""
    driver = chromium_driver(capabilities={"goog:loggingPrefs": {"browser": "ALL"}})
    yield driver
    driver.quit()


def _world():
    """A small organisation whose figures all exceed 9,999 (amounts, hours, objective, capacities)."""
    service = BuyerServiceFactory(lycees=True, organisation__name="Région test")
    organisation = service.organisation
    siae = with_competences(SiaeFactory(name="Les Jardins du Canal"), "7731")
    ServiceArea.objects.create(siae=siae, kind="department", code="93")
    CapacityFactory(siae=siae, value=Decimal("1250000"), source="bilan 2025")
    lot = LotFactory(
        operation__in_plan=True,
        operation__plan__name="Programmation 2026",
        operation__buyer_service=service,
        operation__reference="OP-1",
        operation__estimated_amount=Decimal("110000000"),
        number="1",
        estimated_amount=Decimal("291550"),
        annual_amount=Decimal("120999.10"),
    )
    FindingFactory(lot=lot, rule_id="clause", kind="social_clause", subject="Clause sociale")
    contract = ContractFactory(
        buyer_service=service,
        reference="M-2026-001",
        title="Entretien des espaces verts",
        holder_siret=siae.siret,
        holder_name=siae.name,
        amount=Decimal("1500000"),
        required_hours=Decimal("64533"),
    )
    beneficiary = BeneficiaryFactory(organisation=organisation)
    for month in range(1, 4):
        HoursDeclarationFactory(
            contract=contract, month=date(2026, month, 1), beneficiary=beneficiary, hours=Decimal("12500.5")
        )
    AnnualObjective.objects.create(organisation=organisation, year=2026, hours=Decimal("170000"))

    def user(username, role, **fields):
        return UserFactory(
            username=username, role=role, organisation=organisation, first_name=username.title(), **fields
        )

    users = {
        Role.DIRECTION: user("direction", Role.DIRECTION),
        Role.PURCHASING_OFFICER: user("acheteuse", Role.PURCHASING_OFFICER),
        Role.BUYER: user("acheteur", Role.BUYER, buyer_service=service),
        Role.FACILITATOR: user("facilitatrice", Role.FACILITATOR),
        Role.SIAE_MEMBER: user("membre", Role.SIAE_MEMBER, siae=siae),
        Role.READER: user("lecteur", Role.READER),
    }
    return users, {"plan": lot.operation.plan_id, "lot": lot.pk, "siae": siae.pk, "contract": contract.pk}


# The pages of each role's daily work, beyond what its navigation and home page link to.
WORK = {
    Role.DIRECTION: ["/insertion/bilan/2026/", "/siae/couverture/", "/insertion/marches/{contract}/"],
    Role.PURCHASING_OFFICER: [
        "/achats/programmation/{plan}/",
        "/achats/lot/{lot}/",
        "/achats/importer/",
        "/siae/{siae}/",
        "/siae/{siae}/modifier/",
        "/mise-en-relation/",
        "/mise-en-relation/?cpv=77310000&place=93&amount=120000",
        "/insertion/marches/{contract}/",
    ],
    Role.BUYER: ["/achats/programmation/{plan}/", "/achats/lot/{lot}/", "/siae/{siae}/"],
    Role.FACILITATOR: [
        "/insertion/declarations/a-valider/",
        "/insertion/declarations/nouvelle/",
        "/insertion/declarations/import/",
        "/insertion/beneficiaires/",
        "/insertion/beneficiaires/nouveau/",
        "/insertion/marches/{contract}/",
        "/insertion/bilan/2026/",
    ],
    Role.SIAE_MEMBER: ["/siae/{siae}/", "/siae/{siae}/modifier/"],
    Role.READER: ["/insertion/marches/"],
}
NOT_OURS = ("/api/", "/admin/", "/deconnexion/")  # Swagger UI and Django's admin have their own pages


def _log_in(driver, base_url, user):
    client = Client()
    client.force_login(user)  # no password hashing: the session cookie is handed to the browser
    driver.get(base_url + "/connexion/")
    driver.add_cookie(
        {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}
    )


def _links(driver):
    return driver.execute_script(
        "return [...document.querySelectorAll('.fr-nav__link, main a[href^=\"/\"]')]"
        ".map(a => a.getAttribute('href'))"
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_each_role_sees_french_styled_grouped_pages(live_server, console_browser, role):
    browser = console_browser
    users, objects = _world()
    _log_in(browser, live_server.url, users[role])
    browser.get(live_server.url + "/")
    pages = ["/"] + [page.format(**objects) for page in WORK[role]]
    pages += [href for href in _links(browser) if not href.startswith(NOT_OURS) and "export" not in href]
    pages = list(dict.fromkeys(href.split("#")[0] for href in pages))[:40]
    folder = ARTIFACTS / "roles"
    folder.mkdir(parents=True, exist_ok=True)
    found = {}
    for page in pages:
        browser.get(live_server.url + page)
        read = browser.execute_script(PAGE_SCRIPT)
        name = page.strip("/").replace("/", "_").replace("?", "_").replace("&", "_") or "accueil"
        browser.save_screenshot(str(folder / f"{role.value}-{name[:80]}.png"))
        issues = problems(read)
        errors = [
            entry["message"][:200] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"
        ]
        if errors:
            issues.append(f"erreurs dans la console : {errors}")
        if issues:
            found[page] = issues
    assert len(pages) >= 4, pages
    assert not found, "\n".join(f"{page} : {issues}" for page, issues in found.items())
