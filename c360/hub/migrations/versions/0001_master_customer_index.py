"""Master customer index: golden customers, source records, identifiers, facts, sync state, logs.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 10:56:52.261442
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import c360.hub.models.base

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('operation', sa.String(length=128), nullable=False),
    sa.Column('customer_id', sa.String(length=24), nullable=True),
    sa.Column('fields', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('detail', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_actor_at', ['actor', 'at'], unique=False)
        batch_op.create_index('ix_audit_log_customer_at', ['customer_id', 'at'], unique=False)

    op.create_table('event_log',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('type', sa.String(length=48), nullable=False),
    sa.Column('golden_id', sa.String(length=24), nullable=True),
    sa.Column('channel', sa.String(length=32), nullable=True),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('occurred_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=128), nullable=True),
    sa.Column('idempotency_key', sa.String(length=128), nullable=True),
    sa.Column('request_hash', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_event_log')),
    sa.UniqueConstraint('event_id', name=op.f('uq_event_log_event_id')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_event_log_idempotency_key'))
    )
    with op.batch_alter_table('event_log', schema=None) as batch_op:
        batch_op.create_index('ix_event_log_golden_seq', ['golden_id', 'seq'], unique=False)
        batch_op.create_index('ix_event_log_type_seq', ['type', 'seq'], unique=False)

    op.create_table('golden_customer',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('merged_into', sa.String(length=24), nullable=True),
    sa.Column('display_name', sa.String(length=200), nullable=True),
    sa.Column('name_key', sa.String(length=200), nullable=True),
    sa.Column('profile', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('resolvable', sa.Boolean(), nullable=False),
    sa.Column('created_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['merged_into'], ['golden_customer.id'], name=op.f('fk_golden_customer_merged_into_golden_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_golden_customer'))
    )
    with op.batch_alter_table('golden_customer', schema=None) as batch_op:
        batch_op.create_index('ix_golden_customer_merged_into', ['merged_into'], unique=False)
        batch_op.create_index('ix_golden_customer_name_key', ['name_key'], unique=False)

    op.create_table('source_record',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('source_key', sa.String(length=128), nullable=False),
    sa.Column('raw', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('normalized', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('source_updated_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('first_seen', c360.hub.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen', c360.hub.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('erased_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_record')),
    sa.UniqueConstraint('source', 'kind', 'source_key', name=op.f('uq_source_record_source_kind_source_key'))
    )
    with op.batch_alter_table('source_record', schema=None) as batch_op:
        batch_op.create_index('ix_source_record_kind_updated', ['kind', 'source_updated_at'], unique=False)

    op.create_table('sync_run',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('connector', sa.String(length=64), nullable=False),
    sa.Column('stream', sa.String(length=64), nullable=False),
    sa.Column('full', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('started_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('records_read', sa.Integer(), nullable=False),
    sa.Column('records_written', sa.Integer(), nullable=False),
    sa.Column('records_quarantined', sa.Integer(), nullable=False),
    sa.Column('records_deleted', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('host', sa.String(length=128), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_run'))
    )
    with op.batch_alter_table('sync_run', schema=None) as batch_op:
        batch_op.create_index('ix_sync_run_stream_started', ['connector', 'stream', 'started_at'], unique=False)

    op.create_table('sync_state',
    sa.Column('connector', sa.String(length=64), nullable=False),
    sa.Column('stream', sa.String(length=64), nullable=False),
    sa.Column('cursor', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('last_full_sync_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('connector', 'stream', name=op.f('pk_sync_state'))
    )
    op.create_table('account',
    sa.Column('account_type', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=True),
    sa.Column('opened_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('source_key', sa.String(length=128), nullable=False),
    sa.Column('party_source', sa.String(length=64), nullable=True),
    sa.Column('party_key', sa.String(length=128), nullable=True),
    sa.Column('source_updated_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('source_record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('golden_id', sa.String(length=24), nullable=True),
    sa.ForeignKeyConstraint(['golden_id'], ['golden_customer.id'], name=op.f('fk_account_golden_id_golden_customer')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_account_source_record_id_source_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account')),
    sa.UniqueConstraint('source_record_id', name=op.f('uq_account_source_record_id'))
    )
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.create_index('ix_account_golden_time', ['golden_id', 'opened_at'], unique=False)
        batch_op.create_index('ix_account_party', ['party_source', 'party_key'], unique=False)

    op.create_table('account_manager',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('source_key', sa.String(length=128), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=256), nullable=True),
    sa.Column('region', sa.String(length=64), nullable=True),
    sa.Column('source_record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('source_updated_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_account_manager_source_record_id_source_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_manager')),
    sa.UniqueConstraint('source_record_id', name=op.f('uq_account_manager_source_record_id'))
    )
    with op.batch_alter_table('account_manager', schema=None) as batch_op:
        batch_op.create_index('ix_account_manager_key', ['source', 'source_key'], unique=True)

    op.create_table('analysis',
    sa.Column('segment', sa.String(length=64), nullable=True),
    sa.Column('value_tier', sa.String(length=32), nullable=True),
    sa.Column('churn_score', sa.Double(), nullable=True),
    sa.Column('credit_score', sa.Integer(), nullable=True),
    sa.Column('as_of', sa.Date(), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('source_key', sa.String(length=128), nullable=False),
    sa.Column('party_source', sa.String(length=64), nullable=True),
    sa.Column('party_key', sa.String(length=128), nullable=True),
    sa.Column('source_updated_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('source_record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('golden_id', sa.String(length=24), nullable=True),
    sa.ForeignKeyConstraint(['golden_id'], ['golden_customer.id'], name=op.f('fk_analysis_golden_id_golden_customer')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_analysis_source_record_id_source_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_analysis')),
    sa.UniqueConstraint('source_record_id', name=op.f('uq_analysis_source_record_id'))
    )
    with op.batch_alter_table('analysis', schema=None) as batch_op:
        batch_op.create_index('ix_analysis_golden_time', ['golden_id', 'as_of'], unique=False)
        batch_op.create_index('ix_analysis_party', ['party_source', 'party_key'], unique=False)

    op.create_table('balance',
    sa.Column('account_key', sa.String(length=128), nullable=True),
    sa.Column('balance', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('arrears', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('source_key', sa.String(length=128), nullable=False),
    sa.Column('party_source', sa.String(length=64), nullable=True),
    sa.Column('party_key', sa.String(length=128), nullable=True),
    sa.Column('source_updated_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('source_record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('golden_id', sa.String(length=24), nullable=True),
    sa.ForeignKeyConstraint(['golden_id'], ['golden_customer.id'], name=op.f('fk_balance_golden_id_golden_customer')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_balance_source_record_id_source_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_balance')),
    sa.UniqueConstraint('source_record_id', name=op.f('uq_balance_source_record_id'))
    )
    with op.batch_alter_table('balance', schema=None) as batch_op:
        batch_op.create_index('ix_balance_golden_time', ['golden_id', 'source_updated_at'], unique=False)
        batch_op.create_index('ix_balance_party', ['party_source', 'party_key'], unique=False)

    op.create_table('bill',
    sa.Column('account_key', sa.String(length=128), nullable=True),
    sa.Column('period', sa.String(length=7), nullable=True),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('paid_amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('source_key', sa.String(length=128), nullable=False),
    sa.Column('party_source', sa.String(length=64), nullable=True),
    sa.Column('party_key', sa.String(length=128), nullable=True),
    sa.Column('source_updated_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('source_record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('golden_id', sa.String(length=24), nullable=True),
    sa.ForeignKeyConstraint(['golden_id'], ['golden_customer.id'], name=op.f('fk_bill_golden_id_golden_customer')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_bill_source_record_id_source_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bill')),
    sa.UniqueConstraint('source_record_id', name=op.f('uq_bill_source_record_id'))
    )
    with op.batch_alter_table('bill', schema=None) as batch_op:
        batch_op.create_index('ix_bill_golden_time', ['golden_id', 'period'], unique=False)
        batch_op.create_index('ix_bill_party', ['party_source', 'party_key'], unique=False)

    op.create_table('contact',
    sa.Column('channel', sa.String(length=32), nullable=True),
    sa.Column('direction', sa.String(length=16), nullable=True),
    sa.Column('type', sa.String(length=32), nullable=True),
    sa.Column('occurred_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('duration_s', sa.Integer(), nullable=True),
    sa.Column('agent', sa.String(length=64), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('outcome', sa.String(length=64), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('service_request_key', sa.String(length=128), nullable=True),
    sa.Column('event_seq', sa.BigInteger(), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('source_key', sa.String(length=128), nullable=False),
    sa.Column('party_source', sa.String(length=64), nullable=True),
    sa.Column('party_key', sa.String(length=128), nullable=True),
    sa.Column('source_updated_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('source_record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('golden_id', sa.String(length=24), nullable=True),
    sa.ForeignKeyConstraint(['golden_id'], ['golden_customer.id'], name=op.f('fk_contact_golden_id_golden_customer')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_contact_source_record_id_source_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact')),
    sa.UniqueConstraint('source_record_id', name=op.f('uq_contact_source_record_id'))
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index('ix_contact_golden_time', ['golden_id', 'occurred_at'], unique=False)
        batch_op.create_index('ix_contact_party', ['party_source', 'party_key'], unique=False)

    op.create_table('contract',
    sa.Column('title', sa.String(length=256), nullable=True),
    sa.Column('value', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('source_key', sa.String(length=128), nullable=False),
    sa.Column('party_source', sa.String(length=64), nullable=True),
    sa.Column('party_key', sa.String(length=128), nullable=True),
    sa.Column('source_updated_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('source_record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('golden_id', sa.String(length=24), nullable=True),
    sa.ForeignKeyConstraint(['golden_id'], ['golden_customer.id'], name=op.f('fk_contract_golden_id_golden_customer')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_contract_source_record_id_source_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract')),
    sa.UniqueConstraint('source_record_id', name=op.f('uq_contract_source_record_id'))
    )
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.create_index('ix_contract_golden_time', ['golden_id', 'start_date'], unique=False)
        batch_op.create_index('ix_contract_party', ['party_source', 'party_key'], unique=False)

    op.create_table('customer_order',
    sa.Column('order_type', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=True),
    sa.Column('channel', sa.String(length=32), nullable=True),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('created_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('source_key', sa.String(length=128), nullable=False),
    sa.Column('party_source', sa.String(length=64), nullable=True),
    sa.Column('party_key', sa.String(length=128), nullable=True),
    sa.Column('source_updated_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('source_record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('golden_id', sa.String(length=24), nullable=True),
    sa.ForeignKeyConstraint(['golden_id'], ['golden_customer.id'], name=op.f('fk_customer_order_golden_id_golden_customer')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_customer_order_source_record_id_source_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_order')),
    sa.UniqueConstraint('source_record_id', name=op.f('uq_customer_order_source_record_id'))
    )
    with op.batch_alter_table('customer_order', schema=None) as batch_op:
        batch_op.create_index('ix_customer_order_golden_time', ['golden_id', 'created_at'], unique=False)
        batch_op.create_index('ix_customer_order_party', ['party_source', 'party_key'], unique=False)

    op.create_table('golden_redirect',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('from_id', sa.String(length=24), nullable=False),
    sa.Column('to_id', sa.String(length=24), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['from_id'], ['golden_customer.id'], name=op.f('fk_golden_redirect_from_id_golden_customer')),
    sa.ForeignKeyConstraint(['to_id'], ['golden_customer.id'], name=op.f('fk_golden_redirect_to_id_golden_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_golden_redirect'))
    )
    with op.batch_alter_table('golden_redirect', schema=None) as batch_op:
        batch_op.create_index('ix_golden_redirect_from_id', ['from_id'], unique=False)

    op.create_table('identifier',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('source_record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('type', sa.String(length=24), nullable=False),
    sa.Column('value', sa.String(length=256), nullable=False),
    sa.Column('raw_value', sa.String(length=256), nullable=True),
    sa.Column('trusted', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=True),
    sa.Column('valid_from', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('valid_to', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_identifier_source_record_id_source_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identifier'))
    )
    with op.batch_alter_table('identifier', schema=None) as batch_op:
        batch_op.create_index('ix_identifier_source_record_id', ['source_record_id'], unique=False)
        batch_op.create_index('ix_identifier_type_value', ['type', 'value'], unique=False)

    op.create_table('party_relation',
    sa.Column('relation', sa.String(length=32), nullable=False),
    sa.Column('related_source', sa.String(length=64), nullable=True),
    sa.Column('related_key', sa.String(length=128), nullable=True),
    sa.Column('related_golden_id', sa.String(length=24), nullable=True),
    sa.Column('title', sa.String(length=128), nullable=True),
    sa.Column('attributes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('recorded_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('source_key', sa.String(length=128), nullable=False),
    sa.Column('party_source', sa.String(length=64), nullable=True),
    sa.Column('party_key', sa.String(length=128), nullable=True),
    sa.Column('source_updated_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('source_record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('golden_id', sa.String(length=24), nullable=True),
    sa.ForeignKeyConstraint(['golden_id'], ['golden_customer.id'], name=op.f('fk_party_relation_golden_id_golden_customer')),
    sa.ForeignKeyConstraint(['related_golden_id'], ['golden_customer.id'], name=op.f('fk_party_relation_related_golden_id_golden_customer')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_party_relation_source_record_id_source_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_relation')),
    sa.UniqueConstraint('source_record_id', name=op.f('uq_party_relation_source_record_id'))
    )
    with op.batch_alter_table('party_relation', schema=None) as batch_op:
        batch_op.create_index('ix_party_relation_golden_time', ['golden_id', 'recorded_at'], unique=False)
        batch_op.create_index('ix_party_relation_party', ['party_source', 'party_key'], unique=False)
        batch_op.create_index('ix_party_relation_related', ['related_golden_id'], unique=False)

    op.create_table('payment',
    sa.Column('account_key', sa.String(length=128), nullable=True),
    sa.Column('bill_key', sa.String(length=128), nullable=True),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('method', sa.String(length=32), nullable=True),
    sa.Column('paid_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('source_key', sa.String(length=128), nullable=False),
    sa.Column('party_source', sa.String(length=64), nullable=True),
    sa.Column('party_key', sa.String(length=128), nullable=True),
    sa.Column('source_updated_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('source_record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('golden_id', sa.String(length=24), nullable=True),
    sa.ForeignKeyConstraint(['golden_id'], ['golden_customer.id'], name=op.f('fk_payment_golden_id_golden_customer')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_payment_source_record_id_source_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment')),
    sa.UniqueConstraint('source_record_id', name=op.f('uq_payment_source_record_id'))
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index('ix_payment_golden_time', ['golden_id', 'paid_at'], unique=False)
        batch_op.create_index('ix_payment_party', ['party_source', 'party_key'], unique=False)

    op.create_table('quarantine',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('connector', sa.String(length=64), nullable=False),
    sa.Column('stream', sa.String(length=64), nullable=False),
    sa.Column('source_key', sa.String(length=128), nullable=True),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('run_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('retried_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['sync_run.id'], name=op.f('fk_quarantine_run_id_sync_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quarantine'))
    )
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.create_index('ix_quarantine_stream_status', ['connector', 'stream', 'status'], unique=False)

    op.create_table('service_request',
    sa.Column('type', sa.String(length=32), nullable=True),
    sa.Column('channel', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('caller_phone', sa.String(length=32), nullable=True),
    sa.Column('opened_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('source_key', sa.String(length=128), nullable=False),
    sa.Column('party_source', sa.String(length=64), nullable=True),
    sa.Column('party_key', sa.String(length=128), nullable=True),
    sa.Column('source_updated_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('source_record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('golden_id', sa.String(length=24), nullable=True),
    sa.ForeignKeyConstraint(['golden_id'], ['golden_customer.id'], name=op.f('fk_service_request_golden_id_golden_customer')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_service_request_source_record_id_source_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_request')),
    sa.UniqueConstraint('source_record_id', name=op.f('uq_service_request_source_record_id'))
    )
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.create_index('ix_service_request_golden_time', ['golden_id', 'opened_at'], unique=False)
        batch_op.create_index('ix_service_request_party', ['party_source', 'party_key'], unique=False)

    op.create_table('service_request_status',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('request_key', sa.String(length=128), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('changed_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('agent', sa.String(length=64), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('source_record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_service_request_status_source_record_id_source_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_request_status'))
    )
    with op.batch_alter_table('service_request_status', schema=None) as batch_op:
        batch_op.create_index('ix_service_request_status_request', ['source', 'request_key', 'changed_at'], unique=False)

    op.create_table('source_record_version',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('source_record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('raw', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('source_updated_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('recorded_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_source_record_version_source_record_id_source_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_record_version')),
    sa.UniqueConstraint('source_record_id', 'version', name=op.f('uq_source_record_version_source_record_id_version'))
    )
    op.create_table('steward_decision',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('left_record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('right_record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('decided_by', sa.String(length=128), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('decided_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['left_record_id'], ['source_record.id'], name=op.f('fk_steward_decision_left_record_id_source_record'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['right_record_id'], ['source_record.id'], name=op.f('fk_steward_decision_right_record_id_source_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_steward_decision')),
    sa.UniqueConstraint('left_record_id', 'right_record_id', 'decision', name=op.f('uq_steward_decision_left_record_id_right_record_id_decision'))
    )
    op.create_table('subscription',
    sa.Column('account_key', sa.String(length=128), nullable=True),
    sa.Column('msisdn', sa.String(length=32), nullable=True),
    sa.Column('plan_code', sa.String(length=64), nullable=True),
    sa.Column('plan_name', sa.String(length=128), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=True),
    sa.Column('activated_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deactivated_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('source_key', sa.String(length=128), nullable=False),
    sa.Column('party_source', sa.String(length=64), nullable=True),
    sa.Column('party_key', sa.String(length=128), nullable=True),
    sa.Column('source_updated_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('source_record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('golden_id', sa.String(length=24), nullable=True),
    sa.ForeignKeyConstraint(['golden_id'], ['golden_customer.id'], name=op.f('fk_subscription_golden_id_golden_customer')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_subscription_source_record_id_source_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscription')),
    sa.UniqueConstraint('source_record_id', name=op.f('uq_subscription_source_record_id'))
    )
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.create_index('ix_subscription_golden_time', ['golden_id', 'activated_at'], unique=False)
        batch_op.create_index('ix_subscription_msisdn', ['msisdn'], unique=False)
        batch_op.create_index('ix_subscription_party', ['party_source', 'party_key'], unique=False)

    op.create_table('xref',
    sa.Column('source_record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('golden_id', sa.String(length=24), nullable=False),
    sa.Column('role', sa.String(length=24), nullable=False),
    sa.Column('method', sa.String(length=24), nullable=False),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('evidence', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('decided_by', sa.String(length=128), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('matched_at', c360.hub.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['golden_id'], ['golden_customer.id'], name=op.f('fk_xref_golden_id_golden_customer')),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_xref_source_record_id_source_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('source_record_id', name=op.f('pk_xref'))
    )
    with op.batch_alter_table('xref', schema=None) as batch_op:
        batch_op.create_index('ix_xref_golden_id', ['golden_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('xref', schema=None) as batch_op:
        batch_op.drop_index('ix_xref_golden_id')

    op.drop_table('xref')
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.drop_index('ix_subscription_party')
        batch_op.drop_index('ix_subscription_msisdn')
        batch_op.drop_index('ix_subscription_golden_time')

    op.drop_table('subscription')
    op.drop_table('steward_decision')
    op.drop_table('source_record_version')
    with op.batch_alter_table('service_request_status', schema=None) as batch_op:
        batch_op.drop_index('ix_service_request_status_request')

    op.drop_table('service_request_status')
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.drop_index('ix_service_request_party')
        batch_op.drop_index('ix_service_request_golden_time')

    op.drop_table('service_request')
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.drop_index('ix_quarantine_stream_status')

    op.drop_table('quarantine')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_party')
        batch_op.drop_index('ix_payment_golden_time')

    op.drop_table('payment')
    with op.batch_alter_table('party_relation', schema=None) as batch_op:
        batch_op.drop_index('ix_party_relation_related')
        batch_op.drop_index('ix_party_relation_party')
        batch_op.drop_index('ix_party_relation_golden_time')

    op.drop_table('party_relation')
    with op.batch_alter_table('identifier', schema=None) as batch_op:
        batch_op.drop_index('ix_identifier_type_value')
        batch_op.drop_index('ix_identifier_source_record_id')

    op.drop_table('identifier')
    with op.batch_alter_table('golden_redirect', schema=None) as batch_op:
        batch_op.drop_index('ix_golden_redirect_from_id')

    op.drop_table('golden_redirect')
    with op.batch_alter_table('customer_order', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_order_party')
        batch_op.drop_index('ix_customer_order_golden_time')

    op.drop_table('customer_order')
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_index('ix_contract_party')
        batch_op.drop_index('ix_contract_golden_time')

    op.drop_table('contract')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_party')
        batch_op.drop_index('ix_contact_golden_time')

    op.drop_table('contact')
    with op.batch_alter_table('bill', schema=None) as batch_op:
        batch_op.drop_index('ix_bill_party')
        batch_op.drop_index('ix_bill_golden_time')

    op.drop_table('bill')
    with op.batch_alter_table('balance', schema=None) as batch_op:
        batch_op.drop_index('ix_balance_party')
        batch_op.drop_index('ix_balance_golden_time')

    op.drop_table('balance')
    with op.batch_alter_table('analysis', schema=None) as batch_op:
        batch_op.drop_index('ix_analysis_party')
        batch_op.drop_index('ix_analysis_golden_time')

    op.drop_table('analysis')
    with op.batch_alter_table('account_manager', schema=None) as batch_op:
        batch_op.drop_index('ix_account_manager_key')

    op.drop_table('account_manager')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index('ix_account_party')
        batch_op.drop_index('ix_account_golden_time')

    op.drop_table('account')
    op.drop_table('sync_state')
    with op.batch_alter_table('sync_run', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_run_stream_started')

    op.drop_table('sync_run')
    with op.batch_alter_table('source_record', schema=None) as batch_op:
        batch_op.drop_index('ix_source_record_kind_updated')

    op.drop_table('source_record')
    with op.batch_alter_table('golden_customer', schema=None) as batch_op:
        batch_op.drop_index('ix_golden_customer_name_key')
        batch_op.drop_index('ix_golden_customer_merged_into')

    op.drop_table('golden_customer')
    with op.batch_alter_table('event_log', schema=None) as batch_op:
        batch_op.drop_index('ix_event_log_type_seq')
        batch_op.drop_index('ix_event_log_golden_seq')

    op.drop_table('event_log')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_customer_at')
        batch_op.drop_index('ix_audit_log_actor_at')

    op.drop_table('audit_log')
