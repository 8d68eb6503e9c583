-- The role the hub serves and syncs as: every row operation it needs on the hub's tables, and no way
-- to rewrite or remove audit rows. Migrations run as the owner of the tables; run this file as that
-- owner after every `c360 db upgrade`, in the hub's database and schema, e.g.
--   psql "$OWNER_URL" -v app_role=c360_app -v app_password=secret -f deploy/postgres/app-role.sql
-- (idempotent). The audit log's trigger (migration 0009) refuses UPDATE and DELETE for every role,
-- the owner included; this file takes the grants away as well, so the refusal does not rest on one
-- mechanism.
\set ON_ERROR_STOP on
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'app_role', :'app_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_role') \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), :'app_role') \gexec
SELECT format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), :'app_role') \gexec
SELECT format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', current_schema(), :'app_role') \gexec
SELECT format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %I TO %I', current_schema(), :'app_role') \gexec
SELECT format('REVOKE UPDATE, DELETE, TRUNCATE ON %I.audit_log FROM %I', current_schema(), :'app_role') \gexec
