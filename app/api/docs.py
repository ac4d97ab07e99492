"""/docs with no internet: Swagger UI's files are served from a Python package (fastapi-offline
ships Swagger UI 5, which renders OpenAPI 3.1) instead of FastAPI's default CDN."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC_URL = "/static/swagger-ui"
ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"

router = APIRouter(include_in_schema=False)


@router.get("/docs")
async def docs() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="labelscan API",
        swagger_js_url=f"{STATIC_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{STATIC_URL}/swagger-ui.css",
        swagger_favicon_url=f"{STATIC_URL}/favicon.png",
        # No "valid spec" badge: it would send the spec to an outside validator.
        swagger_ui_parameters={"validatorUrl": None, "tryItOutEnabled": False},
    )


def mount(app: FastAPI) -> None:
    app.mount(STATIC_URL, StaticFiles(directory=ASSETS), name="swagger-ui")
    app.include_router(router)
