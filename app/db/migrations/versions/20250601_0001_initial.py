"""Initial tables: API keys, photo blobs, products, scans and their photos, corrections.

Revision ID: 0001
Revises:
Create Date: 2025-06-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        _when("created_at"),
        _when("revoked_at", nullable=True),
    )
    op.create_index("ix_api_keys_prefix", "api_keys", ["prefix"], unique=True)
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(40), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        _when("created_at"),
    )
    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(300), nullable=True),
        sa.Column("brand", sa.String(200), nullable=True),
        sa.Column("upc", sa.String(32), nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("original_result", sa.JSON(), nullable=False),
        sa.Column("current_result", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=True),
        _when("created_at"),
        _when("updated_at"),
    )
    op.create_index("ix_products_upc", "products", ["upc"])
    op.create_table(
        "scans",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("product_id", sa.Integer(), sa.ForeignKey("products.id"), nullable=False),
        sa.Column("engine", sa.String(20), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("ocr_seconds", sa.Float(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=True),
        _when("created_at"),
    )
    op.create_index("ix_scans_product_id", "scans", ["product_id"])
    op.create_table(
        "scan_images",
        sa.Column("scan_id", sa.Integer(), sa.ForeignKey("scans.id"), primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("blob_sha256", sa.String(64), sa.ForeignKey("blobs.sha256"), nullable=False),
    )
    op.create_index("ix_scan_images_blob_sha256", "scan_images", ["blob_sha256"])
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("product_id", sa.Integer(), sa.ForeignKey("products.id"), nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("diff", sa.JSON(), nullable=False),
        _when("created_at"),
    )
    op.create_index("ix_corrections_product_id", "corrections", ["product_id"])


def downgrade() -> None:
    op.drop_table("corrections")
    op.drop_table("scan_images")
    op.drop_table("scans")
    op.drop_table("products")
    op.drop_table("blobs")
    op.drop_table("api_keys")
