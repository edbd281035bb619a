"""Issue 10, defect 11: files kept for the upload preview are removed (confirm, cancel, replace, age)."""

import os
import time

import pytest

from dentelle.purchases import upload_store

CSV = "Référence;Objet;Code CPV;Montant estimé HT;Direction/Service\nOP-1;Nettoyage;90910000;1000;DL\n"


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setattr(upload_store, "UPLOAD_DIR", tmp_path / "uploads")
    return tmp_path / "uploads"


def kept(store):
    return sorted(p.name for p in store.iterdir()) if store.exists() else []


def send(client, name="plan.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/achats/importer/", {"file": SimpleUploadedFile(name, CSV.encode())})


@pytest.mark.django_db
def test_cancel_removes_the_kept_file(client, officer, organisation, store):
    client.force_login(officer)
    send(client)
    assert len(kept(store)) == 1
    assert client.get("/achats/importer/?annuler=1").status_code == 200
    assert kept(store) == []
    assert "plan_upload" not in client.session


@pytest.mark.django_db
def test_a_new_upload_replaces_the_previous_one(client, officer, organisation, store):
    client.force_login(officer)
    send(client)
    first = kept(store)
    send(client, "autre.csv")
    assert len(kept(store)) == 1 and kept(store) != first


@pytest.mark.django_db
def test_confirm_removes_the_kept_file(client, officer, organisation, store):
    client.force_login(officer)
    send(client)
    response = client.post("/achats/importer/", {"step": "confirm", "name": "Plan"})
    assert response.status_code == 302
    assert kept(store) == []


def test_files_older_than_the_limit_are_purged(store):
    store.mkdir()
    old, recent = store / ("a" * 32), store / ("b" * 32)
    old.write_bytes(b"x")
    recent.write_bytes(b"y")
    past = time.time() - (upload_store.MAX_AGE_HOURS + 1) * 3600
    os.utime(old, (past, past))
    token = upload_store.keep(b"z")  # every new upload purges the stale ones
    assert kept(store) == sorted(["b" * 32, token])


def test_a_forged_token_reaches_no_file(store):
    store.mkdir()
    (store.parent / "secret").write_bytes(b"s")
    assert upload_store.path_of("../secret") is None
    upload_store.discard("../secret")
    assert (store.parent / "secret").exists()
