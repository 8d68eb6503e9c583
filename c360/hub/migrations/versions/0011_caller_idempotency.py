"""Idempotency keys per caller, and API keys bound to the channels they record.

An idempotency key was unique across the whole event log, so a channel reusing another channel's
key got that channel's event back (or a CONFLICT that blocked its write). The unique constraint
moves from ``idempotency_key`` to ``(recorded_by, idempotency_key)``: ``recorded_by`` is the
caller's identity (``key:<name>:<key id>``). Existing rows stay as they are; every pair of them is
still distinct, since their keys were.

``api_key.channels`` lists the channels a key may record contacts for (NULL: every channel). An
existing key whose name names a channel (``call-center``, ``web``) is bound to that channel, as a
key made from now on with that name is; other existing keys keep recording any channel.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
# The canonical channels when this revision was written (c360.records.vocabulary.CHANNELS then).
_CHANNELS = frozenset({"business_hall", "call_center", "web", "app", "sms", "account_manager", "agent"})
_keys = sa.table("api_key", sa.column("id", sa.BigInteger()), sa.column("name", sa.String()), sa.column("channels", _JSON))


def upgrade() -> None:
    # event_log is referenced by no foreign key, so SQLite's table copy cascades to nothing.
    with op.batch_alter_table("event_log") as batch:
        batch.drop_constraint("uq_event_log_idempotency_key", type_="unique")
        batch.create_unique_constraint("uq_event_log_recorded_by_idempotency_key", ["recorded_by", "idempotency_key"])
    op.add_column("api_key", sa.Column("channels", _JSON, nullable=True))
    connection = op.get_bind()
    for id_, name in connection.execute(sa.select(_keys.c.id, _keys.c.name)).all():
        channel = name.strip().lower().replace("-", "_").replace(" ", "_")
        if channel in _CHANNELS:
            connection.execute(sa.update(_keys).where(_keys.c.id == id_).values(channels=[channel]))


def downgrade() -> None:
    # Fails while two callers hold the same key text: the log cannot go back to one key for everyone.
    with op.batch_alter_table("api_key") as batch:
        batch.drop_column("channels")
    with op.batch_alter_table("event_log") as batch:
        batch.drop_constraint("uq_event_log_recorded_by_idempotency_key", type_="unique")
        batch.create_unique_constraint("uq_event_log_idempotency_key", ["idempotency_key"])
