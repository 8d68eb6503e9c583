"""`c360 silos`: generate the simulated silos and serve them on loopback (no hub involved)."""

from __future__ import annotations

import threading
from pathlib import Path

import typer

from c360.app.cli._console import console, progress_bar
from c360.app.cli.errors import reported
from c360.app.silo_setup import DEMO_API_KEY, build_silos
from c360.config import load_settings

__all__ = ["silos_command"]


@reported
def silos_command(
    size: int = typer.Option(None, help="Number of simulated customers (default from settings: 2000)."),
    seed: int = typer.Option(None, help="Random seed; the same seed gives the same data."),
    data_dir: Path = typer.Option(None, help="Where the silo data is written (default .c360/silos)."),
    truth: Path = typer.Option(
        None, help="Write the ground truth (source,kind,source_key,entity_id per source record) to this CSV and exit."
    ),
    boss_port: int = typer.Option(8361, help="Port of the BOSS REST silo."),
    keyaccount_port: int = typer.Option(8362, help="Port of the key-account REST silo."),
) -> None:
    """Run only the simulator: BOSS and key-account REST APIs, billing SQL, call-center and BI drops."""
    from c360.silos.run import SiloServers
    from c360.silos.truth import export as export_truth

    settings = load_settings()
    size = size or settings.demo.size
    seed = settings.demo.seed if seed is None else seed
    data_dir = data_dir or settings.demo.data_dir
    with progress_bar() as progress:
        manifest = build_silos(data_dir, size, seed, progress)
    console.print(f"silos for {size:,} customers (seed {seed}) in {data_dir}: {manifest.total_records:,} records")
    if truth is not None:
        lines = export_truth(data_dir, truth)
        console.print(f"ground truth: {lines:,} source records written to {truth}")
        return
    with SiloServers(data_dir, boss_port=boss_port, keyaccount_port=keyaccount_port, api_key=DEMO_API_KEY) as servers:
        console.print(f"BOSS REST         {servers.boss_url}/api/v1/customers   (header X-API-Key: {DEMO_API_KEY})")
        console.print(f"key-account REST  {servers.keyaccount_url}/api/v1/enterprises")
        console.print(f"billing SQL       {servers.billing_dsn}")
        console.print(f"call-center drops {servers.callcenter_dir}")
        console.print(f"BI drops          {servers.bi_dir}")
        console.print("press Ctrl-C to stop")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            console.print("stopping the silos")
