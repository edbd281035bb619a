"""Headless Chromium logs in and sees the home page (screenshot kept under test-artifacts/)."""

import shutil
from pathlib import Path

import pytest

from dentelle.accounts.models import User
from dentelle.core.roles import Role

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="Chromium et chromedriver absents"),
]


def chromium_driver(*flags, capabilities=None):
    """Headless Chromium through chromedriver, with the suite's flags, then `flags` and `capabilities`."""
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
        *flags,
    ):
        options.add_argument(flag)
    for name, value in (capabilities or {}).items():
        options.set_capability(name, value)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver


@pytest.fixture
def browser():
    driver = chromium_driver("--disable-quic")
    driver.implicitly_wait(10)  # the form post navigates: let the next page arrive before reading it
    yield driver
    driver.quit()


@pytest.mark.django_db(transaction=True)
def test_officer_logs_in_and_sees_home(live_server, browser):
    from selenium.webdriver.common.by import By

    User.objects.create_user(
        "acheteuse", password="mot-de-passe-solide-42", role=Role.PURCHASING_OFFICER, first_name="Camille"
    )
    browser.get(live_server.url + "/connexion/")
    browser.find_element(By.ID, "id_username").send_keys("acheteuse")
    browser.find_element(By.ID, "id_password").send_keys("mot-de-passe-solide-42")
    browser.find_element(By.ID, "login-submit").click()

    capabilities = browser.find_element(By.ID, "user-capabilities").text
    assert "Chargé(e) des achats responsables" in capabilities
    assert "Camille" in browser.find_element(By.ID, "current-user").text
    assert browser.find_element(By.ID, "referentials").is_displayed()
    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "home-after-login.png"))


@pytest.mark.django_db(transaction=True)
def test_wrong_password_is_refused(live_server, browser):
    from selenium.webdriver.common.by import By

    User.objects.create_user("lecteur", password="mot-de-passe-solide-42", role=Role.READER)
    browser.get(live_server.url + "/connexion/")
    browser.find_element(By.ID, "id_username").send_keys("lecteur")
    browser.find_element(By.ID, "id_password").send_keys("faux")
    browser.find_element(By.ID, "login-submit").click()
    alert = browser.find_element(By.CSS_SELECTOR, ".fr-alert--error")
    assert "Identifiant ou mot de passe incorrect" in alert.text
    assert "Bonjour" not in browser.page_source
