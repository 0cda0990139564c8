"""`crm pipeline` killed with SIGKILL during extract, dbt and publish, then rerun: the published
warehouse ends up equal to a clean run's, and a failing dbt test never reaches readers.

The pipeline runs as a real subprocess (`python -m crm.cli pipeline`). Each phase is recognised
from outside, the way an operator would see it: the build database appearing (extract), dbt's
node lines in the output (dbt, which runs inside the pipeline process), a
`.crm.duckdb.<pid>.publishing` file (publish). The `crm` process is killed as the OOM killer
would do; the rerun has to cope with the WAL of the killed writer, with the Dagster run left
STARTED holding the `duckdb_writer` pool slot, and with half-written publish files.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from crm.settings import Settings, get_settings
from operational_app.seed import seed_database

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 6, 30)
# Every run's marts are built for the seed's as-of, not the day the test runs: runs started at
# different moments (a clean run beside a killed one, or across midnight) compare equal.
PINNED_AS_OF = AS_OF.isoformat()
# An edit stamped after anything the seed wrote, whatever today's date (the incremental extract
# takes rows updated after its watermark).
LATER = "2030-01-01 10:00:00.000000"
# Generous: a demo run takes well under a minute on an idle machine, far longer on a busy one.
RUN_TIMEOUT = 600


# `crm pipeline` prints where it writes Dagster's event stream (crm/commands/pipeline.py).
EVENT_LOG_LINE = re.compile(r"^Dagster's event log: (.+)$", re.MULTILINE)


@dataclass
class PipelineProcess:
    settings: Settings
    process: subprocess.Popen[bytes]
    log: Path

    def wait(self, timeout: float = RUN_TIMEOUT) -> int:
        return self.process.wait(timeout=timeout)

    def output(self) -> str:
        """What the command printed, then the Dagster event log it names: dbt's node lines and
        the assets' messages go to that file (line-buffered), not to the terminal."""
        printed = self.log.read_text(encoding="utf-8", errors="replace")
        named = EVENT_LOG_LINE.search(printed)
        if named is None or not Path(named.group(1)).exists():
            return printed
        return printed + Path(named.group(1)).read_text(encoding="utf-8", errors="replace")


def start_pipeline(
    settings: Settings, log_name: str, *args: str, repo: Path = REPO_ROOT
) -> PipelineProcess:
    """`crm pipeline` as a subprocess on `settings`' data dir, running the code in `repo`."""
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("CRM_", "DAGSTER_"))
    }
    env |= {
        "CRM_DATA_DIR": str(settings.data_dir),
        "CRM_AS_OF": PINNED_AS_OF,
        "DAGSTER_HOME": str(settings.dagster_home),
        "COLUMNS": "200",
        # Ahead of the editable install's path, so a copy of the code runs as itself.
        "PYTHONPATH": str(repo),
    }
    log = settings.data_dir / f"{log_name}.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "crm.cli", "pipeline", *args],
            cwd=repo,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return PipelineProcess(settings, process, log)


def dbt_building(run: PipelineProcess) -> bool:
    """dbt has started on the nodes: its "1 of N START ..." line is in the output."""
    return " START " in run.output()


