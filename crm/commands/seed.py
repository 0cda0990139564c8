"""`crm seed`: the demo data set."""

from __future__ import annotations

import argparse
import datetime as dt

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
        choices=["demo", "small", "medium", "large"],
        default="demo",
        help="demo ≈ 2k deals, small ≈ 20k, medium ≈ 200k, large ≈ 1M",
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
        help="delete existing seeded rows first instead of refusing (the GIS files an "
        "earlier seed wrote are always replaced)",
    )
    seed.set_defaults(handler=_cmd_seed)


def _cmd_seed(args: argparse.Namespace, settings: Settings) -> int:
    from operational_app.seed import seed_database

    as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
    if args.if_empty and _oltp_has_deals(settings.oltp_url):
        console.print(f"{settings.oltp_url} already holds deals: keeping them (--if-empty).")
        return 0
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
