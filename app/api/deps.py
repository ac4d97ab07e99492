"""Dependencies (the full-stack FastAPI template's pattern): everything a route needs comes in
through these, so tests can swap a real piece only where they must.

They are `async def` unless they block: FastAPI runs a plain `def` dependency on the threadpool,
and a hop there and back cost more than the work of these (profiled on text scoring). Database
work is the exception and is sent to the threadpool explicitly."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from app.metrics import Metrics
from app.problems import ForbiddenError, RateLimitedError, UnauthorizedError
from app.scan import scan_photos
from app.services.auth import LOCAL, Principal, VerifiedKeys, authenticate
from app.services.pool import WorkerPool
from app.services.ratelimit import RateLimiter
from app.services.scans import ScanFn
from app.settings import Settings

_bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer <key>`")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="`X-API-Key: <key>`")


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    # Making a Session does no I/O; it connects on first use, in whichever thread uses it.
    session = Session(request.app.state.db_engine, expire_on_commit=False)
    try:
        yield session
    finally:
        if session.in_transaction():
            # Giving the connection back rolls back: a round trip, kept off the event loop.
            await run_in_threadpool(session.close)
        else:
            session.close()


async def get_pool(request: Request) -> WorkerPool:
    pool: WorkerPool = request.app.state.pool
    return pool


async def get_metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


async def get_scan_fn(settings: SettingsDep) -> ScanFn:
    """The photo reader, with the settings' image limits. Only the overload test replaces it
    (with a slow one)."""
    return functools.partial(
        scan_photos, max_bytes=settings.max_image_bytes, max_pixels=settings.max_image_pixels
    )


SessionDep = Annotated[Session, Depends(get_session)]
PoolDep = Annotated[WorkerPool, Depends(get_pool)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
ScanFnDep = Annotated[ScanFn, Depends(get_scan_fn)]


async def get_principal(
    request: Request,
    settings: SettingsDep,
    session: SessionDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    api_key: Annotated[str | None, Security(_api_key)],
) -> Principal:
    if settings.auth_disabled:
        return LOCAL
    key = (bearer.credentials if bearer is not None else api_key or "").strip()
    if not key:
        raise UnauthorizedError("send an API key as `Authorization: Bearer <key>` or `X-API-Key`")
    verified: VerifiedKeys = request.app.state.verified_keys
    principal = verified.get(key)
    if principal is None:
        principal = await run_in_threadpool(authenticate, session, key)
        if principal is None:
            raise UnauthorizedError("unknown or revoked API key")
        verified.put(key, principal)
    await _rate_limit(request, "all", principal)
    return principal


async def _rate_limit(request: Request, group: str, who: Principal) -> None:
    limiter: RateLimiter = request.app.state.rate_limiter
    refusal = await limiter.hit(group, who.name)
    if refusal is not None:
        raise RateLimitedError(
            f"the key {who.name!r} is over its limit of {refusal.limit}",
            retry_after_s=refusal.retry_after_s,
        )


CurrentUser = Annotated[Principal, Depends(get_principal)]


async def scan_rate_limited(request: Request, who: CurrentUser) -> Principal:
    """The caller, counted against the scan limit as well (with auth on)."""
    if not request.app.state.settings.auth_disabled:
        await _rate_limit(request, "scan", who)
    return who


ScanUser = Annotated[Principal, Depends(scan_rate_limited)]


async def require_reviewer(who: CurrentUser) -> Principal:
    if not who.can("reviewer"):
        raise ForbiddenError(f"this needs the reviewer role; the key {who.name!r} has {who.role!r}")
    return who


Reviewer = Annotated[Principal, Depends(require_reviewer)]
