"""`crm pipeline`: one run of the Dagster job, a line per step."""

from __future__ import annotations

import argparse
import dataclasses
from typing import TYPE_CHECKING

from crm.commands.common import Subcommands, console
from crm.settings import Settings

if TYPE_CHECKING:  # crm.pipeline loads Dagster, which only `crm pipeline` should pay for
    from crm.pipeline import StepProgress


def register(commands: Subcommands) -> None:
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
