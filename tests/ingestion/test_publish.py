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


def test_data_freshness_lists_ofd_receipts(paths: tuple[Path, Path, Path]) -> None:
    build, published, parquet = paths
    build_database(build, generation=1)
    con = duckdb.connect(str(build))
    con.execute("create schema raw_ofd")
    con.execute(
        "create table raw_ofd.loaded_files (file_sha256 varchar, source_file varchar, "
        "loaded_at timestamp, receipt_count integer, run_id varchar)"
    )
    con.close()
    publish_warehouse(build, published, parquet)
    with duckdb.connect(str(published), read_only=True) as check:
        assert check.sql("select count(*) from meta.data_freshness").fetchall() == [(0,)]
    con = duckdb.connect(str(build))
    con.execute(
        "insert into raw_ofd.loaded_files values "
        "('h1', 'ofd/a.json', '2026-06-28 10:00', 40, 'r0'),"
        "('h2', 'ofd/b.json', '2026-06-29 11:00', 2, 'r1')"
    )
    con.close()
    publish_warehouse(build, published, parquet)
    with duckdb.connect(str(published), read_only=True) as check:
        rows = check.sql("select source, last_loaded_at, rows from meta.data_freshness").fetchall()
    assert rows == [("raw_ofd.receipts", dt.datetime(2026, 6, 29, 11, 0), 42)]


def test_data_freshness_is_empty_when_nothing_was_loaded(paths: tuple[Path, Path, Path]) -> None:
    build, published, parquet = paths
    build_database(build, generation=1)
    publish_warehouse(build, published, parquet)
    con = duckdb.connect(str(published), read_only=True)
    assert con.sql("select count(*) from meta.data_freshness").fetchall() == [(0,)]
    con.close()


PUBLISH_OWNED = {("meta", "publication"), ("meta", "data_freshness"), ("meta", "published_tables")}


def assert_published_equals_build(build: Path, published: Path, parquet: Path | None) -> None:
    """Every published table (and Parquet file) holds exactly the build's columns and rows."""
    con = duckdb.connect()
    con.execute(f"attach '{build}' as b (read_only)")
    con.execute(f"attach '{published}' as p (read_only)")

    def tables(database: str) -> list[tuple[str, str]]:
        return [
            row
            for row in con.sql(
                "select schema_name, table_name from duckdb_tables() where database_name = ? "
                "order by all",
                params=[database],
            ).fetchall()
            if row not in PUBLISH_OWNED
        ]

    def columns(database: str, schema: str, table: str) -> list[tuple[str, str]]:
        return con.sql(
            "select column_name, data_type from duckdb_columns() where database_name = ? "
            "and schema_name = ? and table_name = ? order by column_index",
            params=[database, schema, table],
        ).fetchall()

    def same_rows(left: str, right: str) -> bool:
        return con.sql(
            f"select (select count(*) from ({left} except all {right})) "
            f"+ (select count(*) from ({right} except all {left}))"
        ).fetchall() == [(0,)]

    try:
        built = [row for row in tables("b") if row[0] in ("marts", "meta")]
        assert tables("p") == built
        for schema, table in built:
            assert columns("p", schema, table) == columns("b", schema, table)
            assert same_rows(f"from b.{schema}.{table}", f"from p.{schema}.{table}"), table
        if parquet is not None:
            marts = sorted(f"{table}.parquet" for schema, table in built if schema == "marts")
            assert sorted(path.name for path in parquet.iterdir()) == marts
            for name in marts:
                table = name.removesuffix(".parquet")
                assert same_rows(f"from b.marts.{table}", f"from '{parquet / name}'"), name
    finally:
        con.close()


def change_build(build: Path, *statements: str) -> None:
    con = duckdb.connect(str(build))
    for statement in statements:
        con.execute(statement)
    con.close()


