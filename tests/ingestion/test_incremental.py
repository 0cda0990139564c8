"""Incremental OLTP extraction: only changed rows travel, raw stays equal to a full copy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import func, select, update

from ingestion.load import FULL, INCREMENTAL, load_with_watermark, read_watermark
from ingestion.oltp import (
    SAFETY_OVERLAP,
    copy_oltp_to_duckdb,
    extract_query,
    timestamp_literal,
)
from operational_app.db.models import Deal, DealStageHistory
from operational_app.db.session import create_oltp_engine
from operational_app.seed import Scale, seed_database

AS_OF = dt.date(2026, 6, 30)
TINY = Scale(deals=300, partners=40, managers=3, operators=1)
LATER = dt.datetime(2026, 7, 1, 12, 0)
# The tables the deal generator fills. (connectorx types a SQLite NUMERIC column by its first
# row, so the order tables, whose amounts mix whole and fractional values, cannot be read from
# SQLite at all yet; that is a separate issue, full copies fail on it just the same.)
TABLES = [
    "business_regions",
    "contact_persons",
    "counterparties",
    "deal_kinds",
    "deal_stage_history",
    "deals",
    "loss_reasons",
    "organizations",
    "partners",
    "sales_stages",
    "users",
]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def oltp_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'oltp.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    seed_database(url, scale=TINY, seed=11, as_of=AS_OF)
    return url


def execute(url: str, *statements) -> None:
    engine = create_oltp_engine(url)
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(statement)
    finally:
        engine.dispose()


def scalar(url: str, statement):
    engine = create_oltp_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(statement).scalar_one()
    finally:
        engine.dispose()


def table_contents(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    return sorted(con.sql(f"select * from raw_oltp.{table}").fetchall(), key=repr)


def assert_equal_to_full_copy(url: str, con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """Every raw table equals a fresh full copy of its source, both ways, row for row."""
    reference = duckdb.connect(str(tmp_path / f"reference-{id(con)}.duckdb"))
    copy_oltp_to_duckdb(url, reference, "reference", table_names=TABLES, full_refresh=True)
    for table in TABLES:
        assert table_contents(con, table) == table_contents(reference, table), table
    reference.close()


def by_table(results) -> dict[str, object]:
    return {result.table_name: result for result in results}


def test_timestamp_literal_is_built_from_the_datetime_only() -> None:
    moment = dt.datetime(2026, 7, 1, 9, 5, 3, 120)
    assert timestamp_literal("sqlite:///x.db", moment) == "'2026-07-01 09:05:03.000120'"
    assert (
        timestamp_literal("postgresql://u@h/db", moment) == "timestamp '2026-07-01 09:05:03.000120'"
    )
    aware = dt.datetime(2026, 7, 1, 12, 5, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    assert timestamp_literal("sqlite:///x.db", aware) == "'2026-07-01 09:05:00.000000'"
    with pytest.raises(TypeError):
        timestamp_literal("sqlite:///x.db", "2026-07-01'; drop table deals; --")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        extract_query("sqlite:///x.db", "deals; drop table deals", None)


def test_changes_and_soft_deletes_propagate_and_reruns_change_nothing(
    oltp_url: str, tmp_path: Path
) -> None:
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    first = by_table(copy_oltp_to_duckdb(oltp_url, con, "run-1", table_names=TABLES))
    assert {result.mode for result in first.values()} == {FULL}
    total_deals = scalar(oltp_url, select(func.count()).select_from(Deal))
    assert first["deals"].row_count == total_deals
    watermark = read_watermark(con, "deals")
    assert watermark == scalar(oltp_url, select(func.max(Deal.updated_at)))

    # Operators advance two deals, lose one and soft-delete one (the deal and its history).
    changed_ids = [3, 10, 42, 77]
    deleted_id = 77
    execute(
        oltp_url,
        update(Deal)
        .where(Deal.id.in_([3, 10]))
        .values(probability=99, updated_at=LATER, version=Deal.version + 1),
        update(Deal)
        .where(Deal.id == 42)
        .values(status="lost", updated_at=LATER + dt.timedelta(minutes=1)),
        update(Deal)
        .where(Deal.id == deleted_id)
        .values(deleted_at=LATER, updated_at=LATER + dt.timedelta(minutes=2)),
        update(DealStageHistory)
        .where(DealStageHistory.deal_id == deleted_id)
        .values(deleted_at=LATER, updated_at=LATER + dt.timedelta(minutes=2)),
    )
    # Rows stamped inside the overlap window before the watermark are read again.
    in_overlap = scalar(
        oltp_url,
        select(func.count())
        .select_from(Deal)
        .where(Deal.updated_at > watermark - SAFETY_OVERLAP, Deal.id.not_in(changed_ids)),
    )

    second = by_table(copy_oltp_to_duckdb(oltp_url, con, "run-2", table_names=TABLES))
    # An empty table leaves no watermark, so it is simply copied whole (it costs nothing).
    empty = {name for name, result in first.items() if result.row_count == 0}
    assert {name for name, result in second.items() if result.mode == FULL} == empty
    assert second["deals"].row_count == len(changed_ids) + in_overlap < total_deals
    # Rows re-read by the overlap are not changes; the four edited deals are.
    assert second["deals"].changed_rows == len(changed_ids)
    assert second["deals"].table_rows == total_deals
    history_changed = scalar(
        oltp_url,
        select(func.count())
        .select_from(DealStageHistory)
        .where(DealStageHistory.updated_at > watermark - SAFETY_OVERLAP),
    )
    assert second["deal_stage_history"].row_count == history_changed
    assert history_changed < first["deal_stage_history"].row_count
    assert read_watermark(con, "deals") == LATER + dt.timedelta(minutes=2)
    assert con.sql("select probability from raw_oltp.deals where id in (3, 10)").fetchall() == [
        (99,),
        (99,),
    ]
    assert con.sql("select status from raw_oltp.deals where id = 42").fetchall() == [("lost",)]
    assert con.sql(f"select deleted_at from raw_oltp.deals where id = {deleted_id}").fetchall() == [
        (LATER,)
    ]
    assert_equal_to_full_copy(oltp_url, con, tmp_path)

    # The same load again: the overlap re-reads the latest rows, nothing changes or duplicates.
    before = {table: table_contents(con, table) for table in TABLES}
    third = by_table(copy_oltp_to_duckdb(oltp_url, con, "run-3", table_names=TABLES))
    # Now the window behind the new watermark holds exactly the rows changed above.
    assert third["deals"].row_count == len(changed_ids)
    assert {result.changed_rows for name, result in third.items() if name not in empty} == {0}
    assert con.sql(
        "select sum(changed_rows) from meta.load_log "
        "where run_id = 'run-3' and mode = 'incremental'"
    ).fetchall() == [(0,)]
    after = {table: table_contents(con, table) for table in TABLES}
    assert after == before
    assert con.sql("select count(*) = count(distinct id) from raw_oltp.deals").fetchall() == [
        (True,)
    ]
    assert read_watermark(con, "deals") == LATER + dt.timedelta(minutes=2)

    modes = dict(
        con.sql("select run_id, string_agg(distinct mode) from meta.load_log group by 1").fetchall()
    )
    assert modes["run-1"] == FULL
    assert con.sql(
        "select count(*) from meta.load_log where run_id = 'run-3' and table_name = 'deals' "
        "and mode = 'incremental'"
    ).fetchall() == [(1,)]
    con.close()


def test_a_late_commit_inside_the_overlap_is_picked_up(oltp_url: str, tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    copy_oltp_to_duckdb(oltp_url, con, "run-1", table_names=TABLES)
    watermark = read_watermark(con, "deals")
    # A transaction that stamped updated_at before our last extract but committed after it.
    execute(
        oltp_url,
        update(Deal)
        .where(Deal.id == 5)
        .values(name="поздняя правка", updated_at=watermark - dt.timedelta(minutes=5)),
    )
    copy_oltp_to_duckdb(oltp_url, con, "run-2", table_names=TABLES)
    assert con.sql("select name from raw_oltp.deals where id = 5").fetchall() == [
        ("поздняя правка",)
    ]
    # The watermark never moves backwards.
    assert read_watermark(con, "deals") == watermark
    assert_equal_to_full_copy(oltp_url, con, tmp_path)
    con.close()


def test_full_reload_on_demand_and_when_raw_or_watermark_is_missing(
    oltp_url: str, tmp_path: Path
) -> None:
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    copy_oltp_to_duckdb(oltp_url, con, "run-1", table_names=TABLES)
    con.execute("drop table raw_oltp.partners")
    con.execute("delete from meta.watermarks where table_name = 'users'")
    results = by_table(copy_oltp_to_duckdb(oltp_url, con, "run-2", table_names=TABLES))
    assert results["partners"].mode == FULL
    assert results["users"].mode == FULL
    assert results["deals"].mode == INCREMENTAL

    # A stray row that the source does not have is gone after a full reload.
    con.execute(
        "insert into raw_oltp.deals "
        "select * replace (id + 1000000 as id) from raw_oltp.deals limit 1"
    )
    forced = by_table(
        copy_oltp_to_duckdb(oltp_url, con, "run-3", table_names=TABLES, full_refresh=True)
    )
    assert {result.mode for result in forced.values()} == {FULL}
    assert forced["deals"].row_count == scalar(oltp_url, select(func.count()).select_from(Deal))
    assert_equal_to_full_copy(oltp_url, con, tmp_path)
    con.close()


def test_a_failed_merge_leaves_raw_and_watermark_as_they_were(tmp_path: Path) -> None:
    import pyarrow as pa

    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    start = dt.datetime(2026, 1, 1)
    rows = pa.table({"id": [1, 2], "updated_at": [start, start], "name": ["a", "b"]})
    load_with_watermark(con, "run-1", "raw_oltp", "things", rows, FULL, 0.0)
    # A column the raw table does not have: the insert fails after the delete ran.
    broken = pa.table({"id": [1], "updated_at": [start.replace(day=2)], "colour": ["red"]})
    with pytest.raises(duckdb.Error):
        load_with_watermark(con, "run-2", "raw_oltp", "things", broken, INCREMENTAL, 0.0)
    assert con.sql("select id from raw_oltp.things order by id").fetchall() == [(1,), (2,)]
    assert read_watermark(con, "things") == start
    assert con.sql("select distinct run_id from meta.load_log").fetchall() == [("run-1",)]
    con.close()


def test_a_load_log_from_before_modes_still_works(tmp_path: Path) -> None:
    import pyarrow as pa

    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    con.execute("create schema meta")
    con.execute(
        "create table meta.load_log (run_id varchar not null, source_schema varchar not null, "
        "table_name varchar not null, row_count bigint not null, extract_seconds double, "
        "load_seconds double not null, loaded_at timestamp not null)"
    )
    con.execute("insert into meta.load_log values ('old', 'raw_oltp', 'x', 1, 0, 0, now())")
    rows = pa.table({"id": [1], "updated_at": [dt.datetime(2026, 1, 1)]})
    load_with_watermark(con, "new", "raw_oltp", "things", rows, FULL, 0.0)
    assert con.sql("select run_id, mode from meta.load_log order by run_id").fetchall() == [
        ("new", FULL),
        ("old", None),
    ]
    con.close()
