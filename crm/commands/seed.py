"""`crm seed`: the demo data set.

A seed replaces what the warehouse was built from: the OLTP rows (with --replace) and the inbox
files an earlier seed wrote (always; the seed removes its own files by their manifests). The
warehouse build cannot follow by itself: its inbox loaders read each file once by content hash,
so the old seed's receipts, GIS events and marking codes would stay in raw_ofd / raw_gis next to
the new ones, and an incremental OLTP copy neither sees reseeded rows (their timestamps lie in
the past, behind the watermarks) nor drops deleted ones. Everything in the build database is
derived from the OLTP and the inboxes, so a seed discards it (`discard_warehouse_build`) and the
next `crm pipeline` run builds it from scratch, as a first run does; the published warehouse
keeps serving the previous data until that run publishes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from crm.commands.common import Subcommands, console
from crm.settings import Settings


def register(commands: Subcommands) -> None:
    seed = commands.add_parser(
        "seed",
        help="generate realistic demo data into the OLTP database",
        description="Generate a deterministic, realistic data set into the OLTP database, "
        "and GIS exchange files for recently won deals into the GIS inbox.",
    )
    seed.add_argument(
        "--scale",
        choices=["demo", "small", "medium", "large", "xlarge"],
        default="demo",
        help="demo ≈ 2k deals, small ≈ 20k, medium ≈ 200k, large ≈ 1M, xlarge ≈ 5M (benchmarks)",
    )
    seed.add_argument("--seed", type=int, default=42, help="random seed (same seed, same data)")
    seed.add_argument("--as-of", help="last day of the history, YYYY-MM-DD (default: today)")
    seed.add_argument(
        "--if-empty",
        action="store_true",
        help="do nothing when the OLTP database already holds deals (used by `make demo`)",
    )
    seed.add_argument(
        "--replace",
        action="store_true",
        help="delete existing seeded rows first instead of refusing (the inbox files an "
        "earlier seed wrote are always replaced, and the warehouse build is discarded: the "
        "next `crm pipeline` run rebuilds it from scratch)",
    )
    seed.set_defaults(handler=_cmd_seed)


def _cmd_seed(args: argparse.Namespace, settings: Settings) -> int:
    from operational_app.seed import seed_database

    as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
    if args.if_empty and _oltp_has_deals(settings.oltp_url):
        console.print(f"{settings.oltp_url} already holds deals: keeping them (--if-empty).")
        return 0
    busy = _warehouse_build_in_use(settings)
    if busy:
        console.print(
            f"[red]The warehouse build {settings.build_database_path} is in use[/red] ({busy}); "
            "wait for the pipeline run to end (or stop it) and seed again."
        )
        return 1
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        tasks: dict[str, int] = {}

        def report(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = progress.add_task(step, total=total)
            progress.update(tasks[step], completed=done, total=total)

        counts = seed_database(
            settings.oltp_url,
            scale=args.scale,
            seed=args.seed,
            as_of=as_of,
            progress=report,
            replace=args.replace,
            gis_inbox_dir=settings.gis_inbox_dir,
            ofd_inbox_dir=settings.ofd_inbox_dir,
        )
    for table, count in counts.items():
        console.print(f"  {table:<24} {count:>12,}")
    console.print(
        f"[green]Seeded[/green] {settings.oltp_url}, {settings.gis_inbox_dir} "
        f"and {settings.ofd_inbox_dir}"
    )
    if discard_warehouse_build(settings):
        console.print(
            f"[yellow]Discarded the warehouse build[/yellow] {settings.build_dir}: it was built "
            "from the data this seed replaced. The next `crm pipeline` run rebuilds it from "
            "scratch; until then the dashboards show the previous data."
        )
    from operational_app.seed.users import DEMO_PASSWORD, add_demo_customer, set_demo_passwords

    customer = add_demo_customer(settings.oltp_url)
    demo_users = set_demo_passwords(settings.oltp_url)
    if demo_users:
        console.print(
            f"Sign in at /login as [bold]{demo_users[0][0]}[/bold] ({demo_users[0][1]}), "
            f"password [bold]{DEMO_PASSWORD}[/bold] (every seeded user has it; demo only)."
        )
    if customer:
        console.print(
            f"Customer portal: /portal/login as [bold]{customer[0]}[/bold] "
            f"({customer[1]}), password [bold]{DEMO_PASSWORD}[/bold]."
        )
    return 0


def _warehouse_build_paths(settings: Settings) -> list[Path]:
    database = settings.build_database_path
    return [database, database.with_name(database.name + ".wal"), settings.spark_dir]


def _warehouse_build_in_use(settings: Settings) -> str | None:
    """Why the build database cannot be discarded now (another process holds its lock), or
    None. Checked before seeding, so a running pipeline does not meet a half-replaced world."""
    import duckdb

    if not settings.build_database_path.exists():
        return None
    try:
        duckdb.connect(str(settings.build_database_path)).close()
    except duckdb.IOException as error:
        return str(error).splitlines()[0]
    return None


def discard_warehouse_build(settings: Settings) -> list[Path]:
    """Remove the warehouse build (the DuckDB build database, its WAL and the Spark engine's
    catalog), all of it derived from the OLTP and the inboxes; returns what was removed."""
    removed = []
    for path in _warehouse_build_paths(settings):
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        else:
            continue
        removed.append(path)
    return removed


def _oltp_has_deals(url: str) -> bool:
    from sqlalchemy import inspect, text

    from operational_app.db.session import create_oltp_engine

    engine = create_oltp_engine(url)
    try:
        if not inspect(engine).has_table("deals"):
            return False
        with engine.connect() as connection:
            return connection.execute(text("select 1 from deals limit 1")).first() is not None
    finally:
        engine.dispose()
