"""Run the Dagster job in-process: what `crm pipeline` and `make pipeline` do.

With a log path, the run is quiet on the terminal: Dagster's event stream (every event of the
run, dbt's node lines included) goes to that file, and the caller hears of each step as it starts
and ends through a `progress` callback; the outcome carries the figures of a short summary (rows
loaded, models built, checks passed). Without one, Dagster logs to the console as it always did
(the benchmarks and tests call it that way).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import re
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

import dagster as dg

from crm.settings import Settings

_GENERATED_CONFIG_HEADER = "# Written by `crm pipeline`."


def dagster_instance_config(home: Path) -> str:
    """The dagster.yaml `crm pipeline` writes into its Dagster home."""
    return f"""\
{_GENERATED_CONFIG_HEADER} One writer per DuckDB file: every asset that writes the warehouse
# runs in the `duckdb_writer` pool, and pools admit one step at a time. Events go to Dagster's
# SQLite files through a storage that keeps them open (orchestration/event_log.py); the runs and
# schedules keep Dagster's default storage. Rewritten when it differs, unless this header is gone.
concurrency:
  pools:
    default_limit: 1
event_log_storage:
  module: orchestration.event_log
  class: PipelineEventLogStorage
  config:
    base_dir: {json.dumps(str(home.resolve() / "history" / "runs"))}
telemetry:
  enabled: false
"""


# Dagster's console logger prints every event at DEBUG; INFO keeps step starts, dbt progress
# lines and failures, which is what a person watching `crm pipeline` needs.
QUIET_CONSOLE = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}
# With the event stream in a log file, the console logger says nothing (CRITICAL is never used
# by Dagster for run events; a failure is reported by the caller from the outcome).
SILENT_CONSOLE = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
RUST_LOG = "RUST_LOG"
# Pipeline log files kept in the log directory; older ones are deleted when a run starts.
KEPT_LOG_FILES = 30
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


StepState = Literal["started", "succeeded", "failed", "skipped"]


@dataclass(frozen=True)
class StepProgress:
    """One step of the run starting or ending; `seconds` is set when it ended."""

    step_key: str
    state: StepState
    seconds: float | None = None


ProgressCallback = Callable[[StepProgress], None]
# Reported to `progress` before the run's own steps: loading the Dagster definitions.
DEFINITIONS_STEP = "definitions"


@dataclass(frozen=True)
class PipelineOutcome:
    success: bool
    run_id: str
    failed_steps: list[tuple[str, str]]
    materialized: list[str]
    step_seconds: dict[str, float]
    # What the summary line reports; zero when the run did not get that far.
    rows_loaded: int = 0
    models_built: int = 0
    models_unchanged: int = 0
    checks_passed: int = 0
    checks_failed: int = 0
    # Names of the checks (dbt tests among them) that failed, in the order they ran.
    failed_checks: list[str] = field(default_factory=list)
    seconds: float = 0.0
    log_path: Path | None = None


@dataclass
class _RunTally:
    """Counts gathered from the run's events as they arrive."""

    step_started: dict[str, float] = field(default_factory=dict)
    step_seconds: dict[str, float] = field(default_factory=dict)
    rows_loaded: int = 0
    models_built: int = 0
    models_unchanged: int = 0
    checks_passed: int = 0
    checks_failed: int = 0
    failed_checks: list[str] = field(default_factory=list)

    def add(self, entry: Any) -> StepProgress | None:
        """Count one EventLogEntry; return the step progress it means, if any."""
        event = entry.dagster_event
        if event is None:
            return None
        step = event.step_key
        kind = event.event_type
        if kind == dg.DagsterEventType.ASSET_MATERIALIZATION:
            self._count_materialization(event)
        elif kind == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if evaluation.passed:
                self.checks_passed += 1
            else:
                self.checks_failed += 1
                self.failed_checks.append(evaluation.check_name)
        if step is None:
            return None
        if kind == dg.DagsterEventType.STEP_START:
            self.step_started[step] = entry.timestamp
            return StepProgress(step, "started")
        ended = {
            dg.DagsterEventType.STEP_SUCCESS: "succeeded",
            dg.DagsterEventType.STEP_FAILURE: "failed",
            dg.DagsterEventType.STEP_SKIPPED: "skipped",
        }.get(kind)
        if ended is None:
            return None
        seconds = None
        if step in self.step_started:
            seconds = entry.timestamp - self.step_started[step]
            self.step_seconds[step] = seconds
        return StepProgress(step, ended, seconds)  # type: ignore[arg-type]

    def _count_materialization(self, event: dg.DagsterEvent) -> None:
        materialization = event.event_specific_data.materialization
        metadata = materialization.metadata
        schema = materialization.asset_key.path[0]
        if schema == "raw_oltp":
            self.rows_loaded += _metadata_int(metadata, "rows_merged")
        elif schema == "raw_gis":
            self.rows_loaded += _metadata_int(metadata, "events_loaded")
        elif schema == "raw_ofd":
            self.rows_loaded += _metadata_int(metadata, "receipts_loaded")
        elif schema == "published_warehouse":
            return
        elif _metadata_value(metadata, "rebuilt") is False:
            self.models_unchanged += 1  # an incremental run left it as it was
        else:
            self.models_built += 1


