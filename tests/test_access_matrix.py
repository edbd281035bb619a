"""Access matrix generated from the URL conf (issue 10): every URL × every role × an object of another
service or organisation answers 403/404 (or a refusal), never 200 with that object, never 500.

Every route must be classified below: a new URL fails `test_every_url_is_classified` until someone
says which object it serves, so a new page or endpoint cannot escape the matrix.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver

from dentelle.accounts.models import BuyerService, Organisation, User
from dentelle.core.roles import Role
from dentelle.insertion.models import Beneficiary, Contract, HoursDeclaration
from dentelle.jobs.models import Job, JobFile
from dentelle.purchases.models import Finding, Lot, Operation, PurchasePlan
from dentelle.siaes.models import Competence, Contact, ServiceArea, Siae

SECRET = "SECRET-ÉTRANGER"  # in every foreign object's title or name: must never be shown

# route → {parameter: kind of foreign object}; {} = no object in the URL (only "never 500" is checked);
# "siae" objects are the shared directory: only a member of another structure is foreign to them.
ROUTES = {
    "": {},
    "connexion/": {},
    "deconnexion/": {},
    "compte/cles-api/": {},
    "compte/cles-api/<int:pk>/revoquer/": {"pk": "api_token"},
    "referentiels/": {},
    "referentiels/cpv/": {},
    "referentiels/lieux/": {},
    "siae/": {},
    "siae/carte.svg": {},
    "siae/export.<str:fmt>": {"fmt": "format"},
    "siae/couverture/": {},
    "siae/couverture/export.<str:fmt>": {"fmt": "format"},
    "siae/<int:pk>/": {"pk": "siae_shared"},
    "siae/<int:pk>/modifier/": {"pk": "siae"},
    "siae/<int:pk>/competences/": {"pk": "siae"},
    "siae/<int:pk>/competences/<int:competence_pk>/retirer/": {"pk": "siae", "competence_pk": "competence"},
    "siae/<int:pk>/capacites/": {"pk": "siae"},
    "siae/<int:pk>/zones/": {"pk": "siae"},
    "siae/<int:pk>/zones/<int:area_pk>/retirer/": {"pk": "siae", "area_pk": "area"},
    "siae/<int:pk>/notes/": {"pk": "siae"},
    "siae/<int:pk>/contacts/": {"pk": "siae"},
    "siae/<int:pk>/contacts/<int:contact_pk>/modifier/": {"pk": "siae", "contact_pk": "contact"},
    "siae/<int:pk>/contacts/<int:contact_pk>/retirer/": {"pk": "siae", "contact_pk": "contact"},
    "achats/": {},
    "achats/importer/": {},
    "achats/programmation/<int:pk>/": {"pk": "plan"},
    "achats/programmation/<int:pk>/balayer/": {"pk": "plan"},
    "achats/programmation/<int:pk>/export.<str:fmt>": {"pk": "plan", "fmt": "format"},
    "achats/programmation/<int:pk>/exporter/": {"pk": "plan"},
    "achats/lot/<int:pk>/": {"pk": "lot"},
    "achats/lot/<int:pk>/exception/": {"pk": "lot"},
    "achats/lot/<int:pk>/allotissement/accepter/": {"pk": "lot"},
    "achats/lot/<int:pk>/allotissement/export.xlsx": {"pk": "lot"},
    "achats/lot/<int:pk>/sites/": {"pk": "lot"},
    "achats/proposition/<int:pk>/decision/": {"pk": "finding"},
    "mise-en-relation/": {},
    "mise-en-relation/lot/<int:pk>/": {"pk": "lot"},
    "mise-en-relation/lot/<int:pk>/structure/<int:siae_pk>/": {"pk": "lot", "siae_pk": "siae_shared"},
    "mise-en-relation/lot/<int:pk>/reponse/": {"pk": "lot"},
    "mise-en-relation/structure/<int:siae_pk>/opportunites/": {"siae_pk": "siae"},
    "mise-en-relation/reponse/<str:token>/": {"token": "forged"},
    "mise-en-relation/desabonnement/<str:token>/": {"token": "forged"},
    "insertion/": {},
    "insertion/marches/": {},
    "insertion/marches/<int:pk>/": {"pk": "contract"},
    "insertion/lots/<int:lot_pk>/clause/": {"lot_pk": "lot"},
    "insertion/bilan/<int:year>/": {"year": "year"},
    "insertion/bilan/<int:year>.xlsx": {"year": "year"},
    "insertion/declarations/nouvelle/": {},
    "insertion/declarations/a-valider/": {},
    "insertion/declarations/import/": {},
    "insertion/declarations/<int:pk>/valider/": {"pk": "declaration"},
    "insertion/declarations/<int:pk>/corriger/": {"pk": "declaration"},
    "insertion/beneficiaires/": {},
    "insertion/beneficiaires/nouveau/": {},
    "insertion/beneficiaires/<int:pk>/": {"pk": "beneficiary"},
    "decp/": {},
    "decp/export/": {},
    "api/openapi.json": {},
    "api/docs": {},
    "api/": {},
    "api/accounts/me": {},
    "api/referentials/cpv/<code>": {"code": "cpv"},
    "api/referentials/cpv": {},
    "api/referentials/places/resolve": {},
    "api/referentials/communes/<insee>": {"insee": "insee"},
    "api/referentials/status": {},
    "api/siaes/": {},
    "api/siaes/coverage": {},
    "api/siaes/<int:siae_id>": {"siae_id": "siae_shared"},
    "api/purchases/plans": {},
    "api/purchases/plans/<plan_id>/report": {"plan_id": "plan"},
    "api/purchases/operations": {},
    "api/purchases/lots": {},
    "api/purchases/lots/<lot_id>": {"lot_id": "lot"},
    "api/purchases/lots/<lot_id>/sites": {"lot_id": "lot"},
    "api/purchases/lots/<lot_id>/allotment": {"lot_id": "lot"},
    "api/purchases/findings": {},
    "api/purchases/findings/<finding_id>/decision": {"finding_id": "finding"},
    "api/matching/lots/<lot_id>/structures": {"lot_id": "lot"},
    "api/matching/search": {},
    "api/matching/structures/<siae_id>/opportunities": {"siae_id": "siae"},
    "api/matching/lots/<lot_id>/responses": {"lot_id": "lot"},
    "api/insertion/progress": {},
    "api/insertion/contracts": {},
    "api/insertion/contracts/<contract_id>/clause": {"contract_id": "contract"},
    "api/insertion/report/<year>": {"year": "year"},
    "api/insertion/declarations": {},
    "api/insertion/declarations/<declaration_id>/validate": {"declaration_id": "declaration"},
    "api/decp/analyse": {},
    "api/decp/export": {},
    "api/purchases/allotment": {},
    "healthz": {},
    "parametres/": {},
    "travaux/": {},
    "travaux/<int:pk>/": {"pk": "job"},
    "travaux/<int:pk>/etat.json": {"pk": "job"},
    "travaux/<int:pk>/fichier": {"pk": "job"},
}
# Kinds whose object is not foreign (fixed values, or the shared directory seen by staff).
NEUTRAL = {"format": "csv", "year": "2026", "forged": "lien-forge", "cpv": "90911200", "insee": "75056"}
ROLES = [None, *Role.values]
REFUSALS = {400, 401, 403, 404, 405, 410, 422}


def routes():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith("admin/"):
                    continue  # Django's admin: staff only, its own permission system
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    return list(dict.fromkeys(walk(get_resolver().url_patterns)))


def test_every_url_is_classified():
    unknown = [route for route in routes() if route not in ROUTES]
    assert unknown == [], f"URL à classer dans ROUTES (objet servi) : {unknown}"
    stale = [route for route in ROUTES if route not in routes()]
    assert stale == [], f"URL disparues à retirer de ROUTES : {stale}"


def _objects(organisation, service, siae, owner, tag, prefix):
    plan = PurchasePlan.objects.create(organisation=organisation, name=f"Plan {tag} {SECRET}", year=2026)
    operation = Operation.objects.create(
        plan=plan,
        buyer_service=service,
        reference=f"OP-{tag}",
        title=f"Opération {SECRET}",
        nature="services",
    )
    lot = Lot.objects.create(
        operation=operation,
        number="1",
        title=f"Lot {SECRET}",
        cpv_code="90911200",
        estimated_amount=Decimal("100000"),
        place_kind="department",
        place_code="59",
        reservation_kind="disability",  # never among an ACI's opportunities
    )
    finding = Finding.objects.create(lot=lot, rule_id="clause", kind="social_clause", subject=SECRET)
    contract = Contract.objects.create(
        organisation=organisation,
        buyer_service=service,
        reference=f"M-{tag}",
        title=f"Marché {SECRET}",
        holder_siret="73282932000074",
        holder_name=SECRET,
        signed_on=date(2025, 12, 1),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        amount=Decimal("100000"),
        required_hours=Decimal("500"),
    )
    beneficiary = Beneficiary.objects.create(
        organisation=organisation, external_reference=SECRET, notes=SECRET, contract_start=date(2026, 1, 1)
    )
    declaration = HoursDeclaration.objects.create(
        contract=contract,
        month=date(2026, 2, 1),
        fulfilment_mode="DIRECT_HIRE",
        beneficiary=beneficiary,
        hours=Decimal("10"),
        comment=SECRET,
    )
    token = owner.api_tokens.create(name=SECRET, key_hash=f"hash-{tag}", key_prefix="dtl_x")
    job = Job.objects.create(
        kind="plan_export", label=f"Export {SECRET}", organisation=organisation, created_by=owner
    )
    JobFile.objects.create(job=job, role=JobFile.OUTPUT, name="export.json", data=SECRET.encode(), size=1)
    return {
        "plan": plan.pk,
        "lot": lot.pk,
        "finding": finding.pk,
        "contract": contract.pk,
        "beneficiary": beneficiary.pk,
        "declaration": declaration.pk,
        "api_token": token.pk,
        "job": job.pk,
        "siae": siae.pk,
        "siae_shared": siae.pk,
        "competence": Competence.objects.create(siae=siae, cpv_prefix=prefix, origin="declared").pk,
        "area": ServiceArea.objects.create(siae=siae, kind="department", code=prefix[:2]).pk,
        "contact": Contact.objects.create(siae=siae, name=SECRET, email=f"secret-{tag}@example.org").pk,
    }


def _siae(number, name):
    from tests.factories import valid_siret

    siret = valid_siret(number)
    return Siae.objects.create(
        siret=siret, siren=siret[:9], name=name, kind="ACI", department_code="59", region_code="32"
    )


@pytest.fixture
def world(db):
    home = Organisation.objects.create(name="Région A", region_code="11")
    own, sibling = (BuyerService.objects.create(organisation=home, name=n, code=n) for n in ("A1", "A2"))
    away = Organisation.objects.create(name="Département B", region_code="32")
    away_service = BuyerService.objects.create(organisation=away, name="B1", code="B1")
    own_siae, other_siae = _siae(1, "Structure A"), _siae(2, "Structure B")  # its contacts are secret
    users = {
        role: User.objects.create(
            username=f"u-{role}",
            role=role,
            organisation=home if role != Role.SIAE_MEMBER else None,
            buyer_service=own if role == Role.BUYER else None,
            siae=own_siae if role == Role.SIAE_MEMBER else None,
        )
        for role in Role.values
    }
    stranger = User.objects.create(username="etranger", role=Role.DIRECTION, organisation=away)
    return {
        "users": users,
        # the buyer's foreign objects are in a sibling service of its own organisation
        "sibling": _objects(home, sibling, other_siae, stranger, "A2", "9091"),
        "away": _objects(away, away_service, other_siae, stranger, "B", "7731"),
    }


def url_for(route, params, objects):
    url = "/" + route
    for name, kind in params.items():
        value = NEUTRAL.get(kind) or str(objects[kind])
        url = url.replace(f"<int:{name}>", value).replace(f"<str:{name}>", value).replace(f"<{name}>", value)
    return url


DIRECTORY = {"siae", "competence", "area", "contact"}  # a structure and its parts: the shared directory


def is_foreign(params, role):
    """Whether the URL serves an object ``role`` may not reach. Staff reach every structure (officers
    edit any); a member reaches its own structure only, and reads the other profiles without contacts."""
    kinds = set(params.values()) - set(NEUTRAL) - {"siae_shared"}
    if role == Role.SIAE_MEMBER:
        return bool(kinds)
    return bool(kinds - DIRECTORY)


def hides_secret(params, role):
    """Pages that must not show the foreign objects' names, even when they answer 200."""
    if "siae_shared" in params.values():
        return role not in (Role.DIRECTION, Role.PURCHASING_OFFICER, Role.BUYER, Role.FACILITATOR)
    return is_foreign(params, role)


