import logging
import socket

import pytest

from dentelle.core.roles import Role
from tests.factories import BuyerServiceFactory, OrganisationFactory, UserFactory

ALLOWED_HOSTS = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(autouse=True)
def _block_network(monkeypatch):
    """Tests never reach the outside world: only loopback connections are allowed (DB, browser)."""
    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ALLOWED_HOSTS and not host.startswith("/"):
            raise RuntimeError(f"Connexion réseau interdite pendant les tests : {address!r}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


# --- Reference data (referentials) -------------------------------------------------------------


@pytest.fixture(scope="session")
def _referentials_session_load(django_db_setup, django_db_blocker):
    """Load the real CPV, territories and NAF files into the test database, once per session."""
    from django.conf import settings

    from dentelle.referentials.loaders import load_referentials

    with django_db_blocker.unblock():
        outcomes = load_referentials(settings.DENTELLE_DATA_DIR, wet_run=True)
    problems = [str(p) for outcome in outcomes for p in outcome.report.errors]
    assert not problems, f"Chargement des référentiels en échec : {problems[:5]}"


@pytest.fixture
def referentials_loaded(_referentials_session_load, django_db_blocker):
    """Real CPV (9,454 codes), regions, departments, communes, EPCI/EPT and NAF in the database.

    Loaded once per session; reloaded only if a transactional test flushed the database meanwhile.
    Returns the in-memory index (``get_index()``).
    """
    from django.conf import settings

    from dentelle.referentials.index import get_index, invalidate_index
    from dentelle.referentials.loaders import load_referentials
    from dentelle.referentials.models import Commune, CpvCode

    with django_db_blocker.unblock():
        if not (CpvCode.objects.exists() and Commune.objects.exists()):
            load_referentials(settings.DENTELLE_DATA_DIR, wet_run=True)
            invalidate_index()
        return get_index()


@pytest.fixture
def empty_referentials(db):
    """Start from empty referential tables (inside the test's transaction, so the real data come back).

    Plain SQL deletes: the ORM would first fetch the 9,454 self-referencing CPV codes to cascade.
    Foreign keys are checked at commit (deferred), and the test's transaction is rolled back.
    """
    from django.db import connection

    from dentelle.referentials import models
    from dentelle.referentials.index import invalidate_index

    tables = ("Commune", "Grouping", "Department", "Region", "ReferentialLoad", "CpvCode", "NafCode")
    with connection.cursor() as cursor:
        for name in tables:
            table = getattr(models, name)._meta.db_table
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
    invalidate_index()


@pytest.fixture(autouse=True)
def _fresh_referential_index():
    """A test that changed referential rows (rolled back afterwards) must not leave a stale index."""
    from dentelle.referentials import index

    index.consume_touched()
    yield
    if index.consume_touched():
        index.invalidate_index()
        index.consume_touched()


@pytest.fixture(autouse=True, scope="session")
def _no_disk_cache():
    """Tests change and roll back rows freely: the on-disk index cache (core/diskcache.py) stays off."""
    from django.conf import settings

    settings.DENTELLE_CACHE_DIR = ""


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttling counters and audit de-duplication live in the cache: each test starts empty."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# --- People: one organisation and one fixture per role, for the whole suite --------------------


@pytest.fixture
def organisation(db):
    """Région Test (Île-de-France) with its four buyer services: DPMG, DL, DFP and DESR."""
    return OrganisationFactory(name="Région Test", with_services=True)


@pytest.fixture
def service(organisation):
    """The organisation's Direction des lycées (DL), the service of the `buyer` fixture."""
    return BuyerServiceFactory(organisation=organisation, code="DL")


@pytest.fixture
def make_user(request):
    """``make_user(role, service=None, *, organisation=None, username=None, **fields)``: a user of `role`.

    The organisation defaults to the test's `organisation` fixture; `service` is a BuyerService or the
    code of one of the organisation's services. Log in with ``client.force_login``.
    """

    def make(role, service=None, *, organisation=None, username=None, **fields):
        organisation = organisation or request.getfixturevalue("organisation")
        if isinstance(service, str):
            service = BuyerServiceFactory(organisation=organisation, code=service)
        code = service.code if service else "x"
        return UserFactory(
            username=username or f"{role}-{code}-{organisation.pk}",
            role=role,
            organisation=organisation,
            buyer_service=service,
            **fields,
        )

    return make


@pytest.fixture
def officer(make_user):
    return make_user(Role.PURCHASING_OFFICER)


@pytest.fixture
def buyer(make_user, service):
    """A buyer belongs to a service: it sees that service's plans and contracts only."""
    return make_user(Role.BUYER, service)


@pytest.fixture
def facilitator(make_user):
    return make_user(Role.FACILITATOR)


@pytest.fixture
def direction(make_user):
    return make_user(Role.DIRECTION)


@pytest.fixture
def reader(make_user):
    return make_user(Role.READER)


# --- Query-count guards ------------------------------------------------------------------------


@pytest.fixture
def assert_flat_queries(client, django_assert_max_num_queries):
    """``assert_flat_queries(url, grow, **get)``: after ``grow()`` adds rows, ``url`` costs no more queries.

    A request before each measured one warms what a process keeps between requests (navigation counts,
    referential and coverage indexes, rebuilt when rows change), so both measured requests pay the
    same. Log the client in first.
    """

    def check(url, grow, **get):
        assert client.get(url, **get).status_code == 200
        with django_assert_max_num_queries(10_000) as few:
            assert client.get(url, **get).status_code == 200
        budget = len(few.captured_queries)  # now: the next request resets the connection's query log
        grow()
        assert client.get(url, **get).status_code == 200
        with django_assert_max_num_queries(budget):
            response = client.get(url, **get)
        assert response.status_code == 200
        return response

    return check


# --- Log lines ---------------------------------------------------------------------------------


@pytest.fixture
def dentelle_log(caplog):
    """The lines the "dentelle" loggers write during the test: ``dentelle_log("export")`` lists the messages
    holding ``event=export``. Those loggers do not propagate to the root logger (config.settings LOGGING),
    so caplog's handler is attached to each of them for the test, at level INFO."""
    loggers = [logging.getLogger(name) for name in ("dentelle", "dentelle.audit")]
    added = [logger for logger in loggers if caplog.handler not in logger.handlers]
    for logger in added:
        logger.addHandler(caplog.handler)
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.INFO)
    caplog.handler.setLevel(logging.INFO)

    def lines(event=None):
        messages = [r.getMessage() for r in caplog.records if r.name.split(".")[0] == "dentelle"]
        return [m for m in messages if event is None or f"event={event} " in f"{m} "]

    yield lines
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)
    for logger in added:
        logger.removeHandler(caplog.handler)
