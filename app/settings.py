"""Configuration from the environment (prefix LABELSCAN_), read once."""

from __future__ import annotations

import functools
from typing import Literal

from PIL import Image as PILImage
from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from ocr.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS

DEFAULT_DATABASE_URL = "sqlite:///var/labelscan.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="LABELSCAN_", extra="ignore", populate_by_name=True
    )

    # The OCR engine for photos; both are installed, RapidOCR measured better (bench/).
    ocr_engine: Literal["rapidocr", "tesseract"] = "rapidocr"
    # Upload limits, checked before any pixel is decoded; every decode of a photo (the upload
    # check, OCR, the preview) takes these. Past Pillow's own decompression-bomb guard (about
    # 89 MP), which the decode keeps, a higher pixel limit could not be honoured.
    max_image_bytes: int = Field(default=DEFAULT_MAX_BYTES, ge=1)
    max_image_pixels: int = Field(default=DEFAULT_MAX_PIXELS, ge=1, le=PILImage.MAX_IMAGE_PIXELS)

    # --- HTTP service ---
    # SQLite by default; PostgreSQL as postgresql+psycopg://user@host/db. The unprefixed
    # DATABASE_URL is what hosting platforms set, so both spellings are read.
    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        validation_alias=AliasChoices("LABELSCAN_DATABASE_URL", "DATABASE_URL"),
    )
    # Local use only: every request acts as a reviewer named "local".
    auth_disabled: bool = False
    # Seconds an idle keep-alive connection stays open. Longer than a pooled client's own idle
    # window (httpx and many others: 5 s; proxies: up to 60 s), so the client closes first: with
    # uvicorn's default of 5 s, a client reusing a connection as the server closed it saw a
    # reset (1 ReadError in 18,414 requests under load; a known race of the two timers).
    keep_alive_s: int = Field(default=75, ge=1, le=3600)
    # OCR holds a core for seconds: a small pool, a short queue, then 503 + Retry-After rather
    # than an unbounded backlog that times every client out.
    scan_workers: int = Field(default=2, ge=1, le=64)
    scan_queue: int = Field(default=4, ge=0, le=1000)
    # Seconds one scan is assumed to take until one has been timed; a 503's Retry-After is
    # the time the pool's work takes to drain at the measured mean.
    retry_after_s: int = Field(default=5, ge=1)
    # Photos in one scan request, and the whole multipart body (counted while it streams in).
    max_images_per_scan: int = Field(default=6, ge=1)
    max_upload_bytes: int = Field(default=60_000_000, ge=1)
    # Any other request body (JSON).
    max_json_bytes: int = Field(default=1_000_000, ge=1)
    # Text fields of a multipart form (profile fields): how many, and how long each may be.
    max_form_fields: int = Field(default=32, ge=1)
    max_form_field_bytes: int = Field(default=16_384, ge=1)
    # Verified API keys are remembered this many seconds (0: a lookup on every request). A key
    # revoked with `labelscan keys revoke` stops working on a running server within this time.
    auth_cache_s: float = Field(default=30.0, ge=0, le=3600)
    # Per API key, in the `limits` notation ("600/minute;10000/hour"); empty: no limit. Scans
    # hold an OCR worker for seconds, so they have a limit of their own as well. With auth
    # disabled (local use) there is no key and nothing is limited.
    rate_limit: str = "600/minute"
    scan_rate_limit: str = "30/minute"
    # Redis (redis://host:6379/0): rate-limit counters shared by every worker and replica, and
    # the batch queue. Without it, counters are kept per process. Both spellings are read.
    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("LABELSCAN_REDIS_URL", "REDIS_URL")
    )
    # --- Batch jobs (POST /v1/batches) ---
    # A product CSV may be hundreds of MB; it is counted while it streams in and stored in the
    # database (so workers on other machines read it with no shared disk).
    max_batch_bytes: int = Field(default=512_000_000, ge=1)
    # Products per unit of work: the unit a worker claims, commits and redoes after a crash.
    batch_chunk_products: int = Field(default=500, ge=1)
    # Threads scoring chunks inside the service when no Redis URL is set.
    batch_threads: int = Field(default=2, ge=1, le=64)
    # A chunk started this many times without finishing (its worker died each time) fails the job.
    batch_max_attempts: int = Field(default=3, ge=1)
    # Queue (dramatiq on Redis): a worker silent this long is dead and its chunks go to others.
    batch_heartbeat_timeout_ms: int = Field(default=60_000, ge=1000)
    # Per million broker commands, how many also sweep dead workers' messages back to the queue.
    batch_maintenance_chance: int = Field(default=1000, ge=1, le=1_000_000)
    # Prefix of the queue's Redis keys: deployments (or test runs) sharing a Redis stay apart.
    batch_queue_namespace: str = "labelscan"
    # `labelscan prune` deletes scans (and photos no scan uses any more) older than this.
    scan_retention_days: int = Field(default=365, ge=1)
    # One access-log line per request; off, only errors and slow requests are logged.
    log_requests: bool = True
    log_level: str = "INFO"
    # JSON log lines for machines; plain key=value lines are easier on a terminal.
    log_json: bool = True


@functools.cache
def get_settings() -> Settings:
    return Settings()
