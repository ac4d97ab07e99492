"""The problem+json body (RFC 9457) every error answers with."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "https://labelscan.dev/problems/unsupported-media-type",
                    "title": "Unsupported image type",
                    "status": 415,
                    "detail": "image 1: this is a PDF document, not a JPEG, PNG, WebP or HEIC",
                    "request_id": "3f2b8c0e9d3a4b1c",
                    "code": "unsupported_media_type",
                }
            ]
        }
    )

    type: str = Field(description="Stable URI naming the kind of problem; switch on this.")
    title: str
    status: int
    detail: str
    request_id: str | None = None
    code: str | None = Field(default=None, description="Machine code from the OCR room.")
    errors: list[FieldError] | None = Field(
        default=None, description="Request validation: each field that failed, and why."
    )


# One description per status, the same on every operation that can answer with it.
DESCRIPTIONS: dict[int, str] = {
    400: "The body cannot be parsed: bytes that are not UTF-8 JSON, a broken multipart form, or "
    "more form fields (or a longer one) than the service takes",
    401: "Missing or invalid API key",
    403: "The API key's role may not do this",
    404: "No such resource",
    409: "Not possible in the resource's current state",
    413: "Request body or upload too large",
    415: "Not a JPEG, PNG, WebP or HEIC image",
    422: "Invalid request: a validation problem lists each field that failed in `errors`; "
    "other refusals (an image that cannot be decoded, a file that is no product CSV) name "
    "theirs in `type`",
    429: "Over the API key's rate limit (Retry-After)",
    501: "Not implemented yet",
    503: "Busy (Retry-After), database unavailable, or OCR engine missing",
    504: "OCR took too long",
}

# What a request that fails validation is answered with (app.api.errors).
VALIDATION_EXAMPLE: dict[str, Any] = {
    "type": "https://labelscan.dev/problems/validation-error",
    "title": "Request validation failed",
    "status": 422,
    "detail": "path.product_id: Input should be greater than or equal to 1",
    "request_id": "3f2b8c0e9d3a4b1c",
    "errors": [
        {
            "loc": ["path", "product_id"],
            "msg": "Input should be greater than or equal to 1",
            "type": "greater_than_equal",
        }
    ],
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the problems a route can answer with."""
    return {
        status: {
            "model": Problem,
            "description": DESCRIPTIONS.get(status, "Problem"),
            "content": {
                "application/problem+json": {"example": VALIDATION_EXAMPLE} if status == 422 else {}
            },
        }
        for status in statuses
    }
