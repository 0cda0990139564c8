"""`crm`: the command line of crm-warehouse (DESIGN.md §3). Every command has --help."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from crm.settings import Settings, get_settings

if TYPE_CHECKING:  # crm.pipeline loads Dagster, which only `crm pipeline` should pay for
    from crm.pipeline import StepProgress

REPO_ROOT = Path(__file__).resolve().parent.parent
console = Console(stderr=True)


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


# What each step of the pipeline job does, as `crm pipeline` prints it.
PIPELINE_STEP_LABELS = {
    "definitions": "load the definitions (dbt manifest)",
    "raw_gis_tables": "load GIS exchange files",
    "raw_ofd_tables": "load ОФД cash receipts",
    "raw_oltp_tables": "copy OLTP tables",
    "crm_dbt_models": "dbt build (models and tests)",
    "raw_oltp_row_counts": "check row counts against the OLTP",
    "published_warehouse": "publish the warehouse",
    "published_warehouse_sources_fresh": "check source freshness",
}


# A failed run's line names at most this many failed checks (all are in the log).
FAILED_CHECKS_NAMED = 3


def _step_label(step_key: str) -> str:
    return PIPELINE_STEP_LABELS.get(step_key, step_key)


def _duration(seconds: float) -> str:
    """`48.2 s`, `3 min 26 s`."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def _say(text: str) -> None:
    """One line of `crm pipeline` output; never wrapped, so paths can be copied whole."""
    console.print(text, soft_wrap=True)


def _print_step(step: StepProgress) -> None:
    label = f"{_step_label(step.step_key):<36}"
    took = f" in {_duration(step.seconds)}" if step.seconds is not None else ""
    if step.state == "started":
        _say(f"  {label} started")
    elif step.state == "succeeded":
        _say(f"  {label} [green]done[/green]{took}")
    elif step.state == "failed":
        _say(f"  {label} [red]FAILED[/red]{took}")
    else:
        _say(f"  {label} skipped (an earlier step failed)")


def _cmd_pipeline(args: argparse.Namespace, settings: Settings) -> int:
    import traceback

    from crm import pipeline

    if args.engine is not None:
        settings = dataclasses.replace(settings, dbt_engine=args.engine)
    mode = "full refresh" if args.full else "incremental"
    if settings.dbt_engine != "duckdb":
        mode += f", dbt on {settings.dbt_engine}"
    run_id = pipeline.new_run_id()
    log_path = pipeline.pipeline_log_path(settings, run_id)
    _say(
        f"Running the pipeline ({mode}): {settings.oltp_url} -> {settings.published_database_path}"
    )
    _say(f"Dagster's event log: {log_path}")
    try:
        outcome = pipeline.run_full_pipeline(
            settings,
            full_refresh=args.full,
            progress=_print_step,
            log_path=log_path,
            run_id=run_id,
        )
    except Exception as error:  # a run that could not start: one line here, the rest in the log
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("a", encoding="utf-8") as log_file:
            traceback.print_exc(file=log_file)
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        _say(f"[red]The pipeline could not start[/red]: {first_line}")
        _say(f"The published warehouse was left as it was; details in {log_path}")
        return 1
    steps = len(outcome.step_seconds)
    if not outcome.success:
        failed = "; ".join(
            f"{step} ({_step_label(step)}): {message}" for step, message in outcome.failed_steps
        )
        if outcome.failed_checks:
            named = ", ".join(outcome.failed_checks[:FAILED_CHECKS_NAMED])
            more = len(outcome.failed_checks) - FAILED_CHECKS_NAMED
            failed += f" (failed checks: {named}{f' and {more} more' if more > 0 else ''})"
        _say(f"[red]Pipeline failed[/red] at step {failed}")
        _say(f"The published warehouse was left as it was; details in {log_path}")
        return 1
    unchanged = (
        f" ({outcome.models_unchanged} left as they were)" if outcome.models_unchanged else ""
    )
    failed_checks = f", {outcome.checks_failed} failed" if outcome.checks_failed else ""
    _say(
        f"[green]Done[/green] in {_duration(outcome.seconds)}: {steps} steps, "
        f"{outcome.rows_loaded:,} rows loaded, {outcome.models_built} models built{unchanged}, "
        f"{outcome.checks_passed} checks passed{failed_checks}."
    )
    _say(f"Published {settings.published_database_path} (run {outcome.run_id})")
    _say(f"Log: {log_path}")
    return 0


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"must be between 1 and 64, not {value}")
    return value


def _record_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 2**63 - 1:
        raise argparse.ArgumentTypeError(f"not a record id: {value}")
    return value


