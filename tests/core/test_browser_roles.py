"""Every role in headless Chromium: it visits the pages its navigation offers and the pages of its daily
work, and each page must be free of Django's English defaults, of form fields without DSFR styling and of
numbers of 5+ digits without thousands grouping (tests/core/page_checks.py), and of errors in the browser's
console (scripts, Content-Security-Policy refusals). One screenshot per page under test-artifacts/roles/."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from dentelle.accounts.models import BuyerService, Organisation, User
from dentelle.core.roles import Role
from dentelle.insertion.models import AnnualObjective, Beneficiary, Contract, HoursDeclaration
from dentelle.purchases.models import Finding, Lot, Operation, PurchasePlan
from dentelle.siaes.models import Capacity, Competence, ServiceArea, Siae
from tests.core.page_checks import PAGE_SCRIPT, problems
from tests.core.test_browser import ARTIFACTS, CHROMEDRIVER, CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="Chromium et chromedriver absents"),
]


@pytest.fixture
def console_browser():
    """Headless Chromium that also keeps the console: a script error or a refusal by the
    Content-Security-Policy (a blocked map, a blocked style) fails the page."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1000",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def _siret(number):
    from stdnum import luhn

    siren = f"{30_000_000 + number:08d}"
    siren += luhn.calc_check_digit(siren)
    base = siren + "0001"
    return base + luhn.calc_check_digit(base)


def _world():
    """A small organisation whose figures all exceed 9,999 (amounts, hours, objective, capacities)."""
    organisation = Organisation.objects.create(name="Région test", region_code="11")
    service = BuyerService.objects.create(organisation=organisation, name="Direction des lycées", code="DL")
    siae = Siae.objects.create(
        siret=_siret(1), siren=_siret(1)[:9], name="Les Jardins du Canal", kind="ACI", department_code="93"
    )
    Competence.objects.create(siae=siae, cpv_prefix="7731", origin="declared")
    ServiceArea.objects.create(siae=siae, kind="department", code="93")
    Capacity.objects.create(
        siae=siae,
        metric="annual_turnover",
        value=Decimal("1250000"),
        source="bilan 2025",
        as_of=date(2026, 1, 1),
    )
    plan = PurchasePlan.objects.create(organisation=organisation, name="Programmation 2026", year=2026)
    operation = Operation.objects.create(
        plan=plan,
        buyer_service=service,
        reference="OP-1",
        title="Entretien des espaces verts des lycées",
        nature="services",
        estimated_amount=Decimal("110000000"),
    )
    lot = Lot.objects.create(
        operation=operation,
        number="1",
        title="Espaces verts Seine-Saint-Denis",
        cpv_code="77310000",
        estimated_amount=Decimal("291550"),
        annual_amount=Decimal("120999.10"),
        place_kind="department",
        place_code="93",
        place_text="Seine-Saint-Denis",
    )
    Finding.objects.create(lot=lot, rule_id="clause", kind="social_clause", subject="Clause sociale")
    contract = Contract.objects.create(
        organisation=organisation,
        buyer_service=service,
        reference="M-2026-001",
        title="Entretien des espaces verts",
        holder_siret=siae.siret,
        holder_name=siae.name,
        signed_on=date(2025, 12, 1),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        amount=Decimal("1500000"),
        required_hours=Decimal("64533"),
    )
    beneficiary = Beneficiary.objects.create(organisation=organisation, contract_start=date(2026, 1, 1))
    for month in range(1, 4):
        HoursDeclaration.objects.create(
            contract=contract,
            month=date(2026, month, 1),
            fulfilment_mode="DIRECT_HIRE",
            beneficiary=beneficiary,
            hours=Decimal("12500.5"),
        )
    AnnualObjective.objects.create(organisation=organisation, year=2026, hours=Decimal("170000"))

    def user(username, role, **fields):
        return User.objects.create(
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
    return users, {"plan": plan.pk, "lot": lot.pk, "siae": siae.pk, "contract": contract.pk}


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
