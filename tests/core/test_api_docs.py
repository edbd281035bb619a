"""/api/docs serves Swagger UI from the installed django-ninja package: no CDN (works offline and within
the Content-Security-Policy, which allows scripts from this site only)."""

import re

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.django_db
def test_api_docs_use_local_swagger_files(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="fr"' in html
    assert "cdn" not in html.lower() and "https://" not in html
    assets = re.findall(r'(?:src|href)="/static/([^"]+)"', html)
    assert {"ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"} <= set(assets)
    for asset in assets:
        assert finders.find(asset), asset
    assert "<script>" not in html  # no inline script: the settings are JSON read by swagger-ui-init.js
    assert "script-src 'self'" in response["Content-Security-Policy"]  # under the site's policy too