def wait_until(run: PipelineProcess, condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + RUN_TIMEOUT
    while not condition():
        if run.process.poll() is not None:
            pytest.fail(f"the pipeline ended before {what}:\n{run.output()[-3000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.01)


def publishing_files(settings: Settings) -> list[Path]:
    return sorted(settings.warehouse_dir.glob(".*publishing*"))


def kill(run: PipelineProcess) -> None:
    run.process.send_signal(signal.SIGKILL)
    run.process.wait(timeout=30)


def seeded_data_dir(root: Path, name: str, oltp: Path) -> Settings:
    settings = get_settings({"CRM_DATA_DIR": str(root / name)})
    settings.oltp_dir.mkdir(parents=True)
    shutil.copy(oltp, settings.oltp_dir / "crm.sqlite3")
    return settings


@pytest.fixture(scope="module")
def oltp_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("oltp")
    path = folder / "crm.sqlite3"
    seed_database(f"sqlite:///{path}", "demo", seed=11, as_of=AS_OF)
    return path


@pytest.fixture(scope="module")
def clean_run(
    tmp_path_factory: pytest.TempPathFactory, oltp_file: Path
) -> Iterator[PipelineProcess]:
    """A clean run on a copy of the same OLTP, started early so it overlaps the kill test."""
    settings = seeded_data_dir(tmp_path_factory.mktemp("runs"), "clean", oltp_file)
    run = start_pipeline(settings, "clean")
    yield run
    stop_group(run)


def stop_group(run: PipelineProcess) -> None:
    try:
        os.killpg(run.process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def mart_tables(path: Path) -> list[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [
            name
            for (name,) in con.sql(
                "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
            ).fetchall()
        ]
    finally:
        con.close()


def comparable_columns(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """The table's columns, doubles rounded: DuckDB sums floating point in parallel, so a mean
    can differ in its last bits between two runs on identical data."""
    columns = con.sql(
        "select column_name, data_type from duckdb_columns() "
        "where database_name = 'left_wh' and schema_name = 'marts' and table_name = ? "
        "order by column_index",
        params=[table],
    ).fetchall()
    return ", ".join(
        f'round("{name}", 9)' if kind in ("DOUBLE", "FLOAT") else f'"{name}"'
        for name, kind in columns
    )


def differences(left: Path, right: Path) -> dict[str, tuple[int, int]]:
    """Rows only in left / only in right, per mart table, plus the freshness rows without
    their timestamps (run ids and load times differ between runs by design)."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{left}' as left_wh (read_only)")
        con.execute(f"attach '{right}' as right_wh (read_only)")
        queries = {
            table: f"select {comparable_columns(con, table)} from {{db}}.marts.{table}"
            for table in mart_tables(left)
        }
        queries["meta.data_freshness"] = "select source, rows from {db}.meta.data_freshness"
        found = {}
        for name, query in queries.items():
            left_query, right_query = query.format(db="left_wh"), query.format(db="right_wh")
            only_left = con.sql(
                f"select count(*) from ({left_query} except all {right_query})"
            ).fetchall()[0][0]
            only_right = con.sql(
                f"select count(*) from ({right_query} except all {left_query})"
            ).fetchall()[0][0]
            if only_left or only_right:
                found[name] = (only_left, only_right)
        return found
    finally:
        con.close()


@pytest.mark.slow
def test_killed_runs_then_a_rerun_publish_what_a_clean_run_publishes(
    tmp_path: Path, oltp_file: Path, clean_run: PipelineProcess
) -> None:
    settings = seeded_data_dir(tmp_path, "killed", oltp_file)
    build = settings.build_database_path
    published = settings.published_database_path

    # 1. During extract: the build database exists, dbt has not started.
    run = start_pipeline(settings, "kill-extract")
    wait_until(run, build.exists, "the extract to start")
    assert not dbt_building(run)
    kill(run)
    assert not published.exists()

    # 2. During dbt: models are being built.
    run = start_pipeline(settings, "kill-dbt")
    wait_until(run, lambda: dbt_building(run), "dbt to start building")
    time.sleep(1)  # into the build proper
    kill(run)
    assert not published.exists()

    # 3. During publish: the staging copy is being written; nothing is swapped in yet.
    run = start_pipeline(settings, "kill-publish")
    wait_until(run, lambda: bool(publishing_files(settings)), "the publish to start")
    kill(run)
    assert not published.exists(), "killed too late: the publish had finished"
    assert publishing_files(settings), "a killed publish leaves its staging file"

    # 4. The rerun completes and cleans up after the killed ones.
    run = start_pipeline(settings, "rerun")
    assert run.wait() == 0, run.output()[-5000:]
    assert publishing_files(settings) == []
    assert not build.with_name(build.name + ".wal").exists()
    con = duckdb.connect(str(build))  # no lock left behind
    con.close()

    assert clean_run.wait() == 0, clean_run.output()[-5000:]
    reference = clean_run.settings.published_database_path
    assert len(mart_tables(published)) >= 5
    assert mart_tables(published) == mart_tables(reference)
    assert differences(published, reference) == {}


def test_a_failing_dbt_test_leaves_the_published_warehouse_untouched(
    clean_run: PipelineProcess,
) -> None:
    assert clean_run.wait() == 0, clean_run.output()[-5000:]
    settings = clean_run.settings
    published = settings.published_database_path
    before = published.read_bytes()
    # A deal whose manager is not a user: SQLite enforces no foreign keys on a plain connection
    # (a script or a restore that bypasses the app), and fct_deals' foreign-key test (its
    # manager_id refers to dim_managers) catches it.
    with sqlite3.connect(settings.oltp_dir / "crm.sqlite3") as connection:
        connection.execute(
            "update deals set manager_id = 999999, updated_at = ? "
            "where id = (select min(id) from deals)",
            [LATER],
        )

    run = start_pipeline(settings, "failing-test")
    assert run.wait() == 1, run.output()[-5000:]
    output = run.output()
    assert "crm_dbt_models" in output and "failed" in output
    assert "foreign_keys_fct_deals" in output
    assert published.read_bytes() == before
    assert publishing_files(settings) == []
    assert not (settings.warehouse_dir / "previous").exists()  # nothing was swapped out
