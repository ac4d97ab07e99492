"""Fixtures for the hardening tests: the production app on a temporary SQLite database, with
auth on and real API keys (made the way `labelscan keys create` makes them)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlmodel import Session

from app.db.migrate import upgrade
from app.db.session import make_engine
from app.main import create_app
from app.services.auth import Role, create_key
from app.settings import Settings


def migrated_sqlite(folder: Path) -> str:
    url = f"sqlite:///{folder / 'labelscan.db'}"
    upgrade(url)
    return url


def issue_key(database_url: str, name: str, role: Role) -> str:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return create_key(session, name=name, role=role)
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Service:
    app: FastAPI
    database_url: str
    app_key: str
    reviewer_key: str

    def auth(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.app_key}"}


def make_service(folder: Path, database_url: str | None = None, **overrides: Any) -> Service:
    """The app on a new SQLite file in `folder` (or on `database_url`, migrated here), with an
    app key and a reviewer key."""
    if database_url is None:
        url = migrated_sqlite(folder)
    else:
        upgrade(database_url)
        url = database_url
    settings = Settings(database_url=url, log_level="WARNING", **overrides)
    return Service(
        app=create_app(settings),
        database_url=url,
        app_key=issue_key(url, "phone-app", "app"),
        reviewer_key=issue_key(url, "pharmacist", "reviewer"),
    )
