"""`crm registry ...`: the work behind the CLI commands, printed with rich."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from crm.settings import Settings
from operational_app.db.migrate import upgrade_to_head
from operational_app.db.session import create_oltp_engine
from operational_app.registry.egrul import EgrulFormatError
from operational_app.registry.local import load_egrul_file

# Bad rows printed on the console; the count is always printed.
SHOWN_BAD_ROWS = 20


def run_load(settings: Settings, path: Path, console: Console) -> int:
    if not path.is_file():
        console.print(f"[red]Cannot load:[/red] no such file {escape(str(path))}", soft_wrap=True)
        return 2
    try:
        upgrade_to_head(settings.oltp_url)
        engine = create_oltp_engine(settings.oltp_url)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        console.print(f"[red]Cannot open the database:[/red] {escape(reason)}", soft_wrap=True)
        return 2
    try:
        with (
            Session(engine, expire_on_commit=False) as session,
            Progress(
                SpinnerColumn(),
                TextColumn("[bold]{task.description}"),
                TextColumn("{task.completed:,} legal entities"),
                TimeElapsedColumn(),
                console=console,
            ) as progress,
        ):
            task = progress.add_task(f"load {path.name}", total=None)
            report = load_egrul_file(
                session, path, on_progress=lambda done: progress.update(task, completed=done)
            )
    except EgrulFormatError as error:
        console.print(
            f"[red]Cannot read {escape(path.name)} as ЕГРЮЛ XML:[/red] {escape(str(error))} "
            "(the entities before it are loaded)",
            soft_wrap=True,
        )
        return 1
    except (OSError, SQLAlchemyError) as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        console.print(f"[red]Cannot load:[/red] {escape(reason)}", soft_wrap=True)
        return 2
    finally:
        engine.dispose()
    console.print(
        f"[green]Loaded[/green] {report.entities:,} legal entities "
        f"({report.parties:,} head offices and branches) into {escape(settings.oltp_url)}"
    )
    if report.bad_rows:
        console.print(f"[yellow]{len(report.bad_rows)} records refused:[/yellow]")
        for line, inn, reason in report.bad_rows[:SHOWN_BAD_ROWS]:
            console.print(f"  line {line} ИНН {inn or '-'}: {reason}", markup=False)
        return 1 if report.entities == 0 else 0
    return 0


def run_check(settings: Settings, console: Console) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn

    from operational_app.registry.base import RegistryUnavailable
    from operational_app.registry.monitoring import check_counterparties
    from operational_app.registry.service import registry_for

    try:
        upgrade_to_head(settings.oltp_url)
        engine = create_oltp_engine(settings.oltp_url)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        console.print(f"[red]Cannot open the database:[/red] {escape(reason)}", soft_wrap=True)
        return 2
    try:
        with Session(engine, expire_on_commit=False) as session:
            try:
                registry = registry_for(settings, session)
            except RegistryUnavailable as error:
                console.print(f"[red]Cannot check:[/red] {escape(error.message)}", soft_wrap=True)
                return 2
            with Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
            ) as progress:
                task = progress.add_task(f"check counterparties ({registry.name})", total=None)
                report = check_counterparties(
                    session,
                    registry,
                    on_progress=lambda done, total: progress.update(
                        task, completed=done, total=total
                    ),
                )
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        console.print(f"[red]Cannot check:[/red] {escape(reason)}", soft_wrap=True)
        return 2
    finally:
        engine.dispose()
    console.print(
        f"[green]Checked[/green] {report.checked:,} counterparties: {report.changes:,} changes "
        f"recorded, {len(report.not_found):,} not in the registry"
    )
    if report.failed:
        console.print(f"[yellow]{len(report.failed)} lookups failed[/yellow], e.g.:")
        for counterparty_id, reason in report.failed[:SHOWN_BAD_ROWS]:
            console.print(f"  counterparty {counterparty_id}: {reason}", markup=False)
        return 1
    return 0
