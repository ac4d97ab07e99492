"""What the service says when a piece it needs is missing: Tesseract or its English data (at
start-up in the log, and in /readyz), or the database (503 problem+json, then recovery by
itself when it comes back). Real failures: a PATH without tesseract, an empty tessdata folder,
a PostgreSQL behind a proxy that is switched off, a SQLite path that cannot be opened."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from app.db.migrate import upgrade
from app.main import create_app
from tests.app.conftest import assert_problem, make_settings, postgres_database

TEXT = {"text": "Magnesium (as magnesium citrate) 100 mg"}


def _tesseract_check(client: TestClient) -> tuple[int, dict[str, Any]]:
    r = client.get("/readyz")
    check: dict[str, Any] = r.json()["checks"]["ocr:tesseract"]
    return r.status_code, check


@pytest.mark.parametrize("broken", ["no_binary", "no_english_data"])
def test_missing_tesseract_is_logged_at_start_and_fails_readiness(
    broken: str,
    empty_db: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    if broken == "no_binary":
        monkeypatch.setenv("PATH", str(tmp_path))  # a folder with no programs in it
        reason = "tesseract binary not found"
    else:
        monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))  # no language files there
        reason = "no English data"
    with TestClient(create_app(make_settings(empty_db, auth_disabled=True))) as client:
        status, check = _tesseract_check(client)
        assert status == 503
        assert check["ok"] is False and reason in check["detail"]
        # Everything that does not need Tesseract still works.
        assert client.post("/v1/labels/score", json=TEXT).status_code == 200
    logged = [r.getMessage() for r in caplog.records if "ocr_engine_unavailable" in r.getMessage()]
    assert len(logged) == 1 and reason in logged[0]


class SwitchableProxy:
    """A TCP proxy to PostgreSQL on a free loopback port, on its own thread. Switched off, it
    drops every open connection and refuses new ones, as a database that went away does."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    def _call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=10)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.CancelledError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self._writers |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in self._writers:
            writer.transport.abort()
        self._writers.clear()

    def on(self) -> None:
        self._call(self._start())

    def off(self) -> None:
        self._call(self._stop())

    def close(self) -> None:
        self.off()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)


@pytest.fixture
def proxied_postgres() -> Iterator[tuple[str, SwitchableProxy]]:
    with postgres_database() as url:
        upgrade(url)
        parsed = make_url(url)
        proxy = SwitchableProxy((parsed.host or "127.0.0.1", parsed.port or 5432))
        proxy.on()
        try:
            yield parsed.set(host="127.0.0.1", port=proxy.port).render_as_string(False), proxy
        finally:
            proxy.close()


def _refused(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_postgres_going_away_is_503_and_the_service_recovers_by_itself(
    proxied_postgres: tuple[str, SwitchableProxy],
) -> None:
    url, proxy = proxied_postgres
    settings = make_settings(url, auth_disabled=True)
    stored = {**TEXT, "store": True}
    with TestClient(create_app(settings)) as client:
        assert client.post("/v1/labels/score", json=stored).status_code == 200
        assert client.get("/readyz").json()["checks"]["database"]["ok"] is True

        proxy.off()  # pooled connections die, new ones are refused
        assert _refused(proxy.port)
        r = client.post("/v1/labels/score", json=stored)
        body = assert_problem(r, 503, "database-unavailable")
        assert r.headers["retry-after"]
        assert str(proxy.port) not in body["detail"]
        assert_problem(client.get("/v1/products"), 503, "database-unavailable")
        assert client.get("/readyz").status_code == 503
        # Work that needs no database goes on.
        assert client.post("/v1/labels/score", json=TEXT).status_code == 200

        proxy.on()  # same port: the database is back
        r = client.post("/v1/labels/score", json=stored)
        assert r.status_code == 200, r.text
        assert client.get("/v1/products").json()["total"] == 2
        assert client.get("/readyz").json()["checks"]["database"]["ok"] is True


def test_a_sqlite_database_that_cannot_be_opened_is_503(tmp_path: Path) -> None:
    path = tmp_path / "db" / "labelscan.db"
    path.mkdir(parents=True)  # a folder where the database file should be
    settings = make_settings(f"sqlite:///{path}", auth_disabled=True)
    # Requests only (no lifespan): start-up work that needs the database is not under test.
    client = TestClient(create_app(settings))
    assert_problem(client.get("/v1/products"), 503, "database-unavailable")
    assert client.get("/readyz").status_code == 503
    assert client.post("/v1/labels/score", json=TEXT).status_code == 200