def test_second_publish_reuses_unchanged_tables(paths: tuple[Path, Path, Path]) -> None:
    build, published, parquet = paths
    build_database(build, generation=1)
    con = duckdb.connect(str(build))
    ensure_meta_schema(con)  # the build's own meta tables are published too
    con.close()
    first = publish_warehouse(build, published, parquet, run_id="run-1")
    assert first.reused == [] and first.parquet_reused == []
    assert sorted(first.copied) == sorted(first.tables)
    totals_inode = (parquet / "rpt_totals.parquet").stat().st_ino
    deals_inode = (parquet / "fct_deals.parquet").stat().st_ino

    change_build(
        build,
        "update marts.fct_deals set generation = 2 where deal_id < 10",
        "insert into marts.fct_deals values (5000, 2)",
    )
    second = publish_warehouse(build, published, parquet, run_id="run-2")

    assert second.copied == ["marts.fct_deals"]
    assert second.reused == ["marts.rpt_totals", "meta.load_log", "meta.watermarks"]
    assert second.parquet_reused == ["marts.rpt_totals"]
    assert (parquet / "rpt_totals.parquet").stat().st_ino == totals_inode  # a hard link
    assert (parquet / "fct_deals.parquet").stat().st_ino != deals_inode
    assert_published_equals_build(build, published, parquet)
    con = duckdb.connect(str(published), read_only=True)
    assert con.sql("select count(*) from marts.fct_deals where generation = 2").fetchall() == [
        (11,)
    ]
    assert con.sql("select run_id from meta.publication").fetchall() == [("run-2",)]
    con.close()
    # The outgoing version is intact: the staging copy was a copy, not the same file.
    assert second.previous is not None
    con = duckdb.connect(str(second.previous), read_only=True)
    assert con.sql("select max(generation) from marts.fct_deals").fetchall() == [(1,)]
    assert con.sql("select run_id from meta.publication").fetchall() == [("run-1",)]
    con.close()


def test_a_table_dropped_from_the_build_disappears(paths: tuple[Path, Path, Path]) -> None:
    build, published, parquet = paths
    build_database(build, generation=1)
    change_build(build, "create table marts.dim_extra as select 1 as id")
    publish_warehouse(build, published, parquet)
    assert (parquet / "dim_extra.parquet").exists()

    change_build(build, "drop table marts.dim_extra")
    result = publish_warehouse(build, published, parquet)

    assert sorted(result.reused) == ["marts.fct_deals", "marts.rpt_totals"]
    assert "marts.dim_extra" not in result.tables
    assert_published_equals_build(build, published, parquet)  # no dim_extra table or file
    con = duckdb.connect(str(published), read_only=True)
    recorded = con.sql("select table_name from meta.published_tables order by 1").fetchall()
    con.close()
    assert recorded == [("fct_deals",), ("rpt_totals",)]


@pytest.mark.parametrize(
    "change",
    [
        "alter table marts.rpt_totals rename column deals to deal_count",
        "alter table marts.rpt_totals alter deals type bigint",  # same values, another type
    ],
)
def test_a_schema_change_with_the_same_rows_counts_as_a_change(
    paths: tuple[Path, Path, Path], change: str
) -> None:
    build, published, parquet = paths
    build_database(build, generation=1)
    publish_warehouse(build, published, parquet)

    change_build(build, change)
    result = publish_warehouse(build, published, parquet)

    assert result.copied == ["marts.rpt_totals"]
    assert result.parquet_reused == ["marts.fct_deals"]
    assert_published_equals_build(build, published, parquet)


def test_duplicated_rows_count_as_a_change(paths: tuple[Path, Path, Path]) -> None:
    # Same row count, and every row appears twice: an xor of the row hashes is 0 both times.
    build, published, parquet = paths
    build_database(build, generation=1)
    change_build(
        build, "create table marts.rpt_pairs as select * from (values (1, 'a'), (1, 'a')) v(n, s)"
    )
    publish_warehouse(build, published, parquet)

    change_build(
        build,
        "create or replace table marts.rpt_pairs as "
        "select * from (values (2, 'b'), (2, 'b')) v(n, s)",
    )
    result = publish_warehouse(build, published, parquet)

    assert result.copied == ["marts.rpt_pairs"]
    assert_published_equals_build(build, published, parquet)