def _metadata_value(metadata: Any, key: str) -> object:
    value = metadata.get(key)
    return getattr(value, "value", value)


def _metadata_int(metadata: Any, key: str) -> int:
    value = _metadata_value(metadata, key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def format_log_entry(entry: Any) -> str:
    """One line of the log file: UTC time, level, step, event type and message."""
    stamp = dt.datetime.fromtimestamp(entry.timestamp, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    level = logging.getLevelName(entry.level)
    event = entry.dagster_event
    kind = f" {event.event_type_value}" if event is not None else ""
    message = (entry.user_message or "").replace("\n", "\n    ")
    if not message and event is not None and event.asset_key is not None:
        message = event.asset_key.to_user_string()
    return f"{stamp} {level} {entry.step_key or '-'}{kind} {message}"


def new_run_id() -> str:
    """A Dagster run id (Dagster's are UUID4 strings), chosen before the run so that the log
    file can be named after it."""
    return str(uuid.uuid4())


def pipeline_log_path(settings: Settings, run_id: str, now: dt.datetime | None = None) -> Path:
    """`<data>/logs/pipeline-YYYYmmdd-HHMMSS-<run id prefix>.log` (UTC)."""
    moment = now or dt.datetime.now(dt.UTC)
    return settings.data_dir / "logs" / f"pipeline-{moment:%Y%m%d-%H%M%S}-{run_id[:8]}.log"


def prune_logs(log_dir: Path, keep: int = KEPT_LOG_FILES) -> list[Path]:
    """Delete all but the newest `keep` pipeline logs (by name, which starts with the time)."""
    logs = sorted(log_dir.glob("pipeline-*.log"))
    stale = logs[: max(len(logs) - keep, 0)]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


@contextlib.contextmanager
def event_log_file(log_path: Path | None) -> Iterator[IO[str] | None]:
    """The open log file, with this process's stdout sent to it: dagster-dbt echoes every dbt
    event line to stdout, which the log keeps and the terminal should not show."""
    if log_path is None:
        yield None
        return
    log_path.parent.mkdir(parents=True, exist_ok=True)
    prune_logs(log_path.parent, KEPT_LOG_FILES - 1)
    # connectorx's Rust connection pool logs each failed connection attempt straight to the
    # process's stderr, around Python; the error itself reaches the log and the failure line
    # through the step's exception. An explicit RUST_LOG is left as it is.
    rust_log = os.environ.get(RUST_LOG)
    os.environ.setdefault(RUST_LOG, "off")
    try:
        with (
            log_path.open("a", encoding="utf-8", buffering=1) as log_file,
            contextlib.redirect_stdout(log_file),
        ):
            yield log_file
    finally:
        if rust_log is None:
            os.environ.pop(RUST_LOG, None)


def prepare_dagster_home(home: Path) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    wanted = dagster_instance_config(home)
    # An operator's own file (without our header) is left alone; ours follows this version.
    current = config.read_text(encoding="utf-8") if config.exists() else None
    if current is None or (current.startswith(_GENERATED_CONFIG_HEADER) and current != wanted):
        config.write_text(wanted, encoding="utf-8")
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
    *,
    progress: ProgressCallback | None = None,
    log_path: Path | None = None,
    run_id: str | None = None,
) -> PipelineOutcome:
    """Run the whole job once: incremental loads and models by default, `full_refresh` rebuilds
    every raw table and every incremental model from scratch.

    `progress` hears of each step as it starts and ends. With `log_path`, the run's event
    stream and anything printed to stdout (dbt's lines) go to that file instead of the terminal.
    """
    # Imported here so `crm --help` and other commands do not pay for loading Dagster and dbt.
    from orchestration.run_config import pipeline_run_config
    from orchestration.schedules import FULL_PIPELINE_JOB_NAME

    begun = time.monotonic()
    with event_log_file(log_path) as log_file:
        from orchestration.definitions import build_definitions

        # Loading the definitions reads (on a fresh checkout: parses) the dbt project, which
        # takes a while; it is reported like a step so the terminal is not silent meanwhile.
        if progress is not None:
            progress(StepProgress(DEFINITIONS_STEP, "started"))
        definitions = build_definitions(settings)
        if progress is not None:
            progress(StepProgress(DEFINITIONS_STEP, "succeeded", time.monotonic() - begun))
        job = definitions.resolve_job_def(FULL_PIPELINE_JOB_NAME)
        if instance is None:
            home = prepare_dagster_home(settings.dagster_home)
            instance = dg.DagsterInstance.from_config(str(home))
        release_abandoned_runs(instance)
        outcome = execute_job(
            job,
            instance,
            pipeline_run_config(full_refresh),
            progress=progress,
            log_file=log_file,
            run_id=run_id,
            tags={PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()},
        )
    return dataclasses.replace(outcome, seconds=time.monotonic() - begun, log_path=log_path)


def execute_job(
    job: dg.JobDefinition,
    instance: dg.DagsterInstance,
    run_config: dict[str, Any],
    *,
    progress: ProgressCallback | None = None,
    log_file: IO[str] | None = None,
    run_id: str | None = None,
    tags: dict[str, str] | None = None,
) -> PipelineOutcome:
    """Execute `job` in this process, following its events as they are stored: each one is
    written to `log_file` (when given; the console logger is then silenced) and counted, and
    step starts and ends are passed to `progress`."""
    _hide_unrun_check_warnings()
    run_id = run_id or new_run_id()
    tally = _RunTally()

    def on_event(entry: Any) -> None:
        if log_file is not None:
            log_file.write(format_log_entry(entry) + "\n")
        step = tally.add(entry)
        if step is not None and progress is not None:
            progress(step)

    instance.add_event_listener(run_id, on_event)
    console = SILENT_CONSOLE if log_file is not None else QUIET_CONSOLE
    result = job.execute_in_process(
        run_config={**console, **run_config},
        instance=instance,
        raise_on_error=False,
        run_id=run_id,
        tags=tags,
    )
    failed = [
        (event.step_key or "?", _failure_message(event))
        for event in result.all_events
        if event.event_type == dg.DagsterEventType.STEP_FAILURE
    ]
    if not result.success and not failed:
        failed = [("run", _run_failure_message(result))]
    materialized = [
        event.asset_key.to_user_string()
        for event in result.all_events
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION and event.asset_key
    ]
    return PipelineOutcome(
        success=result.success,
        run_id=result.run_id,
        failed_steps=failed,
        materialized=materialized,
        step_seconds=tally.step_seconds or step_durations(instance, result.run_id),
        rows_loaded=tally.rows_loaded,
        models_built=tally.models_built,
        models_unchanged=tally.models_unchanged,
        checks_passed=tally.checks_passed,
        checks_failed=tally.checks_failed,
        failed_checks=tally.failed_checks,
    )


def _run_failure_message(result: dg.ExecuteInProcessResult) -> str:
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.RUN_FAILURE:
            return _failure_message(event)
    return "the run failed"


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
    # Dagster wraps the step's own exception ("Error occurred while executing op ..."); the
    # innermost cause is the one that says what went wrong.
    while error.cause is not None:
        error = error.cause
    return one_line_error(error.message or "", error.cls_name)


DBT_ERRORS_HEADING = "Errors parsed from dbt logs:"
ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


def one_line_error(message: str, cls_name: str) -> str:
    """What went wrong, in one line: the first line of the message; for dagster-dbt's failed
    command (whose first line is "The dbt CLI process with command"), the first error dbt
    logged, or else the exit code."""
    text = ANSI_COLOUR.sub("", message).strip()  # dbt colours its result lines
    if DBT_ERRORS_HEADING in text:
        errors = [line.strip() for line in text.split(DBT_ERRORS_HEADING, 1)[1].splitlines()]
        first = next((line for line in errors if line), None)
        if first:
            return f"dbt: {first}"
    if text.startswith("The dbt CLI process"):
        code = re.search(r"failed with exit code `?(-?\d+)", text)
        return f"dbt failed (exit code {code.group(1) if code else '?'})"
    lines = text.splitlines()
    return lines[0] if lines else cls_name
