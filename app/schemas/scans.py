"""POST /v1/scans and GET /v1/scans/{id}."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from app.schemas import examples
from catalog.models import ScanResult


class ScanResponse(ScanResult):
    """The scan result of the contract, plus where it was stored."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{**examples.RESULT, "product_id": 12, "scan_id": 34}]}
    )

    product_id: int
    scan_id: int


class ScanImageOut(BaseModel):
    index: int
    sha256: str
    media_type: str
    size: int
    url: str
    preview_url: str


class ScanDetail(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 34,
                    "product_id": 12,
                    "engine": "rapidocr",
                    "profile": examples.PROFILE,
                    "ocr_seconds": 2.4,
                    "created_by": "phone-app",
                    "created_at": "2025-06-01T12:00:00Z",
                    "images": [
                        {
                            "index": 0,
                            "sha256": "9f86d081884c7d659a2feaa0c55ad015"
                            "a3bf4f1b2b0b822cd15d6c15b0f00a08",
                            "media_type": "image/jpeg",
                            "size": 482113,
                            "url": "/v1/scans/34/image?index=0",
                            "preview_url": "/v1/scans/34/preview.png?index=0",
                        }
                    ],
                    "result": examples.RESULT,
                }
            ]
        }
    )

    id: int
    product_id: int
    engine: str
    profile: dict[str, Any]
    ocr_seconds: float
    created_by: str | None
    created_at: datetime
    images: list[ScanImageOut]
    result: ScanResult
