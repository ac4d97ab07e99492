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
    errors: list[FieldError] | None = None


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the problems a route can answer with."""
    descriptions = {
        401: "Missing or invalid API key",
        403: "The API key's role may not do this",
        404: "No such resource",
        413: "Upload too large",
        415: "Not a JPEG, PNG, WebP or HEIC image",
        422: "Invalid request, or an image that cannot be decoded",
        429: "Over the API key's rate limit (Retry-After)",
        501: "Not implemented yet",
        503: "Busy (Retry-After), database unavailable, or OCR engine missing",
        504: "OCR took too long",
    }
    return {
        status: {
            "model": Problem,
            "description": descriptions.get(status, "Problem"),
            "content": {"application/problem+json": {}},
        }
        for status in statuses
    }
