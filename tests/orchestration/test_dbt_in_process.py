"""dagster-dbt's commands run inside this process (orchestration/dbt_in_process.py)."""

import gc
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from dagster_dbt.errors import DagsterDbtCliRuntimeError
from dbt.cli.main import dbtRunner

from orchestration.resources import dbt_project, dbt_resource


@pytest.fixture
def no_dbt_subprocess(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dbt executable started as a subprocess fails the test (dbt itself may run `uname`)."""
    real_popen = subprocess.Popen

    def refuse_dbt(args: object, *rest: object, **kwargs: object) -> object:
        command = [args] if isinstance(args, str | Path) else list(args)  # type: ignore[call-overload]
        if Path(str(command[0])).name == "dbt":
            raise AssertionError(f"dbt was started as a subprocess: {command}")
        return real_popen(args, *rest, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(subprocess, "Popen", refuse_dbt)


def test_a_build_runs_in_process_streams_its_events_and_releases_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_dbt_subprocess: None
) -> None:
    database = tmp_path / "build.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema raw_oltp")
        con.execute(
            "create table raw_oltp.business_regions as select 1 as id, 'Центр' as name, "
            "'C' as code, now()::timestamp as created_at, now()::timestamp as updated_at, "
            "1 as version, null::timestamp as deleted_at"
        )
    monkeypatch.setenv("CRM_DBT_DUCKDB_PATH", str(database))
    monkeypatch.chdir(tmp_path)
    environment_before = dict(os.environ)
    frozen_during: list[int] = []
    real_invoke = dbtRunner.invoke

    def invoke_recording_the_frozen_heap(
        runner: dbtRunner, *args: object, **kwargs: object
    ) -> object:
        frozen_during.append(gc.get_freeze_count())
        return real_invoke(runner, *args, **kwargs)

    monkeypatch.setattr(dbtRunner, "invoke", invoke_recording_the_frozen_heap)
    dbt = dbt_resource(dbt_project())
    # A real model and its tests, built into a real DuckDB file.
    invocation = dbt.cli(
        ["build", "--select", "stg_opapp__business_regions"],
        target_path=Path("target", "in-process-test"),
    )
    events = list(invocation.stream_raw_events())

    results = {
        event.raw_event["data"]["node_info"]["unique_id"]: event.raw_event["data"]["status"]
        for event in events
        if event.raw_event["info"]["name"] in ("LogModelResult", "LogTestResult")
    }
    model = "model.crm_warehouse.stg_opapp__business_regions"
    assert results.pop(model) == "OK"
    assert results and set(results.values()) == {"pass"}  # its tests ran too
    assert invocation.is_successful()
    # The relative target path is the project's, as it was for a dbt subprocess.
    project_target = Path(dbt_project().project_dir) / "target" / "in-process-test"
    assert (project_target / "dbt.log").exists()
    shutil.rmtree(project_target)
    assert not (tmp_path / "target").exists()
    assert dict(os.environ) == environment_before
    # The process's objects were left out of dbt's garbage collections, and are back in.
    assert frozen_during and frozen_during[0] > 0
    assert gc.get_freeze_count() == 0
    # dbt let go of the file: another process-wide configuration can open it.
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.sql("select business_region_name from staging.stg_opapp__business_regions")
        assert rows.fetchall() == [("Центр",)]


def test_a_failing_command_raises_with_dbt_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_dbt_subprocess: None
) -> None:
    monkeypatch.setenv("CRM_DBT_DUCKDB_PATH", str(tmp_path / "build.duckdb"))
    dbt = dbt_resource(dbt_project())
    invocation = dbt.cli(["run-operation", "no_such_macro"], raise_on_error=False)
    assert not invocation.is_successful()
    error = invocation.get_error()
    assert isinstance(error, DagsterDbtCliRuntimeError)
    assert "no_such_macro" in str(error)
    assert gc.get_freeze_count() == 0


def test_a_build_database_elsewhere_keeps_the_partial_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_dbt_subprocess: None
) -> None:
    # Each data directory has its own build file; dbt's partial parse must survive the move.
    monkeypatch.chdir(tmp_path)
    dbt = dbt_resource(dbt_project())
    target = Path("target", "partial-parse-test")
    reasons: list[list[str]] = []
    for data_dir in ("first", "second"):
        monkeypatch.setenv("CRM_DBT_DUCKDB_PATH", str(tmp_path / data_dir / "crm_build.duckdb"))
        events = list(dbt.cli(["parse"], target_path=target).stream_raw_events())
        reasons.append(
            [
                event.raw_event["data"].get("reason", "")
                for event in events
                if event.raw_event["info"]["name"] == "UnableToPartialParse"
            ]
        )
    shutil.rmtree(Path(dbt_project().project_dir) / target)
    # The first parse may be a full one (no saved state in this target); the second is partial.
    assert reasons[1] == []
