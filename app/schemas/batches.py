"""Batch jobs as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

JOB_EXAMPLE: dict[str, Any] = {
    "id": "b-5f0c2a9d1e7b4c3a8d6e",
    "state": "running",
    "filename": "catalog.csv",
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "size": 1048576,
    "format": "csv",
    "products_total": 12000,
    "products_done": 4500,
    "rows_done": 51230,
    "errors": 3,
    "progress": 0.375,
    "attempt": 1,
    "duplicate": False,
    "error": None,
    "created_by": "phone-app",
    "created_at": "2026-11-24T10:00:00Z",
    "started_at": "2026-11-24T10:00:01Z",
    "finished_at": None,
    "links": {
        "self": "/v1/batches/b-5f0c2a9d1e7b4c3a8d6e",
        "results": "/v1/batches/b-5f0c2a9d1e7b4c3a8d6e/results",
    },
}

BatchState = Literal["queued", "running", "done", "failed"]
ResultFormat = Literal["csv", "jsonl"]


class BatchError(BaseModel):
    code: str = Field(description="Stable machine code, e.g. `too_many_rows`, `worker_lost`")
    reason: str


class BatchLinks(BaseModel):
    self: str
    results: str


class BatchJobOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [JOB_EXAMPLE]})

    id: str
    state: BatchState
    filename: str | None
    sha256: str = Field(description="SHA-256 of the uploaded file: the same bytes, the same job")
    size: int = Field(description="Bytes uploaded")
    format: ResultFormat = Field(description="The results' format unless the download asks")
    products_total: int | None = Field(description="Known once the file has been read through")
    products_done: int
    rows_done: int = Field(description="CSV records behind the products done")
    errors: int = Field(description="Products whose output row carries an error")
    progress: float | None = Field(description="products_done / products_total, 0 to 1")
    attempt: int = Field(description="Runs of the job: 1, plus one per resume after a restart")
    duplicate: bool = Field(
        default=False, description="True when this upload matched a job you had already sent"
    )
    error: BatchError | None = Field(description="Why a failed job failed")
    created_by: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    links: BatchLinks
