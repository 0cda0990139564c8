"""`crm sql`: read-only SQL on the published warehouse."""

from __future__ import annotations

import argparse
import os
import sys

from crm.commands.common import Subcommands, console
from crm.settings import Settings


def register(commands: Subcommands) -> None:
    sql = commands.add_parser(
        "sql",
        help="query the published warehouse (read-only)",
        description="Open the published warehouse read-only: an interactive prompt, or run one "
        "statement with -c. Results are streamed as they are computed.",
    )
    sql.add_argument("-c", "--command", help="run this SQL statement and print the result")
    sql.add_argument("--format", choices=["table", "csv", "json"], default="table")
    sql.add_argument(
        "--allow-files",
        action="store_true",
        help="let statements read and write files (read_csv, COPY, ATTACH...); off by default, "
        "when only the warehouse can be read",
    )
    sql.add_argument(
        "--memory-limit",
        default="1GB",
        help="most memory DuckDB may use for one statement (default 1GB; nothing spills to disk)",
    )
    sql.set_defaults(handler=_cmd_sql)


def _cmd_sql(args: argparse.Namespace, settings: Settings) -> int:
    from crm.sql import SqlError, interactive_shell, stream_query

    path = settings.published_database_path
    if not path.exists():
        console.print(f"[red]No published warehouse at {path}[/red]: run `crm pipeline` first.")
        return 2
    options = {"allow_files": args.allow_files, "memory_limit": args.memory_limit}
    if args.command is None:
        return interactive_shell(path, **options)
    try:
        stream_query(path, args.command, sys.stdout, output_format=args.format, **options)
    except SqlError as error:
        from rich.markup import escape

        console.print(f"[red]{escape(str(error))}[/red]", soft_wrap=True)
        return 1
    except BrokenPipeError:
        # The reader went away (`crm sql ... | head`): stop quietly, as other Unix tools do.
        # Point stdout at /dev/null so the interpreter's final flush does not complain.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 0
