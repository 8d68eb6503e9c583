"""Golden redirects looked up by target: when a customer is merged, split or loses a record, the ids
that led to it are pointed straight at where its records went (``c360.hub.identity.golden``).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("golden_redirect", schema=None) as batch_op:
        batch_op.create_index("ix_golden_redirect_to_id", ["to_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("golden_redirect", schema=None) as batch_op:
        batch_op.drop_index("ix_golden_redirect_to_id")
