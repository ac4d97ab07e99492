"""Dependencies (the full-stack FastAPI template's pattern): everything a route needs comes in
through these, so tests can swap a real piece only where they must."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from app.db.session import session_scope
from app.metrics import Metrics
from app.problems import ForbiddenError, UnauthorizedError
from app.scan import scan_photos
from app.services.auth import LOCAL, Principal, authenticate
from app.services.pool import WorkerPool
from app.services.scans import ScanFn
from app.settings import Settings

_bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer <key>`")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="`X-API-Key: <key>`")


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    yield from session_scope(request.app.state.db_engine)


def get_pool(request: Request) -> WorkerPool:
    pool: WorkerPool = request.app.state.pool
    return pool


def get_metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


def get_scan_fn() -> ScanFn:
    """The photo reader. Only the overload test replaces it (with a slow one)."""
    return scan_photos


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
PoolDep = Annotated[WorkerPool, Depends(get_pool)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
ScanFnDep = Annotated[ScanFn, Depends(get_scan_fn)]


def get_principal(
    settings: SettingsDep,
    session: SessionDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    api_key: Annotated[str | None, Security(_api_key)],
) -> Principal:
    if settings.auth_disabled:
        return LOCAL
    key = bearer.credentials if bearer is not None else api_key
    if not key:
        raise UnauthorizedError("send an API key as `Authorization: Bearer <key>` or `X-API-Key`")
    principal = authenticate(session, key.strip())
    if principal is None:
        raise UnauthorizedError("unknown or revoked API key")
    return principal


CurrentUser = Annotated[Principal, Depends(get_principal)]


def require_reviewer(who: CurrentUser) -> Principal:
    if not who.can("reviewer"):
        raise ForbiddenError(f"this needs the reviewer role; the key {who.name!r} has {who.role!r}")
    return who


Reviewer = Annotated[Principal, Depends(require_reviewer)]
