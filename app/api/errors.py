"""Every error as application/problem+json with a stable `type` (the way Polar maps its
exceptions to statuses): the table below is the whole mapping, and nothing else reaches the
client. Unexpected exceptions become a generic 500 in app.api.middleware, logged there with the
request id, never with a stack trace in the body."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException
from starlette.routing import Match, Mount

from app.logs import get_logger
from app.problems import PROBLEM_JSON, ProblemError, TooManyImagesError, problem_type
from ocr.engines import EngineError
from ocr.errors import ImageError

log = get_logger(__name__)

# ImageError.code -> (status, type slug, title). The codes are the OCR room's API.
IMAGE_ERRORS: Mapping[str, tuple[int, str, str]] = {
    "unsupported_media_type": (415, "unsupported-media-type", "Unsupported image type"),
    "image_too_large": (413, "image-too-large", "Image too large"),
    "corrupt_image": (422, "corrupt-image", "Image cannot be decoded"),
}
# EngineError.code -> (status, type slug, title, whether `detail` is safe to show).
ENGINE_ERRORS: Mapping[str, tuple[int, str, str, bool]] = {
    "ocr_timeout": (504, "ocr-timeout", "Reading the photo took too long", True),
    "engine_missing": (503, "ocr-engine-missing", "OCR engine not available", True),
}
_HTTP_SLUGS: Mapping[int, tuple[str, str]] = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Missing or invalid API key"),
    403: ("forbidden", "ForbiddenError"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
}


def request_id_of(request: Request) -> str | None:
    value = getattr(request.state, "request_id", None)
    return value if isinstance(value, str) else None


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    request_id: str | None,
    *,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": problem_type(slug),
        "title": title,
        "status": status,
        "detail": detail,
        "request_id": request_id,
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(
        body, status_code=status, headers=dict(headers or {}), media_type=PROBLEM_JSON
    )


async def _problem_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem(
        exc.status,
        exc.slug,
        exc.title,
        str(exc.detail),
        request_id_of(request),
        headers=exc.headers,
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if isinstance(exc, ProblemError):
        return await _problem_error(request, exc)
    if exc.status_code == 400 and str(exc.detail).startswith(_TOO_MANY_FILES):
        # The multipart parser stops at the app's file limit (max_images_per_scan) with a
        # plain 400; clients know this refusal by its own type.
        return await _problem_error(
            request, TooManyImagesError(f"one scan takes at most {_max_images(request)} images")
        )
    slug, title = _HTTP_SLUGS.get(exc.status_code, ("http-error", "HTTP error"))
    detail = exc.detail if isinstance(exc.detail, str) else title
    headers = exc.headers
    if exc.status_code == 405 and headers and "Allow" in headers:
        headers = {**headers, "Allow": _allowed_methods(request)}
    return problem(exc.status_code, slug, title, detail, request_id_of(request), headers=headers)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _allowed_methods(request: Request) -> str:
    """Every method the request's path takes. Starlette's 405 names only the methods of the
    first route whose path matched, and one path can be served by several routes (GET and
    PATCH /v1/products/{product_id} are two). Mounts are left out: a mount matches its whole
    prefix for any method and lets the app inside refuse."""
    routes = [r for r in request.app.router.routes if not isinstance(r, Mount)]
    return ", ".join(
        method
        for method in _METHODS
        if any(r.matches({**request.scope, "method": method})[0] == Match.FULL for r in routes)
    )


_TOO_MANY_FILES = "Too many files."  # Starlette's MultiPartException message


def _max_images(request: Request) -> int:
    limit: int = request.app.state.settings.max_images_per_scan
    return limit


def _clean_errors(errors: Any) -> list[dict[str, Any]]:
    """Pydantic's errors without `input`/`ctx`: they can echo a whole upload or a secret."""
    return [
        {
            "loc": list(e.get("loc", ())),
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in errors
    ]


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _clean_errors(exc.errors())
    first = errors[0] if errors else None
    where = ".".join(str(p) for p in first["loc"]) if first else ""
    detail = f"{where}: {first['msg']}" if first else "invalid request"
    if len(errors) > 1:
        detail += f" (and {len(errors) - 1} more)"
    return problem(
        422, "validation-error", "Request validation failed", detail, request_id_of(request),
        errors=errors,
    )  # fmt: skip


async def _image_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ImageError)
    status, slug, title = IMAGE_ERRORS.get(exc.code, (422, "image-error", "Unusable image"))
    return problem(status, slug, title, exc.detail, request_id_of(request), code=exc.code)


async def _engine_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, EngineError)
    rid = request_id_of(request)
    log.error("ocr_engine_error", code=exc.code, detail=exc.detail)
    if exc.code in ENGINE_ERRORS:
        status, slug, title, safe = ENGINE_ERRORS[exc.code]
        headers = {"Retry-After": "30"} if status == 503 else None
        detail = exc.detail if safe else title
        return problem(status, slug, title, detail, rid, code=exc.code, headers=headers)
    # The engine's own message can carry internals (paths, library errors): logged, not sent.
    return problem(
        500, "ocr-failed", "OCR failed", "the OCR engine failed on this photo", rid, code=exc.code
    )


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("database_unavailable", error=type(exc).__name__, message=str(exc).splitlines()[0])
    return problem(
        503,
        "database-unavailable",
        "Database unavailable",
        "the database cannot be reached; try again shortly",
        request_id_of(request),
        headers={"Retry-After": "5"},
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(ProblemError, _problem_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ImageError, _image_error)
    app.add_exception_handler(EngineError, _engine_error)
    app.add_exception_handler(OperationalError, _database_error)
    # Every pooled connection in use for the whole pool timeout: overload, not a bug.
    app.add_exception_handler(PoolTimeoutError, _database_error)
