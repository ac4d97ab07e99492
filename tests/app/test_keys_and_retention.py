"""`labelscan keys list|revoke` and `labelscan prune`, against the session's databases
(SQLite and PostgreSQL), through the CLI and the HTTP service together."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col, select

from app.cli import main
from app.db.models import Blob, Correction, Product, Scan, ScanImage
from app.db.session import make_engine
from app.main import create_app
from app.services.auth import Principal
from app.services.scans import Reading, store
from catalog.models import ScanResult
from tests.app.conftest import assert_problem, make_settings, panel_photo

TEXT = "Supplement Facts\nMagnesium (as magnesium glycinate) 200 mg 48%"


@pytest.fixture
def cli_db(empty_db: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("LABELSCAN_DATABASE_URL", empty_db)
    return empty_db


def _score(client: TestClient, headers: dict[str, str]) -> int:
    status: int = client.post("/v1/labels/score", headers=headers, json={"text": TEXT}).status_code
    return status


def test_a_revoked_key_is_refused_and_listed_as_revoked(
    cli_db: str,
    new_key: Callable[[str, str], dict[str, str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    app_key = new_key("phone-app", "app")
    other = new_key("kiosk", "app")
    settings = make_settings(cli_db, auth_cache_s=0)  # every request looks the key up
    with TestClient(create_app(settings)) as client:
        assert _score(client, app_key) == 200
        assert main(["keys", "revoke", "phone-app"]) == 0
        assert "revoked" in capsys.readouterr().err
        assert_problem(
            client.post("/v1/labels/score", headers=app_key, json={"text": TEXT}),
            401,
            "unauthorized",
        )
        assert _score(client, other) == 200  # only that key

    assert main(["keys", "revoke", "phone-app"]) == 2  # already revoked
    assert main(["keys", "revoke", "nobody"]) == 2
    capsys.readouterr()
    assert main(["keys", "list"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert set(lines) == {"kiosk", "phone-app"}
    assert lines["kiosk"].rstrip().endswith("-")
    assert not lines["phone-app"].rstrip().endswith("-")
    secret = app_key["Authorization"].removeprefix("Bearer ")
    assert secret[12:] not in "".join(lines.values())  # only the lookup prefix is shown


def test_a_verified_key_is_remembered_for_the_cache_time(
    cli_db: str, new_key: Callable[[str, str], dict[str, str]]
) -> None:
    """The documented trade: a revoked key works on a running server until its cache entry
    expires (LABELSCAN_AUTH_CACHE_S); a server that never verified it refuses it at once."""
    key = new_key("phone-app", "app")
    with TestClient(create_app(make_settings(cli_db, auth_cache_s=600))) as warm:
        assert _score(warm, key) == 200
        assert main(["keys", "revoke", "phone-app"]) == 0
        assert _score(warm, key) == 200
        with TestClient(create_app(make_settings(cli_db, auth_cache_s=600))) as cold:
            assert _score(cold, key) == 401


def _age(url: str, scan_id: int, days: int) -> None:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            when = datetime.now(UTC) - timedelta(days=days)
            session.execute(update(Scan).where(col(Scan.id) == scan_id).values(created_at=when))
            session.commit()
    finally:
        engine.dispose()


def test_prune_deletes_old_scans_and_unused_photos_but_keeps_products(
    cli_db: str,
    app_key: dict[str, str],
    reviewer_key: dict[str, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Stored through the service the scans route uses (the OCR itself is not under test).
    photo = panel_photo()
    other_photo = photo + b"\x00"  # the same picture, other bytes: another blob
    engine = make_engine(cli_db)
    ids = []
    try:
        with Session(engine, expire_on_commit=False) as session:
            for data in (photo, photo, other_photo):
                product, scan = store(
                    session,
                    photos=[data],
                    reading=Reading(ScanResult(), 1.0),
                    returned=ScanResult(),
                    engine="rapidocr",
                    profile=None,
                    who=Principal(name="phone-app", role="app"),
                )
                assert scan.id is not None and product.id is not None
                ids.append((scan.id, product.id))
    finally:
        engine.dispose()
    old_pid = ids[0][1]
    with TestClient(create_app(make_settings(cli_db))) as client:
        r = client.patch(f"/v1/products/{old_pid}", headers=reviewer_key, json={"name": "Kept"})
        assert r.status_code == 200, r.text
    # The first scan and the third are old; the second (same photo as the first) is recent.
    _age(cli_db, ids[0][0], days=100)
    _age(cli_db, ids[2][0], days=100)

    assert main(["prune", "--days", "30"]) == 0
    assert "deleted 2 scans" in capsys.readouterr().out

    engine = make_engine(cli_db)
    try:
        with Session(engine) as session:
            assert [s.id for s in session.exec(select(Scan)).all()] == [ids[1][0]]
            assert len(session.exec(select(ScanImage)).all()) == 1
            # The photo the recent scan still shows is kept; the other one is gone.
            assert len(session.exec(select(Blob)).all()) == 1
            products = session.exec(select(Product)).all()
            assert len(products) == 3
            kept = session.get(Product, old_pid)
            assert kept is not None and kept.name == "Kept" and kept.original_result
            assert len(session.exec(select(Correction)).all()) == 1
    finally:
        engine.dispose()
    with TestClient(create_app(make_settings(cli_db))) as client:
        detail = client.get(f"/v1/products/{old_pid}", headers=app_key).json()
        assert detail["scans"] == [] and detail["corrections"]
        assert client.get(f"/v1/scans/{ids[0][0]}", headers=app_key).status_code == 404

    assert main(["prune", "--days", "0"]) == 2
