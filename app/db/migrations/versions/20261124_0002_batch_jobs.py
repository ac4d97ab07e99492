"""Batch jobs: uploaded product CSVs (in 1 MiB parts), jobs, their chunks and scored rows.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "batch_uploads",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        _when("created_at"),
    )
    op.create_table(
        "batch_upload_parts",
        sa.Column("sha256", sa.String(64), sa.ForeignKey("batch_uploads.sha256"), primary_key=True),
        sa.Column("part", sa.Integer(), primary_key=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "batch_jobs",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("batch_uploads.sha256"), nullable=False),
        sa.Column("filename", sa.String(255), nullable=True),
        sa.Column("format", sa.String(10), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.Column("profile_key", sa.String(64), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("products_total", sa.Integer(), nullable=True),
        sa.Column("products_done", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.BigInteger(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("chunk_size", sa.Integer(), nullable=False),
        sa.Column("error_code", sa.String(40), nullable=True),
        sa.Column("error_reason", sa.String(500), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=True),
        _when("created_at"),
        _when("started_at", nullable=True),
        _when("finished_at", nullable=True),
    )
    op.create_index("ix_batch_jobs_sha256", "batch_jobs", ["sha256"])
    op.create_index("ix_batch_jobs_state", "batch_jobs", ["state"])
    op.create_table(
        "batch_chunks",
        sa.Column("job_id", sa.String(40), sa.ForeignKey("batch_jobs.id"), primary_key=True),
        sa.Column("idx", sa.Integer(), primary_key=True),
        sa.Column("start_seq", sa.Integer(), nullable=False),
        sa.Column("stop_seq", sa.Integer(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(100), nullable=True),
    )
    op.create_table(
        "batch_results",
        sa.Column("job_id", sa.String(40), sa.ForeignKey("batch_jobs.id"), primary_key=True),
        sa.Column("chunk", sa.Integer(), primary_key=True),
        sa.Column("rows", sa.JSON(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("batch_results")
    op.drop_table("batch_chunks")
    op.drop_index("ix_batch_jobs_state", "batch_jobs")
    op.drop_index("ix_batch_jobs_sha256", "batch_jobs")
    op.drop_table("batch_jobs")
    op.drop_table("batch_upload_parts")
    op.drop_table("batch_uploads")
