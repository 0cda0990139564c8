"""`crm`: the command line of crm-warehouse (DESIGN.md §3). Every command has --help.

The commands live in crm/commands/, a module per group; this module assembles the parser and
runs the chosen handler.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from crm.commands import (
    accounts,
    bench,
    classifier,
    importing,
    pipeline,
    registry,
    seed,
    serve,
    sql,
)
from crm.commands.common import REPO_ROOT, console
from crm.settings import get_settings

__all__ = ["REPO_ROOT", "build_parser", "main"]

# In the order `crm --help` lists them.
COMMAND_GROUPS = (seed, pipeline, serve, sql, bench, importing, classifier, accounts, registry)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crm",
        description="crm-warehouse: operational app, pipeline, dashboards and SQL access.",
        epilog="Configuration: CRM_OLTP_URL, CRM_DATA_DIR, CRM_WAREHOUSE_DIR, CRM_LANG, "
        "CRM_APP_URL, CRM_TIMEZONE.",
    )
    commands = parser.add_subparsers(dest="cmd", required=True, metavar="COMMAND")
    for group in COMMAND_GROUPS:
        group.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
    except ValueError as error:
        console.print(f"[red]Configuration error:[/red] {error}")
        return 2
    os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home))
    try:
        return args.handler(args, settings)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
