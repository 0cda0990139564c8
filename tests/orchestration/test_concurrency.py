"""One writer per DuckDB file: the pool every writing step runs in, and the instance config that
limits that pool to one step at a time."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from crm.pipeline import prepare_dagster_home, release_abandoned_runs
from crm.settings import get_settings
from orchestration.definitions import build_definitions
from orchestration.publish import PUBLISHED_WAREHOUSE_KEY
from orchestration.resources import connect_when_unlocked

POOL = "duckdb_writer"


@pytest.fixture(scope="module")
def definitions(tmp_path_factory: pytest.TempPathFactory) -> dg.Definitions:
    data_dir = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRM_DBT_DUCKDB_PATH", str(data_dir / "build.duckdb"))
        return build_definitions(get_settings({"CRM_DATA_DIR": str(data_dir)}))


def test_every_step_that_opens_the_build_database_runs_in_the_writer_pool(
    definitions: dg.Definitions,
) -> None:
    graph = definitions.resolve_asset_graph()
    # Every materializable asset writes DuckDB: raw loads, dbt models (and their tests), publish.
    writers = {
        assets_def.node_def.name: assets_def.op.pool
        for assets_def in graph.assets_defs
        if assets_def.keys  # asset checks definitions have no asset keys of their own
    }
    assert writers, "no assets"
    assert {name: pool for name, pool in writers.items() if pool != POOL} == {}
    assert {"raw_oltp_tables", "crm_dbt_models", "published_warehouse"} <= set(writers)
    # Python checks that open the build database queue with the writers too; the freshness
    # check only reads the published file, which readers may always open.
    checks = {
        assets_def.node_def.name: assets_def.op.pool
        for assets_def in graph.assets_defs
        if isinstance(assets_def, dg.AssetChecksDefinition)
    }
    assert checks["raw_oltp_row_counts"] == POOL
    assert graph.get(PUBLISHED_WAREHOUSE_KEY).key == PUBLISHED_WAREHOUSE_KEY


def test_dagster_home_limits_every_pool_to_one_step(tmp_path: Path) -> None:
    home = prepare_dagster_home(tmp_path / "dagster")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.global_op_concurrency_default_limit == 1
        assert instance.event_log_storage.supports_global_concurrency_limits
    # An operator's own dagster.yaml is left alone.
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    prepare_dagster_home(home)
    assert "concurrency" not in (home / "dagster.yaml").read_text()


def test_a_killed_runs_pool_slot_is_released_for_the_next_run(tmp_path: Path) -> None:
    home = prepare_dagster_home(tmp_path / "dagster")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with dg.DagsterInstance.from_config(str(home)) as instance:
        storage = instance.event_log_storage
        storage.initialize_concurrency_limit_to_default(POOL)
        abandoned = instance.create_run_for_job(
            dg.GraphDefinition("g").to_job(),
            tags={"crm/pid": str(dead.pid), "crm/host": socket.gethostname()},
        )
        instance.handle_run_event(
            abandoned.run_id,
            dg.DagsterEvent(dg.DagsterEventType.RUN_START.value, job_name=abandoned.job_name),
        )
        assert storage.claim_concurrency_slot(POOL, abandoned.run_id, "step").is_claimed
        assert not storage.claim_concurrency_slot(POOL, "next-run", "step").is_claimed

        assert release_abandoned_runs(instance) == [abandoned.run_id]
        run = instance.get_run_by_id(abandoned.run_id)
        assert run is not None and run.status == dg.DagsterRunStatus.FAILURE
        assert storage.claim_concurrency_slot(POOL, "next-run", "step").is_claimed
        assert release_abandoned_runs(instance) == []


def test_the_build_database_is_opened_once_a_leftover_writer_lets_go(tmp_path: Path) -> None:
    path = tmp_path / "build.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
            "print('locked', flush=True); time.sleep(2)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    with pytest.raises(duckdb.IOException, match="lock"):
        connect_when_unlocked(str(path), timeout=0)
    started = time.monotonic()
    con = connect_when_unlocked(str(path), timeout=60)
    con.close()
    assert holder.wait() == 0 and time.monotonic() - started > 0.5
