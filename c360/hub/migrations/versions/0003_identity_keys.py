"""Identity resolution: the blocking-key index (identity_key).

Revision ID: 0003
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "identity_key",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("source_record_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_record_id"], ["source_record.id"],
            name=op.f("fk_identity_key_source_record_id_source_record"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_key")),
    )
    op.create_index("ix_identity_key_key", "identity_key", ["key"])
    op.create_index("ix_identity_key_source_record_id", "identity_key", ["source_record_id"])


def downgrade() -> None:
    op.drop_index("ix_identity_key_source_record_id", table_name="identity_key")
    op.drop_index("ix_identity_key_key", table_name="identity_key")
    op.drop_table("identity_key")
