"""`crm import`: an export of another CRM or 1C into the OLTP database."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from crm.commands.common import Subcommands, console
from crm.settings import Settings

if TYPE_CHECKING:  # the importer loads the app's models, which only `crm import` needs
    from operational_app.importer import ImportSummary


def register(commands: Subcommands) -> None:
    importer = commands.add_parser(
        "import",
        help="import users, partners, deals, interactions, claims or sales plans from CSV/XLSX",
        description="Import an export of another CRM or 1C (CSV or text in UTF-8, UTF-16, "
        "windows-1251, cp866 or KOI8-R, detected unless the mapping's source.encoding names it; "
        "XLSX or XLS) following a YAML mapping (examples: operational_app/importer/mappings/). "
        "Good rows are written, bad rows listed in the errors file; re-running updates instead "
        "of duplicating. Creates or upgrades the OLTP schema first.",
    )
    importer.add_argument(
        "entity",
        choices=["users", "partners", "deals", "interactions", "claims", "sales_plans"],
    )
    importer.add_argument("file", type=Path, help="the CSV, XLSX or XLS file")
    importer.add_argument("--mapping", type=Path, required=True, help="the mapping YAML")
    importer.add_argument(
        "--errors",
        type=Path,
        help="write rejected rows here (CSV: row, line, column, value, message; text that a "
        "spreadsheet would take for a formula gets a leading apostrophe)",
    )
    importer.add_argument(
        "--dry-run", action="store_true", help="check every row and report, but write nothing"
    )
    importer.add_argument(
        "--autofill-by-inn",
        action="store_true",
        help="partners with an inn column: fill the КПП, full name, legal address and phone the "
        "file leaves empty from the registry CRM_REGISTRY_SOURCE names (legal entities only; "
        "also the mapping's options: {autofill_by_inn: true})",
    )
    importer.set_defaults(handler=_cmd_import)


def _cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from rich.markup import escape
    from sqlalchemy.exc import SQLAlchemyError

    from operational_app.importer import (
        MappingError,
        SourceError,
        run_import,
    )

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[rate]}"),
        console=console,
    ) as progress:
        import time

        task = progress.add_task(f"import {args.entity}", total=None, rate="")
        started = time.monotonic()

        def report(done: int, total: int) -> None:
            elapsed = time.monotonic() - started
            rate = f"{done / elapsed:,.0f} rows/s" if done and elapsed > 0 else ""
            progress.update(task, completed=done, total=total, rate=rate)

        try:
            summary = run_import(
                settings.oltp_url,
                args.entity,
                args.file,
                args.mapping,
                errors_path=args.errors,
                dry_run=args.dry_run,
                progress=report,
                autofill_by_inn=args.autofill_by_inn,
            )
        except (MappingError, SourceError, OSError) as error:
            console.print(f"[red]Cannot import:[/red] {escape(str(error))}", soft_wrap=True)
            return 2
        except SQLAlchemyError as error:
            # The database refused or is unreachable: the statement's first line, no traceback.
            reason = str(getattr(error, "orig", None) or error).splitlines()[0]
            console.print(
                f"[red]Cannot import, the database refused:[/red] {escape(reason)}",
                soft_wrap=True,
            )
            return 2
    _print_summary(summary, args.errors, settings.oltp_url)
    return 0


def _print_summary(summary: ImportSummary, errors_path: Path | None, oltp_url: str) -> None:
    """The counts, what was created or filled, one line per kind of problem, and what next."""
    from operational_app.importer import describe, describe_created, error_kinds

    for label, count in describe(summary):
        console.print(f"  {label:<28} {count:>10,}")
    for line in describe_created(summary):
        console.print(f"  {line}", markup=False, highlight=False)
    # Autofill by ИНН: what was (or would be) filled, then the warnings (the rows are imported).
    for note in summary.fills:
        console.print(f"  row {note.row}: {note.message}", markup=False, highlight=False)
    for note in summary.warnings:
        console.print(
            f"  warning, row {note.row} (ИНН {note.value}): {note.message}",
            markup=False,
            highlight=False,
        )
    if summary.errors:
        where = errors_path or "(pass --errors FILE to list them)"
        console.print(
            f"[yellow]{len(summary.errors)} problems in {summary.failed_rows} rows"
            f"[/yellow]: {where}"
        )
        # One line per kind of problem with its count and first row: no kind hides another.
        for _kind, count, first in error_kinds(summary.errors):
            # The messages quote the file's values: print them as text, not as rich markup.
            console.print(
                f"  {count:>8,} x {first.column or ''}: {first.message} "
                f"(first: row {first.row}, line {first.line})",
                markup=False,
                highlight=False,
            )
    if summary.dry_run:
        console.print(f"[green]Checked (dry run, nothing written)[/green] {oltp_url}")
        console.print("Next: run the same command without --dry-run to import.")
    else:
        console.print(f"[green]Imported into[/green] {oltp_url}")
        console.print(
            "Next: `crm pipeline` to load the warehouse, then `crm dashboards` to see the "
            "imported data."
        )