def log_in_and_get_foreign_objects(client, world, role):
    """Logs role in (None: stays anonymous); returns the objects foreign to it (a buyer's: its sibling service's)."""
    if role is not None:
        client.force_login(world["users"][role])
    return world["sibling"] if role == Role.BUYER else world["away"]


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonyme")
def test_no_role_reaches_another_services_or_organisations_objects(client, world, role):
    objects = log_in_and_get_foreign_objects(client, world, role)
    problems = []
    for route, params in ROUTES.items():
        if route == "deconnexion/":
            continue  # would end the session
        url = url_for(route, params, objects)
        foreign = is_foreign(params, role)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            status = response.status_code
            if status >= 500 and not (route == "healthz" and status == 503):  # red health is an answer
                problems.append(f"{method.upper()} {url} → {status}")
            elif foreign and status not in REFUSALS and not _to_login(response):
                problems.append(f"{method.upper()} {url} → {status} sur un objet étranger")
            elif hides_secret(params, role) and SECRET in response.content.decode(errors="replace"):
                problems.append(f"{method.upper()} {url} → {status} montre l'objet étranger")
    assert not problems, "\n".join(problems)


def _to_login(response):
    return response.status_code == 302 and response["Location"].startswith("/connexion/")


# A page and the API endpoint serving the same object: for one role they grant or refuse together.
PAGE_AND_API = [
    ("achats/programmation/<int:pk>/", "api/purchases/plans/<plan_id>/report"),
    ("achats/lot/<int:pk>/", "api/purchases/lots/<lot_id>"),
    ("mise-en-relation/lot/<int:pk>/", "api/matching/lots/<lot_id>/structures"),
    (
        "mise-en-relation/structure/<int:siae_pk>/opportunites/",
        "api/matching/structures/<siae_id>/opportunities",
    ),
    ("insertion/marches/<int:pk>/", "api/insertion/contracts/<contract_id>/clause"),
    ("insertion/bilan/<int:year>/", "api/insertion/report/<year>"),
    ("insertion/", "api/insertion/progress"),
    ("decp/", "api/decp/analyse"),
]


