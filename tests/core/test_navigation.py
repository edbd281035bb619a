"""Role-aware navigation and home page: each role is offered only the pages it may open (no link that
leads to « Accès refusé »), and an SIAE member lands on its structure, its opportunities and its answers."""

import re
from html import unescape

import pytest
from stdnum import luhn

from dentelle.accounts.models import BuyerService, Organisation, User
from dentelle.core.roles import Role
from dentelle.siaes.models import Siae


def _siret(number):
    siren = f"{20_000_000 + number:08d}"
    siren += luhn.calc_check_digit(siren)
    base = siren + "0001"
    return base + luhn.calc_check_digit(base)


@pytest.fixture
def people(db):
    organisation = Organisation.objects.create(name="Région test", region_code="11")
    service = BuyerService.objects.create(organisation=organisation, name="Direction des lycées", code="DL")
    siae = Siae.objects.create(siret=_siret(1), siren=_siret(1)[:9], name="Les Jardins du Canal", kind="ACI")
    users = {
        role: User.objects.create(username=role.value, role=role, organisation=organisation)
        for role in Role
        if role not in (Role.BUYER, Role.SIAE_MEMBER)
    }
    users[Role.BUYER] = User.objects.create(
        username="buyer", role=Role.BUYER, organisation=organisation, buyer_service=service
    )
    users[Role.SIAE_MEMBER] = User.objects.create(
        username="member", role=Role.SIAE_MEMBER, organisation=organisation, siae=siae
    )
    return users, siae


def _page_as(client, user, path):
    """The page at path as the user sees it, HTML entities decoded."""
    client.force_login(user)
    return unescape(client.get(path).content.decode())


def _nav_links(html):
    menu = html[html.index('aria-label="Menu principal"') :]
    menu = menu[: menu.index("</nav>")]
    return dict((label.strip(), href) for href, label in re.findall(r'href="([^"]+)"[^>]*>([^<]+)</a>', menu))


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_every_navigation_link_opens_for_the_role(client, people, role):
    users, _ = people
    links = _nav_links(_page_as(client, users[role], "/"))
    assert "Accueil" in links
    for label, href in links.items():
        if href.startswith("/api/"):
            continue
        response = client.get(href, follow=True)
        assert response.status_code == 200, (role, label, href, response.status_code)


@pytest.mark.django_db
def test_siae_member_sees_its_structure_not_the_staff_sections(client, people):
    users, siae = people
    html = _page_as(client, users[Role.SIAE_MEMBER], "/")
    links = _nav_links(html)
    assert links["Ma structure"] == f"/siae/{siae.pk}/"
    assert links["Mes opportunités"] == f"/mise-en-relation/structure/{siae.pk}/opportunites/"
    assert not {"Achats", "Mise en relation", "Heures d'insertion", "DECP", "Paramètres"} & set(links)
    assert 'id="member-home"' in html and "Les Jardins du Canal" in html
    assert "Vous n'avez encore répondu à aucune opportunité." in html


@pytest.mark.django_db
def test_officer_home_offers_shortcuts_of_its_role_only(client, people):
    users, _ = people
    html = _page_as(client, users[Role.PURCHASING_OFFICER], "/")
    assert "Importer une programmation" in html and "Paramètres de l'organisation" in html
    assert "Déclarations à valider" not in html  # the facilitator's work
    html = _page_as(client, users[Role.FACILITATOR], "/")
    assert "Déclarations à valider" in html and "Importer une programmation" not in html
    assert "aucune en attente" in html


@pytest.mark.django_db
def test_insertion_subnav_hides_what_the_role_cannot_open(client, people):
    users, _ = people
    html = _page_as(client, users[Role.READER], "/insertion/")
    assert "Tableau de bord" in html
    assert "Déclarer des heures" not in html and "Bénéficiaires" not in html
    html = _page_as(client, users[Role.FACILITATOR], "/insertion/")
    assert "Déclarer des heures" in html and "Bénéficiaires" in html