def _cmd_app(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    uvicorn.run(
        "operational_app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
    )
    return 0


def _cmd_dashboards(args: argparse.Namespace, settings: Settings) -> int:
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(REPO_ROOT / "dashboards" / "streamlit_app.py"),
        "--server.headless=true",
        f"--server.address={args.host}",
        f"--server.port={args.port}",
        "--browser.gatherUsageStats=false",
        # A reader's view: no Deploy button, no developer menu (.streamlit/config.toml too).
        "--client.toolbarMode=viewer",
    ]
    return subprocess.call(command)


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


def _cmd_user_add(args: argparse.Namespace, settings: Settings) -> int:
    import getpass

    from operational_app.accounts import AccountError, add_user

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"Password for {args.login}: ")
        if getpass.getpass("Repeat the password: ") != password:
            console.print("[red]The passwords differ.[/red]")
            return 1
    try:
        user = add_user(
            settings.oltp_url,
            args.login,
            role=args.role,
            full_name=args.full_name or args.login,
            password=password,
            email=args.email,
        )
    except AccountError as error:
        console.print(f"[red]{error}[/red]")
        return 1
    console.print(f"[green]Added[/green] {user.login} ({user.role})")
    return 0


def _cmd_token_create(args: argparse.Namespace, settings: Settings) -> int:
    from operational_app.accounts import AccountError, create_token

    try:
        token = create_token(settings.oltp_url, args.login, args.name, args.expires_days)
    except AccountError as error:
        console.print(f"[red]{error}[/red]")
        return 1
    console.print("The token is shown once; send it as `Authorization: Bearer <token>`.")
    print(token)
    return 0


def _cmd_portal_invite(args: argparse.Namespace, settings: Settings) -> int:
    from operational_app.accounts import AccountError, create_portal_invite

    try:
        link = create_portal_invite(
            settings.oltp_url, args.contact_id, args.ttl_days, settings.app_url
        )
    except AccountError as error:
        console.print(f"[red]{error}[/red]")
        return 1
    console.print(
        f"The link is shown once and works once, for {args.ttl_days} days; "
        "send it to the contact person."
    )
    print(link)
    return 0


def _cmd_portal_users(args: argparse.Namespace, settings: Settings) -> int:
    from operational_app.accounts import list_portal_users

    rows = list_portal_users(settings.oltp_url)
    if not rows:
        console.print("No portal users.")
        return 0
    for row in rows:
        state = "active" if row["active"] else "deactivated"
        print(
            f"{row['login']}\t{row['full_name']}\t{row['partner']} (partner {row['partner_id']})"
            f"\t{state}"
        )
    return 0


