"""The two places a C360Error reaches its user: the CLI (one line, exit 2) and GraphQL (a code)."""

from __future__ import annotations

import typer
from graphql import GraphQLError
from typer.models import CommandInfo

from c360.app.cli.main import app
from c360.errors import DatabaseError
from c360.hub.events.writes import EventConflict
from c360.hub.privacy.erase import ErasureError, UnknownCustomer
from c360.resolvers.errors import StreamsBusy
from c360.schema.errors import api_error, classify
from c360.sync.targets import UnknownTarget


def _commands(typer_app: typer.Typer, prefix: str = "") -> list[tuple[str, CommandInfo]]:
    found = [(f"{prefix}{info.name}", info) for info in typer_app.registered_commands]
    for group in typer_app.registered_groups:
        assert group.typer_instance is not None
        found += _commands(group.typer_instance, f"{prefix}{group.name} ")
    return found


def test_every_command_reports_c360_errors_as_one_line() -> None:
    commands = _commands(app)
    assert len(commands) > 20, [name for name, _ in commands]
    unreported = [name for name, info in commands if not getattr(info.callback, "reports_errors", False)]
    assert unreported == [], f"decorate these commands with c360.app.cli.errors.reported: {unreported}"


def test_a_domain_error_gets_its_code_and_its_field() -> None:
    found = api_error(UnknownCustomer("G1"), field="id")
    assert found.extensions == {"code": "NOT_FOUND", "field": "id"} and str(found) == "no golden customer with that id: G1"
    refused = api_error(ErasureError("an erasure needs a reason"), field="id")
    assert refused.extensions == {"code": "BAD_USER_INPUT", "field": "id"} and str(refused) == "id: an erasure needs a reason"
    busy = api_error(StreamsBusy(["boss.customers"]), streams=["boss.customers"])
    assert busy.extensions == {"code": "CONFLICT", "streams": ["boss.customers"]}
    worded = api_error(EventConflict("k"), "idempotency key was already used with a different input", field="input.idempotencyKey")
    assert str(worded) == "idempotency key was already used with a different input" and worded.extensions["code"] == "CONFLICT"


def test_a_domain_error_no_resolver_wrapped_keeps_its_code_and_an_unknown_one_is_masked() -> None:
    escaped = classify(GraphQLError("no connector 'crm'", path=["triggerSync"], original_error=UnknownTarget("no connector 'crm'")))
    assert escaped.extensions == {"code": "BAD_USER_INPUT"} and escaped.message == "no connector 'crm'"
    masked = classify(GraphQLError("cannot reach database", path=["customer"], original_error=DatabaseError("cannot reach database")))
    assert masked.extensions == {"code": "INTERNAL_SERVER_ERROR"} and masked.message == "Unexpected error."
