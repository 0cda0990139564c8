"""Run the Dagster job in-process: what `crm pipeline` and `make pipeline` do."""

from __future__ import annotations

import logging
import os
import socket
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
# An incremental run leaves unchanged models and their dbt tests alone; Dagster then warns once
# per test that its blocking check "emitted no result" (hundreds of lines, all expected).
PLAN_LOGGER = "dagster._core.execution.plan.active"


class _UnrunCheckFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "emitted no result" not in record.getMessage()


def _hide_unrun_check_warnings() -> None:
    plan_logger = logging.getLogger(PLAN_LOGGER)
    if not any(isinstance(existing, _UnrunCheckFilter) for existing in plan_logger.filters):
        plan_logger.addFilter(_UnrunCheckFilter())


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


# Runs started by `crm pipeline` carry these tags, so the next one can tell which runs died
# with their process (see release_abandoned_runs).
PID_TAG = "crm/pid"
HOST_TAG = "crm/host"
_UNFINISHED = [
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def release_abandoned_runs(instance: dg.DagsterInstance) -> list[str]:
    """Fail the unfinished runs of `crm pipeline` processes that no longer exist, and free the
    pool slots they held.

    A killed process (SIGKILL, OOM, power loss) leaves its run STARTED and keeps its claim on the
    `duckdb_writer` slot; with a pool limit of 1, every later run would then wait forever.
    """
    released = []
    host = socket.gethostname()
    records = instance.get_run_records(filters=dg.RunsFilter(statuses=_UNFINISHED))
    for record in records:
        run = record.dagster_run
        pid = run.tags.get(PID_TAG)
        if run.tags.get(HOST_TAG) != host or pid is None or _process_alive(int(pid)):
            continue
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        instance.report_run_failed(run, f"The process running it (pid {pid}) is gone.")
        released.append(run.run_id)
    return released


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_full_pipeline(
    settings: Settings,
    instance: dg.DagsterInstance | None = None,
    full_refresh: bool = False,
) -> PipelineOutcome:
    """Run the whole job once: incremental loads and models by default, `full_refresh` rebuilds
    every raw table and every incremental model from scratch."""
    # Imported here so `crm --help` and other commands do not pay for loading Dagster and dbt.
    from orchestration.definitions import build_definitions
    from orchestration.run_config import pipeline_run_config
    from orchestration.schedules import FULL_PIPELINE_JOB_NAME

    definitions = build_definitions(settings)
    job = definitions.resolve_job_def(FULL_PIPELINE_JOB_NAME)
    if instance is None:
        home = prepare_dagster_home(settings.dagster_home)
        instance = dg.DagsterInstance.from_config(str(home))
    release_abandoned_runs(instance)
    _hide_unrun_check_warnings()
    result = job.execute_in_process(
        run_config={**QUIET_CONSOLE, **pipeline_run_config(full_refresh)},
        instance=instance,
        raise_on_error=False,
        tags={PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()},
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


def step_intervals(instance: dg.DagsterInstance, run_id: str) -> list[tuple[str, float, float]]:
    """(step_key, start, end) of every finished step, in wall-clock epoch seconds from the run's
    event log (start to success or failure), in the order the steps ended."""
    started: dict[str, float] = {}
    intervals: list[tuple[str, float, float]] = []
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
                intervals.append((event.step_key, started[event.step_key], entry.timestamp))
    return intervals


def _failure_message(event: dg.DagsterEvent) -> str:
    data = event.event_specific_data
    error = getattr(data, "error", None)
    if error is None:
        return event.message or "step failed"
    return error.message.strip().splitlines()[0] if error.message else error.cls_name
