"""The tables. Request and response shapes live in app/schemas: a table is never a request body,
so a client cannot set ids, owners, scores or roles by naming them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
)
from sqlmodel import Field, SQLModel

# The largest id an INTEGER primary key holds (PostgreSQL's int4; SQLite's is wider). Ids in a
# path are bounded by it (and by 1): past it, the driver overflows instead of looking up.
MAX_ID = 2**31 - 1


def utcnow() -> datetime:
    return datetime.now(UTC)


def _when() -> Any:
    return Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class ApiKey(SQLModel, table=True):
    """A caller. Only the SHA-256 of the key is stored; `prefix` (the key's first characters,
    not secret) finds the row without scanning every hash."""

    __tablename__ = "api_keys"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(100), nullable=False, unique=True))
    role: str = Field(sa_column=Column(String(20), nullable=False))
    prefix: str = Field(sa_column=Column(String(16), nullable=False, unique=True, index=True))
    key_hash: str = Field(sa_column=Column(String(64), nullable=False))
    created_at: datetime = _when()
    revoked_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class Blob(SQLModel, table=True):
    """An uploaded photo, addressed by the SHA-256 of its bytes: the same photo sent twice is
    stored once, and a scan can always show the exact bytes it read."""

    __tablename__ = "blobs"

    sha256: str = Field(sa_column=Column(String(64), primary_key=True))
    size: int = Field(sa_column=Column(Integer, nullable=False))
    media_type: str = Field(sa_column=Column(String(40), nullable=False))
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = _when()


class Product(SQLModel, table=True):
    """One product. `original_result` is what was first read (OCR or submitted label) and is
    never written again; `current_result` carries reviewers' corrections."""

    __tablename__ = "products"

    id: int | None = Field(default=None, primary_key=True)
    name: str | None = Field(default=None, sa_column=Column(String(300), nullable=True))
    brand: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    upc: str | None = Field(default=None, sa_column=Column(String(32), nullable=True, index=True))
    source: str = Field(sa_column=Column(String(20), nullable=False))  # "scan" | "label"
    original_result: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    current_result: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_by: str | None = Field(default=None, sa_column=Column(String(100), nullable=True))
    created_at: datetime = _when()
    updated_at: datetime = _when()


class Scan(SQLModel, table=True):
    """One POST /v1/scans: which photos, for whom (profile), and the result as returned."""

    __tablename__ = "scans"

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(
        sa_column=Column(Integer, ForeignKey("products.id"), nullable=False, index=True)
    )
    engine: str = Field(sa_column=Column(String(20), nullable=False))
    profile: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    result: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    ocr_seconds: float = Field(default=0.0, sa_column=Column(Float, nullable=False))
    created_by: str | None = Field(default=None, sa_column=Column(String(100), nullable=True))
    created_at: datetime = _when()


class ScanImage(SQLModel, table=True):
    """The photos of a scan in the order they were sent (ingredients' `image` is this index)."""

    __tablename__ = "scan_images"

    scan_id: int = Field(
        sa_column=Column(Integer, ForeignKey("scans.id"), primary_key=True, nullable=False)
    )
    position: int = Field(sa_column=Column(Integer, primary_key=True, nullable=False))
    blob_sha256: str = Field(
        sa_column=Column(String(64), ForeignKey("blobs.sha256"), nullable=False, index=True)
    )


class Correction(SQLModel, table=True):
    """A reviewer's change to a product: who, what (a JSON diff of before/after) and when."""

    __tablename__ = "corrections"

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(
        sa_column=Column(Integer, ForeignKey("products.id"), nullable=False, index=True)
    )
    author: str = Field(sa_column=Column(String(100), nullable=False))
    diff: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = _when()


class BatchUpload(SQLModel, table=True):
    """A product CSV sent to POST /v1/batches, addressed by the SHA-256 of its bytes. The bytes
    are in `batch_upload_parts`, 1 MiB each: a file of hundreds of MB is written and read a part
    at a time, and workers on other machines read it through the database (no shared disk)."""

    __tablename__ = "batch_uploads"

    sha256: str = Field(sa_column=Column(String(64), primary_key=True))
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    parts: int = Field(sa_column=Column(Integer, nullable=False))
    created_at: datetime = _when()


class BatchUploadPart(SQLModel, table=True):
    __tablename__ = "batch_upload_parts"

    sha256: str = Field(
        sa_column=Column(
            String(64), ForeignKey("batch_uploads.sha256"), primary_key=True, nullable=False
        )
    )
    part: int = Field(sa_column=Column(Integer, primary_key=True, nullable=False))
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class BatchJob(SQLModel, table=True):
    """One scoring run of an upload for one caller and profile. State: queued → running →
    done | failed; a failed job always says why (`error_code`, `error_reason`)."""

    __tablename__ = "batch_jobs"

    id: str = Field(sa_column=Column(String(40), primary_key=True))
    sha256: str = Field(
        sa_column=Column(String(64), ForeignKey("batch_uploads.sha256"), nullable=False, index=True)
    )
    filename: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    format: str = Field(sa_column=Column(String(10), nullable=False))  # default download format
    # The profile the products are scored for ({} = none), and its canonical JSON's SHA-256:
    # the same file for the same caller and profile is the same job.
    profile: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    profile_key: str = Field(sa_column=Column(String(64), nullable=False))
    state: str = Field(sa_column=Column(String(10), nullable=False, index=True))
    products_total: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    products_done: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    rows_done: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    errors: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    chunk_size: int = Field(sa_column=Column(Integer, nullable=False))
    error_code: str | None = Field(default=None, sa_column=Column(String(40), nullable=True))
    error_reason: str | None = Field(default=None, sa_column=Column(String(500), nullable=True))
    # How many times the job was (re)started: by the first run, then by each resume.
    attempt: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    created_by: str | None = Field(default=None, sa_column=Column(String(100), nullable=True))
    created_at: datetime = _when()
    started_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    finished_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class BatchChunk(SQLModel, table=True):
    """Products [start_seq, stop_seq) of a job: the unit a worker scores and commits. `attempt`
    counts starts, so a chunk that kills its worker every time fails the job instead of looping."""

    __tablename__ = "batch_chunks"

    job_id: str = Field(
        sa_column=Column(String(40), ForeignKey("batch_jobs.id"), primary_key=True, nullable=False)
    )
    idx: int = Field(sa_column=Column(Integer, primary_key=True, nullable=False))
    start_seq: int = Field(sa_column=Column(Integer, nullable=False))
    stop_seq: int = Field(sa_column=Column(Integer, nullable=False))
    done: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    attempt: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    # "host:pid" of the worker that started it last: who to look at when a chunk hangs.
    claimed_by: str | None = Field(default=None, sa_column=Column(String(100), nullable=True))
    # Where its first product starts in the upload and what the reader knew there
    # (app.batch.reader.Resume as JSON): the chunk seeks there instead of reading from the start.
    resume: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class BatchResult(SQLModel, table=True):
    """A chunk's scored rows (one per product, in seq order), written in the same transaction
    that marks the chunk done: a crash never leaves half a chunk, and a resume skips it."""

    __tablename__ = "batch_results"

    job_id: str = Field(
        sa_column=Column(String(40), ForeignKey("batch_jobs.id"), primary_key=True, nullable=False)
    )
    chunk: int = Field(sa_column=Column(Integer, primary_key=True, nullable=False))
    rows: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
