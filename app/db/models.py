"""The tables. Request and response shapes live in app/schemas: a table is never a request body,
so a client cannot set ids, owners, scores or roles by naming them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Float, ForeignKey, Integer, LargeBinary, String
from sqlmodel import Field, SQLModel


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
