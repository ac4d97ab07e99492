"""A request that cannot get a database connection in time (every pooled connection in use,
as under overload) is a 503 with Retry-After, not a 500. Found by bench/overload.py: 48
clients on one server exhausted SQLAlchemy's pool (5 + 10 overflow) and its TimeoutError
surfaced as 500."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

from sqlalchemy import create_engine, event, text

from tests.app.conftest import assert_problem
from tests.hardening.conftest import make_service

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


def test_an_exhausted_connection_pool_is_503(tmp_path: Path) -> None:
    service = make_service(tmp_path)
    # The app's own database behind a pool of one connection that gives up after 0.5 s: the
    # test holds that connection, as the other requests of an overloaded server would.
    small = create_engine(
        service.database_url, pool_size=1, max_overflow=0, pool_timeout=0.5,
        connect_args={"check_same_thread": False},
    )  # fmt: skip
    event.listen(small, "connect", lambda conn, _: conn.execute("PRAGMA foreign_keys=ON"))
    service.app.state.db_engine = small
    with TestClient(service.app) as client, small.connect() as held:
        held.execute(text("SELECT 1"))
        started = time.perf_counter()
        response = client.get("/v1/products", headers=service.auth())
        assert time.perf_counter() - started < 10
    body = assert_problem(response, 503, "database-unavailable")
    assert response.headers["retry-after"].isdigit()
    assert "try again" in body["detail"]
    small.dispose()
