"""/healthz and /readyz."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Health(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})

    status: str


class Check(BaseModel):
    ok: bool
    detail: str


class Readiness(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ready": True,
                    "checks": {
                        "database": {"ok": True, "detail": "sqlite reachable"},
                        "ocr:rapidocr": {"ok": True, "detail": "models present"},
                        "ocr:tesseract": {"ok": True, "detail": "tesseract 5.3.0 with eng"},
                    },
                }
            ]
        }
    )

    ready: bool
    checks: dict[str, Check]
