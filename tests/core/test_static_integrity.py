"""With DEBUG off, collectstatic must leave django-dsfr's files byte for byte: the pages link them with
Subresource Integrity hashes, and a rewritten stylesheet is refused by the browser (every page unstyled)."""

import base64
import hashlib
import json

import pytest
from django.core.management import call_command
from django.test import override_settings
from dsfr import checksums


def _sri(path):
    return "sha384-" + base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode()


@pytest.mark.slow
def test_collected_dsfr_files_keep_their_integrity_hashes(tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "dentelle.core.staticstorage.DentelleStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    expected = {
        "dsfr/dist/dsfr/dsfr.min.css": checksums.INTEGRITY_CSS,
        "dsfr/dist/utility/utility.min.css": checksums.INTEGRITY_UTILITY_CSS,
        "dsfr/dist/dsfr/dsfr.module.min.js": checksums.INTEGRITY_JS_MODULE,
        "dsfr/dist/dsfr/dsfr.nomodule.min.js": checksums.INTEGRITY_JS_NOMODULE,
    }
    for name, integrity in expected.items():
        assert _sri(tmp_path / manifest[name]) == integrity, name
    # Our own stylesheet still gets hashed references (only DSFR's files are left untouched).
    assert manifest["css/dentelle.css"] != "css/dentelle.css"