def test_a_published_file_is_reused_only_if_it_matches_its_record(
    paths: tuple[Path, Path, Path],
) -> None:
    build, published, parquet = paths
    build_database(build, generation=1)
    publish_warehouse(build, published, parquet)
    # Someone edited the published file (and a Parquet file went missing): what no longer
    # matches the record is copied and exported again.
    con = duckdb.connect(str(published))
    con.execute("delete from marts.fct_deals where deal_id < 5")
    con.close()
    (parquet / "rpt_totals.parquet").unlink()

    result = publish_warehouse(build, published, parquet)

    assert result.copied == ["marts.fct_deals"]
    assert result.reused == ["marts.rpt_totals"]
    assert result.parquet_reused == ["marts.fct_deals"]
    assert_published_equals_build(build, published, parquet)


@pytest.mark.parametrize("damage", ["old format", "not a database"])
def test_an_old_or_unreadable_published_file_gets_a_full_copy(
    paths: tuple[Path, Path, Path], damage: str
) -> None:
    build, published, parquet = paths
    build_database(build, generation=1)
    publish_warehouse(build, published, parquet)
    if damage == "old format":
        con = duckdb.connect(str(published))
        con.execute("drop table meta.published_tables")
        con.close()
    else:
        published.write_bytes(b"not a database" * 1000)

    result = publish_warehouse(build, published, parquet)

    assert result.reused == [] and sorted(result.copied) == sorted(result.tables)
    assert_published_equals_build(build, published, parquet)


def test_a_published_file_with_much_free_space_is_not_reused(
    paths: tuple[Path, Path, Path],
) -> None:
    build, published, parquet = paths
    build_database(build, generation=1)
    publish_warehouse(build, published, parquet)
    fresh_size = published.stat().st_size
    # Free blocks in the middle of the file, as replacing big tables leaves them: DuckDB only
    # truncates free blocks at the end.
    con = duckdb.connect(str(published))
    con.execute("create table main.filler as select hash(range) as x from range(3_000_000)")
    con.execute("checkpoint")
    con.execute("create table main.tail as select hash(range + 7) as x from range(300_000)")
    con.execute("checkpoint")
    con.execute("drop table main.filler")
    con.close()
    assert published.stat().st_size > 10 * fresh_size

    result = publish_warehouse(build, published, parquet)

    assert result.reused == []  # a full copy, which compacts the file
    assert published.stat().st_size == fresh_size
    assert_published_equals_build(build, published, parquet)


def test_runs_that_replace_a_big_table_keep_reusing_the_others(
    paths: tuple[Path, Path, Path],
) -> None:
    """The blocks of a replaced table are refilled by its new copy, so the file stays compact
    and reuse never falls back to a full copy every other run."""
    build, published, parquet = paths
    change_build(
        build,
        "create schema marts",
        "create table marts.steady as select range as id, md5(range::varchar) as s "
        "from range(200_000)",
    )
    sizes = []
    for generation in range(4):
        change_build(
            build,
            "create or replace table marts.big as select range as id, "
            f"{generation} as generation, md5(range::varchar) as s from range(400_000)",
        )
        result = publish_warehouse(build, published, parquet, run_id=f"run-{generation}")
        sizes.append(published.stat().st_size)
        if generation:
            assert result.reused == ["marts.steady"], generation
            assert result.copied == ["marts.big"]
    assert max(sizes) <= 1.25 * sizes[0]
    assert_published_equals_build(build, published, parquet)


@pytest.fixture
def patchable_build(
    paths: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path, Path]:
    """`paths` with a build of marts.fct_deals (generation 1) big enough to be patched."""
    monkeypatch.setattr("ingestion.publish.PATCH_MIN_ROWS", 1_000)
    build_database(paths[0], generation=1)
    return paths


