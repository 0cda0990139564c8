"""Run the Dagster job in-process: what `crm pipeline` and `make pipeline` do."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from crm.settings import Settings

DAGSTER_INSTANCE_CONFIG = """\
# Written by `crm pipeline`. One writer per DuckDB file: every asset that writes the warehouse
# runs in the `duckdb_writer` pool, and pools admit one step at a time.
concurrency:
  pools:
    default_limit: 1
telemetry:
  enabled: false
"""


# Dagster's console logger prints every event at DEBUG; INFO keeps step starts, dbt progress
# lines and failures, which is what a person watching `crm pipeline` needs.
QUIET_CONSOLE = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


@dataclass(frozen=True)
class PipelineOutcome:
    success: bool
    run_id: str
    failed_steps: list[tuple[str, str]]
    materialized: list[str]
    step_seconds: dict[str, float]


def prepare_dagster_home(home: Path) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_INSTANCE_CONFIG, encoding="utf-8")
    return home


def run_full_pipeline(
    settings: Settings, instance: dg.DagsterInstance | None = None
) -> PipelineOutcome:
    # Imported here so `crm --help` and other commands do not pay for loading Dagster and dbt.
    from orchestration.definitions import build_definitions
    from orchestration.schedules import FULL_PIPELINE_JOB_NAME

    definitions = build_definitions(settings)
    job = definitions.resolve_job_def(FULL_PIPELINE_JOB_NAME)
    if instance is None:
        home = prepare_dagster_home(settings.dagster_home)
        instance = dg.DagsterInstance.from_config(str(home))
    result = job.execute_in_process(
        run_config=QUIET_CONSOLE, instance=instance, raise_on_error=False
    )
    failed = [
        (event.step_key or "?", _failure_message(event))
        for event in result.all_events
        if event.event_type == dg.DagsterEventType.STEP_FAILURE
    ]
    materialized = [
        event.asset_key.to_user_string()
        for event in result.all_events
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION and event.asset_key
    ]
    return PipelineOutcome(
        result.success, result.run_id, failed, materialized, step_durations(instance, result.run_id)
    )


def step_durations(instance: dg.DagsterInstance, run_id: str) -> dict[str, float]:
    """Wall-clock seconds per step, from the run's event log (start to success or failure)."""
    started: dict[str, float] = {}
    durations: dict[str, float] = {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.event_type == dg.DagsterEventType.STEP_START:
            started[event.step_key] = entry.timestamp
        elif event.event_type in (
            dg.DagsterEventType.STEP_SUCCESS,
            dg.DagsterEventType.STEP_FAILURE,
        ):
            if event.step_key in started:
                durations[event.step_key] = entry.timestamp - started[event.step_key]
    return durations


def _failure_message(event: dg.DagsterEvent) -> str:
    data = event.event_specific_data
    error = getattr(data, "error", None)
    if error is None:
        return event.message or "step failed"
    return error.message.strip().splitlines()[0] if error.message else error.cls_name
