"""Batch chunks: where a chunk's first product starts in the upload (`resume`), so a worker
reads only its own products instead of the file from its start.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: chunks planned before this revision have none and are read from the start.
    op.add_column("batch_chunks", sa.Column("resume", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("batch_chunks") as batch:
        batch.drop_column("resume")
