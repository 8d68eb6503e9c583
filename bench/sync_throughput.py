"""Full initial sync of the simulated silos: records per second per connector and peak memory.

    python bench/sync_throughput.py --size 10000
    python bench/sync_throughput.py --size 100000 --database-url postgresql://postgres@127.0.0.1:5432/postgres
    python bench/sync_throughput.py --size 10000 --resolve     # with identity resolution, as the hub runs
    python bench/sync_throughput.py --size 1000000 --resolve-after --database-url postgresql://postgres@127.0.0.1:5432/postgres
        # a bulk first load: land without the hook, then one ``resolve --full`` (in batches of components)


On PostgreSQL a scratch database is created on that server and dropped
afterwards (``--keep`` keeps it); on SQLite a fresh file is used. The silos
are built once per size and seed under ``--data-dir`` and reused.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from bench._scratch import scratch_database  # noqa: E402
from c360.connectors import registry  # noqa: E402
from c360.hub.collector import tune_collector  # noqa: E402
from c360.hub.db import create_db_engine  # noqa: E402
from c360.hub.db.migrate import upgrade  # noqa: E402
from c360.hub.identity.full_run import resolve_full  # noqa: E402
from c360.hub.identity.resolver import IdentityResolver  # noqa: E402
from c360.hub.ingest import LandedRecordsHandler, NoResolution  # noqa: E402
from c360.silos import build  # noqa: E402
from c360.silos.run import DEFAULT_API_KEY, SiloServers  # noqa: E402
from c360.sync import run_stream  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="customers in the simulated operator")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database-url", default=None, help="sqlite:///file.db or a PostgreSQL server URL")
    parser.add_argument("--data-dir", type=Path, default=None, help="where the silos are built (reused)")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL scratch database")
    parser.add_argument("--resolve", action="store_true", help="resolve identities as records land")
    parser.add_argument("--resolve-after", action="store_true",
                        help="land without resolution, then resolve every party in one full run")
    parser.add_argument("--connectors", default=None,
                        help="comma-separated connectors to sync (default: all), e.g. boss,callcenter,keyaccount "
                             "for the streams that carry parties")
    args = parser.parse_args()
    if args.resolve and args.resolve_after:
        parser.error("--resolve and --resolve-after exclude each other")
    tune_collector()  # the collector as every c360 command sets it (c360/hub/collector.py)
    handler: LandedRecordsHandler = IdentityResolver() if args.resolve else NoResolution()

    data_dir = args.data_dir or Path(".c360") / f"bench-silos-{args.size}-{args.seed}"
    started = time.perf_counter()
    manifest = build(data_dir, args.size, args.seed)
    print(f"silos: {args.size} customers, {manifest.total_records} silo records "
          f"(ready in {time.perf_counter() - started:.1f}s) under {data_dir}")
    os.environ["C360_BOSS_API_KEY"] = os.environ["C360_KEYACCOUNT_API_KEY"] = DEFAULT_API_KEY

    with scratch_database(args.database_url, prefix="bench", keep=args.keep) as url, SiloServers(data_dir) as servers:
        upgrade(url)
        engine = create_db_engine(url)
        tables = registry.demo_connectors_config(
            boss_url=servers.boss_url, keyaccount_url=servers.keyaccount_url, billing_dsn=servers.billing_dsn,
            callcenter_dir=servers.callcenter_dir, bi_dir=servers.bi_dir,
        )
        if args.connectors:
            wanted = args.connectors.split(",")
            unknown = sorted(set(wanted) - set(tables))
            if unknown:
                parser.error(f"unknown connectors {unknown}: choose from {sorted(tables)}")
            tables = {name: table for name, table in tables.items() if name in wanted}
        resolution = "as records land" if args.resolve else "one full run after the load" if args.resolve_after else "off"
        print(f"database: {engine.dialect.name}; identity resolution: {resolution}")
        print(f"{'connector':<12}{'records':>10}{'written':>10}{'quar.':>7}{'seconds':>9}{'rec/s':>9}{'peak RSS MB':>13}")
        total_read, total_seconds = 0, 0.0
        for name, table in tables.items():
            connector = registry.build(name, table)
            read = written = quarantined = 0
            t0 = time.perf_counter()
            try:
                for stream in connector.streams():
                    outcome = run_stream(engine, name, stream, full=True, handler=handler)
                    if not outcome.ok:
                        print(f"  {name}.{stream.name} failed: {outcome.error}")
                    read += outcome.counts.read
                    written += outcome.counts.written
                    quarantined += outcome.counts.quarantined
            finally:
                connector.close()
            seconds = time.perf_counter() - t0
            total_read, total_seconds = total_read + read, total_seconds + seconds
            print(f"{name:<12}{read:>10}{written:>10}{quarantined:>7}{seconds:>9.1f}{read / seconds:>9.0f}"
                  f"{peak_rss_mb():>13.0f}")
        print(f"{'total':<12}{total_read:>10}{'':>10}{'':>7}{total_seconds:>9.1f}"
              f"{total_read / total_seconds:>9.0f}{peak_rss_mb():>13.0f}")
        if args.resolve_after:
            t0 = time.perf_counter()
            stats = resolve_full(engine)
            seconds = time.perf_counter() - t0
            print(f"resolve --full: {stats.records} party records into {stats.clusters} customers in {seconds:.1f}s "
                  f"({stats.records / seconds:.0f} records/s), {stats.batches} batches, largest component "
                  f"{stats.largest_component}; peak RSS {peak_rss_mb():.0f} MB; "
                  f"load and resolution {total_seconds + seconds:.1f}s")
        engine.dispose()


if __name__ == "__main__":
    main()
