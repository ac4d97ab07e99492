"""The service's subcommands: `keys create` (and the key it prints works), `openapi`."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.cli import main
from app.main import create_app
from app.settings import Settings


def test_keys_create_prints_a_working_key_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    monkeypatch.delenv("LABELSCAN_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", url)  # the unprefixed name hosting platforms set
    assert main(["keys", "create", "--name", "pharmacist-bo", "--role", "reviewer"]) == 0
    out, err = capsys.readouterr()
    key = out.strip()
    assert key.startswith("lsk_") and len(key) > 40
    assert "only this once" in err and key not in err
    # Stored hashed: the key itself is nowhere in the database file.
    assert key.encode() not in (tmp_path / "keys.db").read_bytes()

    assert main(["keys", "create", "--name", "pharmacist-bo"]) == 2  # names are unique
    assert "exists" in capsys.readouterr().err

    with TestClient(create_app(Settings(database_url=url, log_level="WARNING"))) as client:
        r = client.post(
            "/v1/labels/score",
            headers={"Authorization": f"Bearer {key}"},
            json={"text": "Magnesium 100 mg", "store": True},
        )
        assert r.status_code == 200, r.text
        pid = r.json()["product_id"]
        r = client.patch(f"/v1/products/{pid}", headers={"X-API-Key": key}, json={"name": "A"})
        assert r.status_code == 200
        assert r.json()["corrections"][0]["author"] == "pharmacist-bo"


def test_settings_read_both_database_url_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://a@h/one")
    assert Settings().database_url == "postgresql+psycopg://a@h/one"
    monkeypatch.setenv("LABELSCAN_DATABASE_URL", "postgresql+psycopg://a@h/two")
    assert Settings().database_url == "postgresql+psycopg://a@h/two"
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.delenv("LABELSCAN_DATABASE_URL")
    assert Settings().database_url == "sqlite:///var/labelscan.db"
    monkeypatch.setenv("LABELSCAN_AUTH_DISABLED", "1")
    assert Settings().auth_disabled is True
