"""Identity resolution: the identity epoch, a token every writer of identity-relevant state replaces
(resolvers keep profiles and key holders in memory between pages while it holds theirs).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import c360.hub.models.base

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "identity_epoch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=36), nullable=False),
        sa.Column("changed_at", c360.hub.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_epoch")),
    )
    op.bulk_insert(table, [{"id": 1, "token": str(uuid.uuid4()), "changed_at": datetime.now(UTC)}])


def downgrade() -> None:
    op.drop_table("identity_epoch")
