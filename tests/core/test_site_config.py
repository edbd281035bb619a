"""django-dsfr's site configuration is read once a minute per process, not twice per page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from dsfr.models import DsfrConfig

from dentelle.core import context_processors


@pytest.mark.django_db
def test_the_site_configuration_is_read_once_then_kept(monkeypatch):
    monkeypatch.setitem(context_processors._site_config, "value", None)  # both restored after the test
    monkeypatch.setitem(context_processors._site_config, "until", 0.0)
    config = DsfrConfig.objects.create(language="fr", site_title="Dentelle — test")
    with CaptureQueriesContext(connection) as first:
        assert context_processors.site_config(None)["SITE_CONFIG"] == config
    with CaptureQueriesContext(connection) as second:
        assert context_processors.site_config(None)["SITE_CONFIG"] == config
    assert len(first) == 1 and len(second) == 0
    monkeypatch.setitem(context_processors._site_config, "until", 0.0)  # a minute later
    with CaptureQueriesContext(connection) as later:
        context_processors.site_config(None)
    assert len(later) == 1