def test_a_big_table_with_few_changed_rows_is_patched_exactly(
    patchable_build: tuple[Path, Path, Path],
) -> None:
    build, published, parquet = patchable_build
    publish_warehouse(build, published, parquet, run_id="run-1")

    # Changed, deleted and new rows, and a row that now appears twice.
    change_build(
        build,
        "update marts.fct_deals set generation = 2 where deal_id < 10",
        "delete from marts.fct_deals where deal_id between 100 and 104",
        "insert into marts.fct_deals values (5000, 2), (20, 1)",
    )
    second = publish_warehouse(build, published, parquet, run_id="run-2")
    assert second.patched == ["marts.fct_deals"]
    assert second.copied == ["marts.fct_deals"]
    assert_published_equals_build(build, published, parquet)

    # One of the two identical rows goes: counts per row, not just presence, are patched.
    change_build(
        build,
        "delete from marts.fct_deals where deal_id = 20",
        "insert into marts.fct_deals values (20, 1)",
    )
    third = publish_warehouse(build, published, parquet, run_id="run-3")
    assert third.patched == ["marts.fct_deals"]
    assert_published_equals_build(build, published, parquet)
    con = duckdb.connect(str(published), read_only=True)
    assert con.sql("select count(*) from marts.fct_deals where deal_id = 20").fetchall() == [(1,)]
    con.close()


def test_a_patch_sees_duplicates_trade_places_at_the_same_row_count(
    patchable_build: tuple[Path, Path, Path],
) -> None:
    """Rows that both files hold, each now as often as the other was: no row is new or gone and
    the count is unchanged, which only the rows' hash sums tell apart."""
    build, published, parquet = patchable_build
    change_build(build, "insert into marts.fct_deals values (7000, 1), (7000, 1), (7001, 1)")
    publish_warehouse(build, published, parquet, run_id="run-1")

    change_build(
        build,
        "delete from marts.fct_deals where deal_id in (7000, 7001)",
        "insert into marts.fct_deals values (7000, 1), (7001, 1), (7001, 1)",
    )
    result = publish_warehouse(build, published, parquet, run_id="run-2")
    assert result.patched == ["marts.fct_deals"]
    assert_published_equals_build(build, published, parquet)


def test_a_big_table_with_most_rows_changed_is_copied_not_patched(
    patchable_build: tuple[Path, Path, Path],
) -> None:
    build, published, parquet = patchable_build
    publish_warehouse(build, published, parquet)

    change_build(build, "update marts.fct_deals set generation = 2 where deal_id % 2 = 0")
    result = publish_warehouse(build, published, parquet)

    assert result.patched == []
    assert result.copied == ["marts.fct_deals"]
    assert_published_equals_build(build, published, parquet)


def published_comments(published: Path) -> set[tuple[str, str | None, str]]:
    """(table, column or None, comment) of every commented mart table and column."""
    con = duckdb.connect(str(published), read_only=True)
    tables = con.sql(
        "select table_name, null, comment from duckdb_tables() "
        "where schema_name = 'marts' and comment is not null"
    ).fetchall()
    columns = con.sql(
        "select table_name, column_name, comment from duckdb_columns() "
        "where schema_name = 'marts' and comment is not null"
    ).fetchall()
    con.close()
    return set(tables) | set(columns)


def test_descriptions_reach_the_published_tables_and_follow_changes(
    paths: tuple[Path, Path, Path],
) -> None:
    build, published, parquet = paths
    build_database(build, generation=1)
    change_build(
        build,
        "comment on table marts.fct_deals is 'One row per deal'",
        "comment on column marts.fct_deals.deal_id is 'The deal''s id'",
    )
    publish_warehouse(build, published, parquet, run_id="run-1")
    assert published_comments(published) == {
        ("fct_deals", None, "One row per deal"),
        ("fct_deals", "deal_id", "The deal's id"),
    }

    # Only the descriptions change: the rows are reused, the comments are not stale.
    change_build(
        build,
        "comment on table marts.fct_deals is 'Deals, one row each'",
        "comment on column marts.fct_deals.deal_id is null",
        "comment on column marts.rpt_totals.deals is 'Deals in the build'",
    )
    second = publish_warehouse(build, published, parquet, run_id="run-2")
    assert "marts.fct_deals" in second.reused
    assert published_comments(published) == {
        ("fct_deals", None, "Deals, one row each"),
        ("rpt_totals", "deals", "Deals in the build"),
    }
