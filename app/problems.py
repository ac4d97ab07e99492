"""Errors as RFC 9457 problems: each kind has a stable `type` URI that clients can switch on.

`ProblemError` subclasses Starlette's HTTPException on purpose: FastAPI re-raises an
HTTPException thrown while it reads a request body (where the upload limits fire), while any
other exception there would be turned into a bare 400.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from starlette.exceptions import HTTPException

PROBLEM_BASE = "https://labelscan.dev/problems/"
PROBLEM_JSON = "application/problem+json"


def problem_type(slug: str) -> str:
    return PROBLEM_BASE + slug


class ProblemError(HTTPException):
    status: ClassVar[int] = 500
    slug: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal server error"

    def __init__(self, detail: str, *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status_code=self.status, detail=detail, headers=dict(headers or {}))


class NotFoundError(ProblemError):
    status = 404
    slug = "not-found"
    title = "Not found"


class UnauthorizedError(ProblemError):
    status = 401
    slug = "unauthorized"
    title = "Missing or invalid API key"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class ForbiddenError(ProblemError):
    status = 403
    slug = "forbidden"
    title = "Not allowed for this API key's role"


class PayloadTooLargeError(ProblemError):
    status = 413
    slug = "payload-too-large"
    title = "Request body too large"


class TooManyImagesError(ProblemError):
    status = 422
    slug = "too-many-images"
    title = "Too many images in one scan"


class InvalidRequestError(ProblemError):
    """A request that passed schema validation but makes no sense (e.g. both `text` and
    `label`)."""

    status = 422
    slug = "validation-error"
    title = "Request validation failed"


class RateLimitedError(ProblemError):
    status = 429
    slug = "rate-limited"
    title = "Too many requests for this API key"

    def __init__(self, detail: str, *, retry_after_s: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after_s)})


class ServiceBusyError(ProblemError):
    status = 503
    slug = "service-busy"
    title = "All OCR workers are busy"

    def __init__(self, detail: str, *, retry_after_s: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after_s)})


class NotImplementedYetError(ProblemError):
    status = 501
    slug = "not-implemented"
    title = "Not implemented yet"
