from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pytest

from ingestion.publish import publish_warehouse


def build_database(path: Path, generation: int, rows: int = 2_000) -> None:
    """A build database whose every mart row carries the generation that produced it."""
    con = duckdb.connect(str(path))
    con.execute("create schema if not exists marts")
    con.execute("create schema if not exists staging")
    con.execute(
        "create or replace table marts.fct_deals as "
        f"select range as deal_id, {generation} as generation from range({rows})"
    )
    con.execute(
        "create or replace table marts.rpt_totals as "
        f"select {generation} as generation, {rows} as deals"
    )
    con.execute("create or replace view staging.stg_hidden as select 1 as x")
    con.close()


@pytest.fixture
def paths(tmp_path: Path) -> tuple[Path, Path, Path]:
    return tmp_path / "build.duckdb", tmp_path / "wh" / "crm.duckdb", tmp_path / "wh" / "parquet"


def test_publishes_marts_only_with_parquet_export(paths: tuple[Path, Path, Path]) -> None:
    build, published, parquet = paths
    build_database(build, generation=1)
    result = publish_warehouse(build, published, parquet, run_id="run-a")
    assert sorted(result.tables) == ["marts.fct_deals", "marts.rpt_totals"]

    con = duckdb.connect(str(published), read_only=True)
    assert con.sql("select count(*) from marts.fct_deals").fetchall() == [(2_000,)]
    assert con.sql("select run_id from meta.publication").fetchall() == [("run-a",)]
    schemas = {row[0] for row in con.sql("select schema_name from duckdb_schemas()").fetchall()}
    assert "staging" not in schemas  # analysts see marts, not the build's internals
    con.close()
    exported = duckdb.sql(f"select count(*) from '{parquet / 'fct_deals.parquet'}'").fetchall()
    assert exported == [(2_000,)]
    assert not list(published.parent.glob(".*publishing"))


def test_failed_publish_keeps_the_previous_warehouse(paths: tuple[Path, Path, Path]) -> None:
    build, published, parquet = paths
    build_database(build, generation=1)
    publish_warehouse(build, published, parquet)
    empty_build = build.with_name("empty.duckdb")
    duckdb.connect(str(empty_build)).close()

    with pytest.raises(RuntimeError, match="no marts"):
        publish_warehouse(empty_build, published, parquet)
    with pytest.raises(FileNotFoundError):
        publish_warehouse(build.with_name("absent.duckdb"), published, parquet)

    con = duckdb.connect(str(published), read_only=True)
    assert con.sql("select max(generation) from marts.fct_deals").fetchall() == [(1,)]
    con.close()
    assert not list(published.parent.glob(".*publishing"))


def test_readers_never_fail_or_see_two_runs_during_back_to_back_publishes(
    paths: tuple[Path, Path, Path],
) -> None:
    build, published, _ = paths
    build_database(build, generation=0)
    publish_warehouse(build, published)
    errors: list[BaseException] = []
    observations: list[tuple[int, int]] = []
    stop = threading.Event()

    def read_continuously() -> None:
        while not stop.is_set():
            try:
                con = duckdb.connect(str(published), read_only=True)
                try:
                    # Two tables read in one connection must come from the same run.
                    deal_generations = con.sql(
                        "select min(generation), max(generation) from marts.fct_deals"
                    ).fetchall()[0]
                    totals_generation = con.sql(
                        "select generation from marts.rpt_totals"
                    ).fetchall()[0][0]
                finally:
                    con.close()
                assert deal_generations[0] == deal_generations[1] == totals_generation
                observations.append(deal_generations)
            except BaseException as error:  # noqa: BLE001 - any failure of a reader counts
                errors.append(error)
                return

    readers = [threading.Thread(target=read_continuously) for _ in range(2)]
    for reader in readers:
        reader.start()
    for generation in range(1, 21):
        build_database(build, generation=generation)
        publish_warehouse(build, published)
    stop.set()
    for reader in readers:
        reader.join()

    assert errors == []
    assert len(observations) > 20
    con = duckdb.connect(str(published), read_only=True)
    assert con.sql("select max(generation) from marts.fct_deals").fetchall() == [(20,)]
    con.close()
