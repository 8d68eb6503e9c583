"""Identity resolution: stored learned match weights (versioned), the review queue's cache, and
the index finding a related party's relations by its silo key (facts follow a re-resolved party).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import c360.hub.models.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_TIME = c360.hub.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "match_weights",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("learned_at", _TIME, nullable=False),
        sa.Column("learned_by", sa.String(length=128), nullable=False),
        sa.Column("weights", _JSON, nullable=False),
        sa.Column("prior", _JSON, nullable=False),
        sa.Column("match_share", sa.Double(), nullable=False),
        sa.Column("candidate_pairs", sa.Integer(), nullable=False),
        sa.Column("random_pairs", sa.Integer(), nullable=False),
        sa.Column("iterations", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_weights")),
    )
    op.create_index("ix_match_weights_active", "match_weights", ["active", "id"])
    op.create_table(
        "review_pair",
        sa.Column("left_record_id", _ID, nullable=False),
        sa.Column("right_record_id", _ID, nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("reasons", _JSON, nullable=False),
        sa.ForeignKeyConstraint(["left_record_id"], ["source_record.id"],
                                name=op.f("fk_review_pair_left_record_id_source_record"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["right_record_id"], ["source_record.id"],
                                name=op.f("fk_review_pair_right_record_id_source_record"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("left_record_id", "right_record_id", name=op.f("pk_review_pair")),
    )
    op.create_index("ix_review_pair_right_record_id", "review_pair", ["right_record_id"])
    op.create_table(
        "review_record",
        sa.Column("source_record_id", _ID, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["source_record_id"], ["source_record.id"],
                                name=op.f("fk_review_record_source_record_id_source_record"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("source_record_id", name=op.f("pk_review_record")),
    )
    op.create_table(
        "review_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("common_keys", _JSON, nullable=False),
        sa.Column("key_watermark", _ID, nullable=False),
        sa.Column("refreshed_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_state")),
    )
    op.create_index("ix_party_relation_related_ref", "party_relation", ["related_source", "related_key"])


def downgrade() -> None:
    op.drop_index("ix_party_relation_related_ref", table_name="party_relation")
    op.drop_table("review_state")
    op.drop_table("review_record")
    op.drop_index("ix_review_pair_right_record_id", table_name="review_pair")
    op.drop_table("review_pair")
    op.drop_index("ix_match_weights_active", table_name="match_weights")
    op.drop_table("match_weights")
