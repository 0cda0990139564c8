from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import duckdb
import pytest

from ingestion.load import ensure_meta_schema
from ingestion.publish import prune_previous, publish_warehouse, remove_stale_staging


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


def published_bytes(path: Path) -> bytes:
    return path.read_bytes()


def test_keeps_the_outgoing_file_under_previous(paths: tuple[Path, Path, Path]) -> None:
    build, published, parquet = paths
    build_database(build, generation=1)
    first = publish_warehouse(build, published, parquet, run_id="run-1")
    assert first.previous is None  # nothing was published before
    first_bytes = published_bytes(published)

    build_database(build, generation=2)
    second = publish_warehouse(build, published, parquet, run_id="run-2")
    assert second.previous is not None
    assert second.previous.parent == published.parent / "previous"
    assert second.previous.name.startswith("crm-") and second.previous.name.endswith(
        "-run-1.duckdb"
    )
    assert published_bytes(second.previous) == first_bytes  # the outgoing version, intact
    con = duckdb.connect(str(second.previous), read_only=True)
    assert con.sql("select max(generation) from marts.fct_deals").fetchall() == [(1,)]
    con.close()
    con = duckdb.connect(str(published), read_only=True)
    assert con.sql("select max(generation) from marts.fct_deals").fetchall() == [(2,)]
    con.close()


def make_previous(folder: Path, retired: dt.datetime, run: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"crm-{retired:%Y%m%dT%H%M%SZ}-{run}.duckdb"
    path.write_bytes(b"old")
    return path


def test_prune_deletes_versions_past_the_grace_period_but_never_the_newest(
    tmp_path: Path,
) -> None:
    now = dt.datetime(2026, 6, 30, 12, 0, 0)
    folder = tmp_path / "previous"
    ancient = make_previous(folder, now - dt.timedelta(days=3), "a")
    old = make_previous(folder, now - dt.timedelta(hours=25), "b")
    recent = make_previous(folder, now - dt.timedelta(hours=23), "c")
    unrelated = folder / "notes.txt"
    unrelated.write_text("kept")

    pruned = prune_previous(folder, dt.timedelta(hours=24), now=now)
    assert sorted(pruned) == sorted([ancient, old])
    assert recent.exists() and unrelated.exists()

    # All versions past the grace period: the newest of them still stays.
    pruned = prune_previous(folder, dt.timedelta(hours=1), now=now)
    assert pruned == [] and recent.exists()
    newer = make_previous(folder, now - dt.timedelta(hours=2), "d")
    assert prune_previous(folder, dt.timedelta(hours=1), now=now) == [recent]
    assert newer.exists()


def test_publish_prunes_with_the_configured_grace(paths: tuple[Path, Path, Path]) -> None:
    build, published, parquet = paths
    stale = make_previous(published.parent / "previous", dt.datetime(2020, 1, 1), "stale")
    build_database(build, generation=1)
    publish_warehouse(build, published, parquet, run_id="run-1")
    build_database(build, generation=2)
    result = publish_warehouse(
        build, published, parquet, run_id="run-2", previous_grace=dt.timedelta(days=365 * 100)
    )
    assert stale.exists() and result.pruned == []
    build_database(build, generation=3)
    result = publish_warehouse(
        build, published, parquet, run_id="run-3", previous_grace=dt.timedelta(hours=24)
    )
    assert result.pruned == [stale]
    names = sorted(path.name for path in (published.parent / "previous").iterdir())
    assert len(names) == 2 and names[0].endswith("-run-1.duckdb")


def test_removes_what_a_killed_publish_left_behind(paths: tuple[Path, Path, Path]) -> None:
    build, published, parquet = paths
    build_database(build, generation=1)
    publish_warehouse(build, published, parquet)
    dead_pid = 2**22 + 12_345  # above pid_max on default Linux, so never a live process
    leftovers = [
        published.with_name(f".{published.name}.{dead_pid}.publishing"),
        published.with_name(f".{published.name}.{dead_pid}.publishing.wal"),
    ]
    for path in leftovers:
        path.write_bytes(b"half-written")
    fresh_dir = parquet.with_name(f".{parquet.name}.{dead_pid}.publishing")
    fresh_dir.mkdir()
    (fresh_dir / "fct_deals.parquet").write_bytes(b"half")
    live = published.with_name(f".{published.name}.1.publishing")  # pid 1 is always alive
    live.write_bytes(b"someone else's")

    assert sorted(remove_stale_staging(published, parquet)) == sorted([*leftovers, fresh_dir])
    assert live.exists()
    live.unlink()

    # Killed between the two renames of the Parquet swap: the last export comes back.
    parquet.rename(parquet.with_name(f".{parquet.name}.retired"))
    remove_stale_staging(published, parquet)
    assert (parquet / "fct_deals.parquet").exists()


def test_data_freshness_lists_each_loaded_source(paths: tuple[Path, Path, Path]) -> None:
    build, published, parquet = paths
    build_database(build, generation=1)
    con = duckdb.connect(str(build))
    ensure_meta_schema(con)
    con.execute("create schema raw_oltp")
    con.execute("create table raw_oltp.deals as select range as id from range(7)")
    con.execute("create table raw_oltp.users as select range as id from range(3)")
    loads = [
        ("r1", "deals", 5, dt.datetime(2026, 6, 29, 2, 30)),
        ("r2", "deals", 2, dt.datetime(2026, 6, 30, 9, 15)),  # incremental: 2 rows merged
        ("r1", "users", 3, dt.datetime(2026, 6, 29, 2, 30)),
    ]
    for run, table, rows, loaded_at in loads:
        con.execute(
            "insert into meta.load_log (run_id, source_schema, table_name, row_count, "
            "extract_seconds, load_seconds, loaded_at) values (?, 'raw_oltp', ?, ?, 0, 0, ?)",
            [run, table, rows, loaded_at],
        )
    con.execute("create schema raw_gis")
    con.execute(
        "create table raw_gis.loaded_files (file_sha256 varchar, system varchar, "
        "source_file varchar, loaded_at timestamp, event_count integer, run_id varchar)"
    )
    con.execute(
        "insert into raw_gis.loaded_files values "
        "('h1', 'egais', 'a.xml', '2026-06-28 10:00', 4, 'r0'),"
        "('h2', 'egais', 'b.xml', '2026-06-29 11:00', 6, 'r1')"
    )
    con.close()

    publish_warehouse(build, published, parquet, run_id="run-f")
    con = duckdb.connect(str(published), read_only=True)
    freshness = con.sql(
        "select source, last_loaded_at, rows, published_at = (select published_at "
        "from meta.publication) from meta.data_freshness order by source"
    ).fetchall()
    con.close()
    assert freshness == [
        ("raw_gis.egais", dt.datetime(2026, 6, 29, 11, 0), 10, True),
        ("raw_oltp.deals", dt.datetime(2026, 6, 30, 9, 15), 7, True),
        ("raw_oltp.users", dt.datetime(2026, 6, 29, 2, 30), 3, True),
    ]


def test_data_freshness_is_empty_when_nothing_was_loaded(paths: tuple[Path, Path, Path]) -> None:
    build, published, parquet = paths
    build_database(build, generation=1)
    publish_warehouse(build, published, parquet)
    con = duckdb.connect(str(published), read_only=True)
    assert con.sql("select count(*) from meta.data_freshness").fetchall() == [(0,)]
    con.close()
