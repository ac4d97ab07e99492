"""Probes and metrics: open, no API key (they carry no data)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from app.api.deps import MetricsDep
from app.schemas.health import Health, Readiness
from app.services import health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="The process is up")
async def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="Ready to serve: database reachable, both OCR engines loadable",
    responses={503: {"model": Readiness, "description": "Not ready; `checks` says what is wrong"}},
)
async def readyz(request: Request) -> JSONResponse:
    checks = {"database": await run_in_threadpool(health.database, request.app.state.db_engine)}
    for name, check in health.ENGINE_CHECKS.items():
        checks[f"ocr:{name}"] = await run_in_threadpool(check)
    # Every engine, not only the default: a scan may ask for either one (`engine`).
    ready = all(check.ok for check in checks.values())
    body = Readiness(ready=ready, checks=checks)
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if ready else 503)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/plain": {
                    "example": "labelscan_http_requests_total"
                    '{method="GET",route="/healthz",status="200"} 3.0\n'
                }
            },
            "description": "Prometheus text exposition format",
        }
    },
)
async def metrics(m: MetricsDep) -> Response:
    return Response(generate_latest(m.registry), media_type=CONTENT_TYPE_LATEST)
