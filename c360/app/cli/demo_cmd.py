"""`c360 demo`: the whole hub on one machine, on SQLite and the built-in simulated silos."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path

import typer

from c360.app.cli._console import console, progress_bar
from c360.app.cli.demo_config import DemoConfig, write_demo_config
from c360.app.cli.errors import reported
from c360.app.cli.sync_cmd import run_with_progress
from c360.app.server import ensure_port_free, serve
from c360.app.silo_setup import DEMO_API_KEY, LiveSilos, build_silos
from c360.config import Secret, Settings, load_settings
from c360.hub.auth import CHANNEL_SCOPES, create_key, issue_token
from c360.hub.capabilities import missing
from c360.hub.db import create_db_engine, describe_url
from c360.hub.db.migrate import upgrade
from c360.hub.identity.resolver import IdentityResolver
from c360.hub.logging_setup import setup_logging

__all__ = ["demo_command", "complaint_curl", "SAMPLE_QUERY", "SAMPLE_COMPLAINT", "DEMO_SYNC_INTERVAL_S", "DEMO_CHANNELS"]

DEMO_CHANNELS = ("call-center", "business-hall", "app", "web")

DEMO_SYNC_INTERVAL_S = 30
API_KEY_ENVS = ("C360_BOSS_API_KEY", "C360_KEYACCOUNT_API_KEY")
SAMPLE_COMPLAINT = "投诉流量扣费异常（热线）"

SAMPLE_QUERY = """{
  searchCustomers(text: "张伟", first: 3) {
    edges { node { score matched customer {
      id displayName kind
      identifiers(first: 5) { edges { node { type value } } }
      subscriptions(first: 3) { edges { node { msisdn planName status } } }
      serviceRequests(first: 3) { edges { node { type channel status statusHistory { nodes { status changedAt } } } } }
      balance { balance arrears inArrears }
      analysis { segment valueTier churnScore creditScore asOf }
    } } }
  }
  hub { counts { goldenCustomers sourceRecords quarantined events } }
}"""


def _demo_settings(settings: Settings, servers: object) -> Settings:
    """The settings with one connector table per simulated silo, scheduled for the demo (and written down)."""
    from c360.connectors.registry import demo_connectors_config

    tables = demo_connectors_config(
        boss_url=servers.boss_url,  # type: ignore[attr-defined]
        keyaccount_url=servers.keyaccount_url,  # type: ignore[attr-defined]
        billing_dsn=servers.billing_dsn,  # type: ignore[attr-defined]
        callcenter_dir=servers.callcenter_dir,  # type: ignore[attr-defined]
        bi_dir=servers.bi_dir,  # type: ignore[attr-defined]
        schedule={"interval_seconds": DEMO_SYNC_INTERVAL_S},
    )
    return dataclasses.replace(settings, connectors=tables)


def _sample_person(engine: object) -> tuple[str, str] | None:
    """A person to try the console on: (golden id, the last four digits of their phone); never the full number."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from c360.hub.models import GoldenCustomer

    with Session(engine) as session:  # type: ignore[arg-type]
        rows = session.execute(
            select(GoldenCustomer.id, GoldenCustomer.profile)
            .where(GoldenCustomer.status == "active", GoldenCustomer.kind == "person")
            .order_by(GoldenCustomer.id)
            .limit(200)
        )
        for golden_id, profile in rows:
            phones = ((profile or {}).get("phones") or {}).get("value") or []
            number = phones[0].get("number") if phones and isinstance(phones[0], dict) else (phones[0] if phones else None)
            digits = re.sub(r"\D", "", str(number or ""))
            if len(digits) >= 11 and digits[-11] == "1":  # a mobile number, which the console finds in any format
                return golden_id, digits[-4:]
    return None


def complaint_curl(host: str, port: int, key: str, customer_id: str) -> str:
    """A ``curl`` line recording a hotline complaint for ``customer_id`` (what the console then shows live)."""
    occurred = datetime.now(UTC).replace(microsecond=0).isoformat()
    body = json.dumps(
        {
            "query": "mutation($i: RecordContactInput!) { recordContact(input: $i) { event { seq serviceRequestId } } }",
            "variables": {"i": {"customer": {"id": customer_id}, "channel": "CALL_CENTER", "type": "COMPLAINT",
                                "occurredAt": occurred, "agent": "demo-hotline", "summary": SAMPLE_COMPLAINT}},
        },
        ensure_ascii=False,
    )
    return (f"curl -s http://{host}:{port}/graphql -H 'Authorization: Bearer {key}' "
            f"-H 'Content-Type: application/json' -d '{body}'")


