"""The pipeline's Dagster event log: SQLite files kept open, readable by stock Dagster."""

from __future__ import annotations

import threading
from pathlib import Path

import dagster as dg
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from crm.pipeline import dagster_instance_config, prepare_dagster_home
from orchestration.event_log import PipelineEventLogStorage

ASSETS = [f"model_{n}" for n in range(40)]


def _job_with_checks() -> dg.JobDefinition:
    specs = [dg.AssetSpec(name) for name in ASSETS]
    check_specs = [dg.AssetCheckSpec("rows_present", asset=name) for name in ASSETS]

    @dg.multi_asset(specs=specs, check_specs=check_specs)
    def models() -> object:
        for name in ASSETS:
            yield dg.MaterializeResult(asset_key=name)
            yield dg.AssetCheckResult(asset_key=name, check_name="rows_present", passed=True)

    return dg.Definitions(assets=[models]).resolve_implicit_global_asset_job_def()


def test_the_pipeline_home_stores_events_that_stock_dagster_reads(tmp_path: Path) -> None:
    home = prepare_dagster_home(tmp_path / "dagster")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert isinstance(instance.event_log_storage, PipelineEventLogStorage)
        result = _job_with_checks().execute_in_process(instance=instance)
        assert result.success
        # Read while the pipeline's storage still holds its files open (the Dagster UI's case).
        stock = SqliteEventLogStorage(str(home / "history" / "runs"))
        logs = stock.get_logs_for_run(result.run_id)
        materialized = {
            entry.dagster_event.asset_key.to_user_string()
            for entry in logs
            if entry.dagster_event
            and entry.dagster_event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION
        }
        assert materialized == set(ASSETS)
        checks = stock.get_asset_check_execution_history(
            dg.AssetCheckKey(dg.AssetKey("model_7"), "rows_present"), limit=5
        )
        assert [record.run_id for record in checks] == [result.run_id]
        assert stock.get_latest_materialization_events([dg.AssetKey("model_39")])[
            dg.AssetKey("model_39")
        ]


def test_events_stored_and_read_from_many_threads_are_all_kept(tmp_path: Path) -> None:
    # The UI and sensors read while the run writes; each thread here replays one run's events
    # under its own run id while reading the others'.
    home = prepare_dagster_home(tmp_path / "dagster")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        source = _job_with_checks().execute_in_process(instance=instance)
        storage = instance.event_log_storage
        entries = [
            entry
            for entry in storage.get_logs_for_run(source.run_id)
            if entry.dagster_event
            and entry.dagster_event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION
        ]
        copies = [f"copy-{n}" for n in range(4)]
        errors: list[BaseException] = []

        def replay(run_id: str) -> None:
            try:
                for entry in entries:
                    storage.store_event(entry._replace(run_id=run_id))
                    storage.get_logs_for_run(source.run_id, limit=5)
            except BaseException as error:  # reported by the main thread
                errors.append(error)

        threads = [threading.Thread(target=replay, args=(run_id,)) for run_id in copies]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        for run_id in copies:
            assert len(storage.get_logs_for_run(run_id)) == len(ASSETS)
        latest = storage.get_latest_materialization_events([dg.AssetKey("model_0")])
        assert latest[dg.AssetKey("model_0")].run_id in copies


def test_an_older_generated_config_is_rewritten_an_operators_own_is_not(tmp_path: Path) -> None:
    home = tmp_path / "dagster"
    home.mkdir()
    config = home / "dagster.yaml"
    config.write_text(
        "# Written by `crm pipeline`. One writer per DuckDB file.\n"
        "concurrency:\n  pools:\n    default_limit: 1\n"
    )
    prepare_dagster_home(home)
    assert config.read_text() == dagster_instance_config(home)
    assert "PipelineEventLogStorage" in config.read_text()

    config.write_text("telemetry:\n  enabled: false\n")
    prepare_dagster_home(home)
    assert config.read_text() == "telemetry:\n  enabled: false\n"