@pytest.fixture
def own_objects(world):
    """Objects of the users' own organisation and of the buyer's own service (world has only foreign ones)."""
    home = Organisation.objects.get(name="Région A")
    return _objects(
        home,
        BuyerService.objects.get(code="A1"),
        Siae.objects.get(name="Structure A"),
        world["users"][Role.DIRECTION],
        "A1",
        "9092",
    )


def _status(client, route, objects):
    url = url_for(route, ROUTES[route], objects)
    if route == "api/decp/analyse":  # analysing is a POST of a file (its page a GET)
        return client.post(url, {"file": SimpleUploadedFile("decp.json", b'{"marches": []}')}).status_code
    return client.get(url).status_code


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonyme")
def test_a_page_and_its_api_endpoint_grant_the_same_role_the_same_objects(client, world, own_objects, role):
    foreign = log_in_and_get_foreign_objects(client, world, role)
    differences = []
    for objects in (own_objects, foreign):
        for page, endpoint in PAGE_AND_API:
            page_status, api_status = _status(client, page, objects), _status(client, endpoint, objects)
            # refusals may differ in kind (the API answers 401 where the page sends to the login page)
            if (page_status == 200) != (api_status == 200) or (page_status == 404) != (api_status == 404):
                differences.append(f"{page} → {page_status}, {endpoint} → {api_status} ({role})")
    assert not differences, "\n".join(differences)
