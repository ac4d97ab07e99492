"""Fixtures for the HTTP service: real databases (a SQLite file and PostgreSQL), real apps."""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import delete
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.db import models
from app.db.migrate import upgrade
from app.db.session import make_engine
from app.main import create_app
from app.services.auth import create_key
from app.settings import Settings
from bench.shared_data import shared_data

with warnings.catch_warnings():
    # Starlette suggests another HTTP client for its TestClient; httpx is the one we ship.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PG_SERVER_URL = os.environ.get(
    "LABELSCAN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PHOTOS = shared_data() / "photos-off-nutrition"
# A clear US Nutrition Facts photo (cereal): 16 rows, read the same by both engines.
PANEL_PHOTO = PHOTOS / "0016000275287.jpg"


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for the duration; dropped after."""
    try:
        admin = psycopg.connect(_libpq(PG_SERVER_URL), autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable at {PG_SERVER_URL} ({exc}); SQLite only")
    name = f"labelscan_test_{uuid.uuid4().hex[:12]}"
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        yield make_url(PG_SERVER_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database for the whole session, one of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'labelscan.db'}"
        upgrade(url)
        yield url
        return
    with postgres_database() as url:
        upgrade(url)
        yield url


_TABLES = [
    models.Correction,
    models.ScanImage,
    models.Scan,
    models.Blob,
    models.Product,
    models.ApiKey,
]


def clear_tables(database_url: str, tables: Sequence[Any]) -> None:
    """Deletes every row of `tables`, children before parents."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            for table in tables:
                session.execute(delete(table))
            session.commit()
    finally:
        engine.dispose()


@pytest.fixture
def empty_db(database_url: str) -> Iterator[str]:
    """The session's database, emptied after each test so tests cannot see each other."""
    yield database_url
    clear_tables(database_url, _TABLES)


def make_settings(url: str, **overrides: Any) -> Settings:
    return Settings(database_url=url, log_level="WARNING", **overrides)


@pytest.fixture
def settings(empty_db: str) -> Settings:
    return make_settings(empty_db)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture
def new_key(empty_db: str) -> Callable[[str, str], dict[str, str]]:
    """Creates an API key through the service and returns the request header carrying it."""

    def make(name: str, role: str) -> dict[str, str]:
        engine = make_engine(empty_db)
        try:
            with Session(engine) as session:
                key = create_key(session, name=name, role=role)  # type: ignore[arg-type]
        finally:
            engine.dispose()
        return {"Authorization": f"Bearer {key}"}

    return make


@pytest.fixture
def app_key(new_key: Callable[[str, str], dict[str, str]]) -> dict[str, str]:
    return new_key("phone-app", "app")


@pytest.fixture
def reviewer_key(new_key: Callable[[str, str], dict[str, str]]) -> dict[str, str]:
    return new_key("pharmacist-anna", "reviewer")


def panel_photo() -> bytes:
    return Path(PANEL_PHOTO).read_bytes()


def assert_problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    """The problem+json shape every error has."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["type"] == f"https://labelscan.dev/problems/{slug}", body
    assert body["status"] == status
    assert body["title"] and body["detail"]
    assert body["request_id"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text
    return body