def _cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from rich.markup import escape
    from sqlalchemy.exc import SQLAlchemyError

    from operational_app.importer import (
        MappingError,
        SourceError,
        describe,
        describe_created,
        error_kinds,
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
        where = args.errors or "(pass --errors FILE to list them)"
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
        console.print(f"[green]Checked (dry run, nothing written)[/green] {settings.oltp_url}")
        console.print("Next: run the same command without --dry-run to import.")
    else:
        console.print(f"[green]Imported into[/green] {settings.oltp_url}")
        console.print(
            "Next: `crm pipeline` to load the warehouse, then `crm dashboards` to see the "
            "imported data."
        )
    return 0


def _cmd_classifier_add(args: argparse.Namespace, settings: Settings) -> int:
    from rich.markup import escape
    from sqlalchemy.exc import SQLAlchemyError

    from operational_app.importer.classifiers import ClassifierError, add_classifier, split_stages

    try:
        created = add_classifier(
            settings.oltp_url,
            args.kind,
            args.name,
            stages=split_stages(getattr(args, "stages", None)),
            parent=getattr(args, "parent", None),
            code=getattr(args, "code", None),
        )
    except ClassifierError as error:
        console.print(f"[red]Cannot add {args.kind}:[/red] {escape(str(error))}", soft_wrap=True)
        return 2
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        console.print(f"[red]The database refused:[/red] {escape(reason)}", soft_wrap=True)
        return 2
    detail = ""
    if created.stages:
        detail = f" with stages {' → '.join(created.stages)}"
    elif created.kind == "deal-kind":
        detail = " (non-process: no stages)"
    if created.parent:
        detail = f" under {created.parent!r}"
    console.print(
        f"Added {created.kind} {created.name!r} (id {created.id}){detail}",
        markup=False,
        highlight=False,
    )
    return 0


def _cmd_registry_load(args: argparse.Namespace, settings: Settings) -> int:
    from operational_app.registry.commands import run_load

    return run_load(settings, args.file, console)


def _cmd_registry_check(args: argparse.Namespace, settings: Settings) -> int:
    from operational_app.registry.commands import run_check

    return run_check(settings, console)


def _cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    import runpy

    script = REPO_ROOT / "bench" / f"bench_{args.name}.py"
    if not script.exists():
        available = sorted(
            path.stem.removeprefix("bench_") for path in script.parent.glob("bench_*.py")
        )
        console.print(f"[red]No benchmark {args.name!r}[/red]; available: {', '.join(available)}")
        return 2
    sys.argv = [str(script), *args.bench_args]
    runpy.run_path(str(script), run_name="__main__")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crm",
        description="crm-warehouse: operational app, pipeline, dashboards and SQL access.",
        epilog="Configuration: CRM_OLTP_URL, CRM_DATA_DIR, CRM_WAREHOUSE_DIR, CRM_LANG, "
        "CRM_APP_URL, CRM_TIMEZONE.",
    )
    commands = parser.add_subparsers(dest="cmd", required=True, metavar="COMMAND")

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

    pipeline = commands.add_parser(
        "pipeline",
        help="run the pipeline once, incremental by default (extract, dbt build, publish)",
        description="Run the Dagster job in-process: extract OLTP and GIS files -> dbt build "
        "with tests -> publish. Incremental by default: only the rows changed since the last "
        "run are merged and dbt rebuilds what is downstream of them; --full reloads and "
        "rebuilds everything. Prints a line as each step starts and ends and a summary; "
        "Dagster's event stream (dbt's output included) goes to a log file under "
        "$CRM_DATA_DIR/logs/, whose path is printed. Exits non-zero and names the failed step "
        "when any step fails; the published warehouse is then untouched.",
    )
    pipeline.add_argument(
        "--full",
        action="store_true",
        help="full refresh: copy every OLTP table whole and rebuild incremental models (dbt "
        "--full-refresh) instead of the default incremental run, which processes only the rows "
        "changed since the last run",
    )
    pipeline.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default=None,
        help="the engine dbt builds the models on (default: CRM_DBT_ENGINE, else duckdb). "
        "spark: a local Spark session (`make install-spark`, Java 17+) builds every model from "
        "the raw tables as Parquet; the marts are loaded back and published as DuckDB and "
        "Parquet as usual",
    )
    pipeline.set_defaults(handler=_cmd_pipeline)

    app = commands.add_parser(
        "app",
        help="serve the operational app",
        description="Serve the operators' app and its JSON API.",
    )
    app.add_argument("--host", default="127.0.0.1")
    app.add_argument("--port", type=int, default=8000)
    app.add_argument(
        "--workers",
        type=_positive_int,
        default=1,
        help="worker processes (default 1; more pay off on PostgreSQL, where writes run in "
        "parallel; SQLite takes one writer at a time, see bench/bench_api.py)",
    )
    app.set_defaults(handler=_cmd_app)

    dashboards = commands.add_parser(
        "dashboards",
        help="serve the Streamlit dashboards",
        description="Serve the executives' dashboards.",
    )
    dashboards.add_argument("--host", default="127.0.0.1")
    dashboards.add_argument("--port", type=int, default=8501)
    dashboards.set_defaults(handler=_cmd_dashboards)

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

    bench = commands.add_parser(
        "bench",
        help="run a benchmark from bench/ (figures printed)",
        description="Run bench/bench_NAME.py; arguments after NAME go to the script "
        "(try `crm bench pipeline --help`).",
    )
    bench.add_argument("name", help="benchmark name, e.g. pipeline")
    bench.add_argument("bench_args", nargs=argparse.REMAINDER, help="arguments for the script")
    bench.set_defaults(handler=_cmd_bench)

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

    classifier = commands.add_parser(
        "classifier",
        help="manage classifiers (deal kinds with stages, loss and claim reasons, ...)",
        description="Create the classifiers imports refer to, by the admin pages' rules.",
    )
    classifier_commands = classifier.add_subparsers(
        dest="classifier_cmd", required=True, metavar="ACTION"
    )
    classifier_add = classifier_commands.add_parser(
        "add",
        help="add a classifier entry",
        description="Add a deal kind (with its stages), loss reason, claim reason, business "
        "region or partner role. Names are unique (deleted entries included). Creates or "
        "upgrades the OLTP schema first.",
    )
    kinds = classifier_add.add_subparsers(dest="kind", required=True, metavar="KIND")
    add_help = {
        "deal-kind": (
            "a deal kind (Вид сделки); --stages makes it a sales process",
            "Add a deal kind. With --stages it is a sales process whose stages follow in "
            "the given order, the last one final (won); without, a non-process kind.",
        ),
        "loss-reason": ("a loss reason (Причина проигрыша)", "Add a loss reason."),
        "claim-reason": (
            "a claim reason (Причина претензии), optionally under a group",
            "Add a claim reason; --parent puts it under an existing reason (a group).",
        ),
        "business-region": ("a business region (Бизнес-регион)", "Add a business region."),
        "partner-role": ("a partner role (Роль партнёра)", "Add a partner role."),
    }
    for kind, (short, long) in add_help.items():
        sub = kinds.add_parser(kind, help=short, description=long)
        sub.add_argument("name", help="the name shown in the app")
        if kind == "deal-kind":
            sub.add_argument(
                "--stages",
                help='stages in process order, comma-separated: "Первичный контакт,'
                'Переговоры,Договор" (the last is the final, won stage)',
            )
        if kind == "claim-reason":
            sub.add_argument("--parent", help="name of the group reason to put it under")
        if kind == "business-region":
            sub.add_argument("--code", help="short code (at most 20 characters)")
        sub.set_defaults(handler=_cmd_classifier_add)

    user = commands.add_parser(
        "user", help="manage operational app users", description="Manage app users."
    )
    user_commands = user.add_subparsers(dest="user_cmd", required=True, metavar="ACTION")
    user_add = user_commands.add_parser(
        "add",
        help="add a user (prompts for the password)",
        description="Add a user who signs in at /login; the password is prompted for.",
    )
    user_add.add_argument("login")
    user_add.add_argument(
        "--role", choices=["operator", "manager", "administrator"], default="operator"
    )
    user_add.add_argument("--full-name", help="shown in the app (default: the login)")
    user_add.add_argument("--email")
    user_add.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin's first line"
    )
    user_add.set_defaults(handler=_cmd_user_add)

    token = commands.add_parser(
        "token", help="manage API tokens", description="Manage API bearer tokens."
    )
    token_commands = token.add_subparsers(dest="token_cmd", required=True, metavar="ACTION")
    token_create = token_commands.add_parser(
        "create",
        help="create an API token for a user and print it (once)",
        description="Create an API token for LOGIN and print it; only its SHA-256 is stored.",
    )
    token_create.add_argument("login")
    token_create.add_argument("--name", required=True, help="what the token is for")
    token_create.add_argument("--expires-days", type=int, help="default: never expires")
    token_create.set_defaults(handler=_cmd_token_create)

    portal = commands.add_parser(
        "portal",
        help="the customer portal: invites and portal users",
        description="The customer portal (/portal): invite a partner's contact person, list "
        "portal users. Creates or upgrades the OLTP schema first.",
    )
    portal_commands = portal.add_subparsers(dest="portal_cmd", required=True, metavar="ACTION")
    portal_invite = portal_commands.add_parser(
        "invite",
        help="invite a contact person to the portal and print the one-time link",
        description="Create a one-time invitation link for contact person N (CRM_APP_URL + "
        "/portal/invite/<token>) and print it; only the token's SHA-256 is stored.",
    )
    portal_invite.add_argument(
        "--contact-id", type=_record_id, required=True, help="the contact person's id"
    )
    portal_invite.add_argument(
        "--ttl-days", type=int, default=7, help="days the link works, 1 to 90 (default 7)"
    )
    portal_invite.set_defaults(handler=_cmd_portal_invite)
    portal_users = portal_commands.add_parser(
        "users",
        help="list portal users with their partner",
        description="List portal users (login, name, partner, state), tab-separated.",
    )
    portal_users.set_defaults(handler=_cmd_portal_users)

    registry = commands.add_parser(
        "registry",
        help="the counterparty registry behind autofill by ИНН",
        description="The registry the counterparty form fills itself from "
        "(CRM_REGISTRY_SOURCE=local|dadata|none).",
    )
    registry_commands = registry.add_subparsers(
        dest="registry_cmd", required=True, metavar="ACTION"
    )
    registry_load = registry_commands.add_parser(
        "load",
        help="load a ФНС ЕГРЮЛ XML file into the local registry",
        description="Stream a ЕГРЮЛ XML file (the ФНС format: СвЮЛ elements with ИНН, КПП, "
        "ОГРН, СвНаимЮЛ, СвАдресЮЛ, СвСтатус, СвПодразд) into the local registry, replacing "
        "what an ИНН had before. Records with a bad ИНН or no name are listed and skipped. "
        "Creates or upgrades the OLTP schema first. Exit 1 when the file breaks off or nothing "
        "could be loaded.",
    )
    registry_load.add_argument("file", type=Path, help="the ЕГРЮЛ XML file")
    registry_load.set_defaults(handler=_cmd_registry_load)
    registry_check = registry_commands.add_parser(
        "check",
        help="re-check every counterparty against the registry and record changes",
        description="Look every legal-entity counterparty up in the registry "
        "(CRM_REGISTRY_SOURCE) and record what differs (name, address, КПП, status) with "
        "today's date in counterparty_registry_changes; counterparties are not edited. A change "
        "already recorded is not recorded again. Exit 1 when some lookups failed.",
    )
    registry_check.set_defaults(handler=_cmd_registry_check)
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