def _print_credentials(settings: Settings, engine: object, host: str, port: int) -> Settings:
    """One API key per channel, a self-service token, the console and a complaint to watch arrive in it."""
    if settings.auth.jwt_secret is None:  # a fresh secret per demo run: tokens from an older run stop working
        settings = dataclasses.replace(settings, auth=dataclasses.replace(settings.auth, jwt_secret=Secret(secrets.token_urlsafe(32))))
    console.print("[bold]API keys[/]  (one per channel, shown once; `c360 keys list` shows them without the secret)")
    keys = {}
    for channel in DEMO_CHANNELS:
        keys[channel] = create_key(engine, f"demo-{channel}", CHANNEL_SCOPES, actor="demo", channels=[channel]).key  # type: ignore[arg-type]
        console.print(f"  {channel:14} {keys[channel]}", highlight=False, soft_wrap=True)
    sample = _sample_person(engine)
    if sample is not None:
        customer_id, last_four = sample
        token = issue_token(settings.auth, customer_id)
        console.print(f"[bold]self-service token[/] for customer {customer_id} (1 hour):", highlight=False)
        console.print(f"  {token}", highlight=False, soft_wrap=True)
        console.print(f"\n[bold green]console[/]   http://{host}:{port}/console", highlight=False)
        console.print(f"  sign in with the business-hall key: {keys['business-hall']}", highlight=False, soft_wrap=True)
        console.print(f"  find the sample customer {customer_id}: search the last four digits of their phone, {last_four}",
                      highlight=False, soft_wrap=True)
        console.print("  then record a hotline complaint for them and watch it appear on the open card:", highlight=False)
        console.print(f"  {complaint_curl(host, port, keys['call-center'], customer_id)}", highlight=False, markup=False,
                      soft_wrap=True)
    return settings


def _print_second_shell(config: DemoConfig) -> None:
    """How to drive this hub from another shell: the written config and the silo keys' variables."""
    env = " ".join(f"{name}={DEMO_API_KEY}" for name in API_KEY_ENVS)
    prefix = "" if config.path.name == "c360.toml" else f"C360_CONFIG={config.path} "
    database = "" if config.database_in_file else " (and C360_DATABASE_URL, as in this shell)"
    console.print(f"[bold]config[/]    {config.path} (another shell in this folder uses it{database}):", highlight=False)
    console.print(f"  export {env}", highlight=False, markup=False, soft_wrap=True)
    console.print(f"  {prefix}c360 sync status · {prefix}c360 sync boss · {prefix}c360 quarantine list", highlight=False,
                  markup=False, soft_wrap=True)


@reported
def demo_command(
    size: int = typer.Option(None, help="Number of simulated customers (default from settings: 2000)."),
    host: str = typer.Option(None, help="Interface for the GraphQL API (default 127.0.0.1)."),
    port: int = typer.Option(None, help="Port for the GraphQL API (default 8360)."),
    data_dir: Path = typer.Option(None, help="Where the simulated silos keep their data (default .c360/silos)."),
) -> None:
    """Start the simulated silos, run a first sync, start the scheduler and serve GraphQL with GraphiQL."""
    from c360.silos.run import SiloServers
    from c360.sync import start_scheduler

    settings = load_settings()
    setup_logging(settings.log_level)
    host = host or settings.server.host
    port = port or settings.server.port
    size = size or settings.demo.size
    data_dir = data_dir or settings.demo.data_dir
    ensure_port_free(host, port)  # say so before minutes of work, not after
    settings = dataclasses.replace(
        settings,
        server=dataclasses.replace(settings.server, host=host, port=port),
        demo=dataclasses.replace(settings.demo, size=size, data_dir=data_dir),
    )

    upgrade(settings.database_url)
    console.print(f"[bold]database[/]  {describe_url(settings.database_url)} (migrated)")
    with progress_bar() as progress:
        build_silos(data_dir, size, settings.demo.seed, progress)

    for name in API_KEY_ENVS:  # the simulated REST silos accept the demo key; real keys come from the environment
        os.environ.setdefault(name, DEMO_API_KEY)
    engine = create_db_engine(settings.database_url)
    with SiloServers(data_dir, api_key=DEMO_API_KEY) as servers:
        settings = _demo_settings(settings, servers)
        written = write_demo_config(settings, settings.connectors, Path.cwd())
        console.print(f"[bold]silos[/]     BOSS {servers.boss_url} · key-account {servers.keyaccount_url}")
        console.print(f"          billing {servers.billing_dsn}\n          drops {servers.callcenter_dir}, {servers.bi_dir}")
        console.print("[bold]first sync[/] (every stream, with identity resolution)")
        from c360.connectors.registry import configured

        connectors = configured(settings)
        try:
            run_with_progress(engine, connectors, None, False, IdentityResolver())
        finally:
            for connector in connectors.values():
                connector.close()
        scheduler = start_scheduler(settings, engine, IdentityResolver())
        console.print(f"[bold]scheduler[/] {len(scheduler.job_ids())} streams, every {DEMO_SYNC_INTERVAL_S} s")
        for capability in missing():
            console.print(f"[yellow]not built yet[/] {capability.name}: {capability.note}")
        settings = _print_credentials(settings, engine, host, port)
        _print_second_shell(written)
        console.print(f"[bold green]GraphQL[/]   http://{host}:{port}/graphql  (open it in a browser for GraphiQL; put a key in the X-API-Key header)", highlight=False)
        console.print("try this query:\n" + SAMPLE_QUERY, highlight=False)
        console.print("the silos change every 15 s; `c360 sync status` in another shell shows the runs")
        console.print("press Ctrl-C to stop\n")
        try:
            with LiveSilos(data_dir, settings.demo.seed):
                serve(settings, host=host, port=port)
        finally:
            scheduler.shutdown(wait=False)
            engine.dispose()
