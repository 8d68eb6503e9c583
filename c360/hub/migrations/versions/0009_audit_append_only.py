"""The audit log refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL) for every role.

Append-only used to be a convention of the code: the application's database role could rewrite or
remove the record of who saw which customer. A trigger makes the database refuse it, whichever
client asks. On PostgreSQL a deployment also runs the hub under a role that lacks those grants
(``deploy/postgres/app-role.sql``); the trigger holds even for the owner.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "audit_log is append-only"

_POSTGRES_UP = (
    f"""CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END $$""",
    """CREATE TRIGGER audit_log_no_rewrite BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
)
_POSTGRES_DOWN = (
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_no_rewrite ON audit_log",
    "DROP FUNCTION IF EXISTS audit_log_append_only()",
)
_SQLITE_UP = (
    f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
)
_SQLITE_DOWN = ("DROP TRIGGER IF EXISTS audit_log_no_update", "DROP TRIGGER IF EXISTS audit_log_no_delete")


def _statements(postgres: Sequence[str], sqlite: Sequence[str]) -> Sequence[str]:
    return postgres if op.get_bind().dialect.name == "postgresql" else sqlite


def upgrade() -> None:
    for statement in _statements(_POSTGRES_UP, _SQLITE_UP):
        op.execute(statement)


def downgrade() -> None:
    for statement in _statements(_POSTGRES_DOWN, _SQLITE_DOWN):
        op.execute(statement)
