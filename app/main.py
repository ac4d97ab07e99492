"""The HTTP service: `create_app(settings)` builds it; `app` is the one uvicorn serves
(`uvicorn app.main:app`), built on first access so that importing this module has no side
effects."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from fastapi import FastAPI

from app.api import batches, docs, errors, health, labels, products, scans, spec
from app.api.middleware import (
    BodyLimitMiddleware,
    RequestContextMiddleware,
    ScanAdmissionMiddleware,
)
from app.batch.queue import start_runner
from app.db.session import make_engine
from app.logs import configure_logging, get_logger
from app.metrics import Metrics
from app.services import health as health_checks
from app.services.auth import VerifiedKeys
from app.services.pool import WorkerPool
from app.services.ratelimit import RateLimiter, make_storage
from app.settings import Settings, get_settings

DESCRIPTION = """Reads photos of Supplement Facts panels and scores magnesium supplements for
transplant recipients. It flags and explains; it never prescribes a dose.

Authenticate with an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`
(`labelscan keys create --name NAME --role app|reviewer`). Errors are
`application/problem+json` with a stable `type`."""

TAGS = [
    {"name": "scans", "description": "Photos of a label in, a scored result out (stored)."},
    {"name": "labels", "description": "Score label text or a structured label."},
    {"name": "products", "description": "Stored products and reviewers' corrections."},
    {"name": "batches", "description": "Batch scoring of product CSVs: jobs, progress, results."},
    {"name": "health", "description": "Probes and Prometheus metrics."},
]


def _version() -> str:
    try:
        return version("labelscan")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0.0.0"


def _log_missing_engines() -> None:
    """Says at start-up, not at the first scan, that an OCR engine cannot work (and why);
    /readyz reports the same."""
    for name, check in health_checks.ENGINE_CHECKS.items():
        result = check()
        if not result.ok:
            get_logger(__name__).error("ocr_engine_unavailable", engine=name, reason=result.detail)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    metrics = Metrics()
    db_engine = make_engine(settings.database_url)
    pool = WorkerPool(
        settings.scan_workers, settings.scan_queue, metrics, initial_job_s=settings.retry_after_s
    )

    rate_limiter = RateLimiter(
        make_storage(settings.redis_url),
        {"all": settings.rate_limit, "scan": settings.scan_rate_limit},
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        _log_missing_engines()
        # Batch jobs: threads that resume unfinished jobs, or the Redis queue's producer.
        batch_runner = start_runner(settings, db_engine)
        _app.state.batch_runner = batch_runner
        yield
        batch_runner.close()
        pool.shutdown()
        db_engine.dispose()

    app = FastAPI(
        title="labelscan",
        version=_version(),
        description=DESCRIPTION,
        openapi_tags=TAGS,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        # Multipart text fields (the profile) are few and short; files are counted by the
        # scans route and the body limit below.
        form_limits={
            "max_fields": settings.max_form_fields,
            "max_part_size": settings.max_form_field_bytes,
            "max_files": settings.max_images_per_scan,
        },
    )
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.db_engine = db_engine
    app.state.pool = pool
    app.state.verified_keys = VerifiedKeys(settings.auth_cache_s)
    app.state.rate_limiter = rate_limiter

    errors.install(app)
    # Added last = outermost: the request id exists before any limit or error handling.
    app.add_middleware(ScanAdmissionMiddleware, pool=pool)
    app.add_middleware(BodyLimitMiddleware, settings=settings)
    app.add_middleware(
        RequestContextMiddleware, metrics=metrics, log_requests=settings.log_requests
    )

    for router in (scans.router, labels.router, products.router, batches.router, health.router):
        app.include_router(router)
    docs.mount(app)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = spec.finish(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


@functools.cache
def _default_app() -> FastAPI:
    return create_app()


def __getattr__(name: str) -> Any:
    if name == "app":
        return _default_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
