"""Incremental marts equal a full rebuild: build, change a few percent of deals in the OLTP,
load incrementally and `dbt build` incrementally, then compare every mart table row for row
with a `--full-refresh` build of a fresh full copy of the same OLTP database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import text

from ingestion.oltp import copy_oltp_to_duckdb
from operational_app.db.session import create_oltp_engine
from operational_app.seed import Scale, seed_database
from tests.dbt.dbt_runner import Dbt

OK = ("success", "pass")
AS_OF = dt.date(2026, 6, 30)
LATER = "2026-07-01 10:00:00.000000"
SMALL = Scale(deals=1_500, partners=150, managers=6, operators=2)
# The deal models, the reports built from them and the dimensions their tests point at; tests
# only when all their parents are selected (other marts need OLTP tables not copied here).
SELECTION = [
    "+fct_deals",
    "+fct_deal_stages",
    "rpt_deal_efficiency",
    "rpt_sales_funnel_cells",
    "rpt_sales_funnel",
    "rpt_stage_win_probability",
    "+dim_managers",
    "+dim_partners",
    "+dim_business_regions",
    "+dim_deal_kinds",
    "+dim_sales_stages",
]
# The OLTP tables those models read.
SOURCE_TABLES = [
    "business_regions",
    "contact_persons",
    "counterparties",
    "deal_kinds",
    "deal_stage_history",
    "deals",
    "departments",
    "loss_reasons",
    "organizations",
    "partner_role_links",
    "partner_roles",
    "partners",
    "sales_stages",
    "users",
]


def build(dbt: Dbt, *args: str) -> None:
    """`dbt build` of SELECTION; every node must pass."""
    results = dbt.invoke("build", "--select", *SELECTION, "--indirect-selection", "cautious", *args)
    failures = {name: outcome for name, outcome in results.items() if outcome[0] not in OK}
    assert results and not failures, failures


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Dbt]]:
    work = tmp_path_factory.mktemp("incremental")
    url = f"sqlite:///{work / 'oltp.sqlite3'}"
    seed_database(url, scale=SMALL, seed=5, as_of=AS_OF)
    build_path = work / "build.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRM_DBT_DUCKDB_PATH", str(build_path))
        con = duckdb.connect(str(build_path))
        copy_oltp_to_duckdb(url, con, run_id="run-1", table_names=SOURCE_TABLES)
        con.close()
        dbt = Dbt(work, build_path)
        build(dbt)
        yield url, build_path, dbt


# Managers (users) the change renames, and changes the password of (seed 5 has six managers).
MANAGER_RENAMED = "(select manager_id from deals where id = 23)"
PASSWORD_CHANGED = (
    "(select min(manager_id) from deals where manager_id <> (select manager_id from deals "
    "where id = 23))"
)
KEPT_MARK = " [kept]"


def change_a_few_deals(url: str) -> dict[str, int]:
    """Advance, lose, soft-delete deals, edit history, partners and managers, as operators
    would."""
    engine = create_oltp_engine(url)
    changed: dict[str, int] = {}
    try:
        with engine.begin() as connection:

            def run(name: str, sql: str) -> None:
                changed[name] = connection.execute(text(sql), {"later": LATER}).rowcount

            # Advance about a seventh of the open deals (few are open) to their next stage.
            run(
                "advanced_history_closed",
                """
                update deal_stage_history set left_at = :later, updated_at = :later
                where left_at is null and deal_id in (
                    select id from deals where status = 'in_progress' and id % 7 = 0
                )
                """,
            )
            run(
                "advanced_history_added",
                """
                insert into deal_stage_history
                    (id, deal_id, stage_id, entered_at, left_at, was_skipped, user_id,
                     created_at, updated_at, version)
                select
                    (select max(id) from deal_stage_history)
                        + row_number() over (order by deals.id),
                    deals.id, next_stage.id, :later, null, 0, deals.manager_id,
                    :later, :later, 1
                from deals
                join sales_stages as current_stage on current_stage.id = deals.current_stage_id
                join sales_stages as next_stage
                    on next_stage.deal_kind_id = current_stage.deal_kind_id
                    and next_stage.sequence = current_stage.sequence + 1
                where deals.status = 'in_progress' and deals.id % 7 = 0
                """,
            )
            run(
                "advanced",
                """
                update deals set
                    current_stage_id = (
                        select next_stage.id from sales_stages as current_stage
                        join sales_stages as next_stage
                            on next_stage.deal_kind_id = current_stage.deal_kind_id
                            and next_stage.sequence = current_stage.sequence + 1
                        where current_stage.id = deals.current_stage_id
                    ),
                    updated_at = :later, version = version + 1
                where status = 'in_progress' and id % 7 = 0 and exists (
                    select 1 from deal_stage_history
                    where deal_stage_history.deal_id = deals.id
                        and deal_stage_history.entered_at = :later
                )
                """,
            )
            # Lose another seventh of them.
            run(
                "lost",
                """
                update deals set
                    status = 'lost', closed_at = :later, updated_at = :later,
                    loss_reason_id = (select min(id) from loss_reasons), version = version + 1
                where status = 'in_progress' and id % 7 = 3
                """,
            )
            # Soft-delete ~0.5%, the deal and its history.
            run(
                "deleted_history",
                """
                update deal_stage_history set deleted_at = :later, updated_at = :later
                where deal_id % 211 = 0
                """,
            )
            run(
                "deleted",
                "update deals set deleted_at = :later, updated_at = :later where id % 211 = 0",
            )
            # A history correction on its own (the deal row untouched).
            run(
                "history_only",
                """
                update deal_stage_history set was_skipped = 1 - was_skipped, updated_at = :later
                where id = (select min(id) from deal_stage_history where deal_id % 101 = 7)
                """,
            )
            # A partner renamed: its deals carry the new name.
            run(
                "partner_renamed",
                """
                update partners set name = name || ' (переименован)', updated_at = :later
                where id = (select partner_id from deals where id = 11)
                """,
            )
            # A partner moved to another business region, and a manager renamed.
            run(
                "partner_moved",
                """
                update partners set
                    business_region_id = (
                        select min(id) from business_regions
                        where id <> coalesce(partners.business_region_id, -1)
                    ),
                    updated_at = :later
                where id = (select partner_id from deals where id = 17)
                """,
            )
            run(
                "manager_renamed",
                f"""
                update users set full_name = full_name || ' (пер.)', updated_at = :later
                where id = {MANAGER_RENAMED}
                """,
            )
            # A password change stamps the user row and changes nothing a deal carries.
            run(
                "password_changed",
                f"""
                update users set password_hash = 'changed', updated_at = :later
                where id = {PASSWORD_CHANGED}
                """,
            )
    finally:
        engine.dispose()
    return changed


def mart_tables(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    return [
        name
        for (name,) in con.sql(
            "select table_name from duckdb_tables() where schema_name = ? order by 1",
            params=[schema],
        ).fetchall()
    ]


def comparable_columns(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """Every column; doubles rounded, since averages over rows stored in another order may
    differ in the last bits."""
    rows = con.sql(
        "select column_name, data_type from duckdb_columns() "
        "where schema_name = 'marts' and table_name = ? order by column_index",
        params=[table],
    ).fetchall()
    return ", ".join(
        f"round({name}, 9) as {name}" if kind in ("DOUBLE", "FLOAT") else name
        for name, kind in rows
    )


def test_incremental_build_equals_a_full_rebuild(built: tuple[str, Path, Dbt]) -> None:
    url, build_path, dbt = built
    con = duckdb.connect(str(build_path))
    deals_before = con.sql("select count(*) from marts.fct_deals").fetchall()[0][0]
    con.close()

    # Mark the stored rows of the manager whose password will change: a deal the incremental
    # run leaves alone keeps the mark, a rebuilt one gets its name back from the source.
    con = duckdb.connect(str(build_path))
    (password_manager,) = con.sql(
        "select min(manager_id) from raw_oltp.deals "
        "where manager_id <> (select manager_id from raw_oltp.deals where id = 23)"
    ).fetchall()[0]
    con.execute(
        "update marts.fct_deals set deal_name = deal_name || ? where manager_id = ?",
        [KEPT_MARK, password_manager],
    )
    marked = con.sql(
        "select count(*) from marts.fct_deals where manager_id = ?", params=[password_manager]
    ).fetchall()[0][0]
    con.close()

    changed = change_a_few_deals(url)
    assert all(count > 0 for count in changed.values()), changed
    touched = changed["advanced"] + changed["lost"] + changed["deleted"]
    assert 0.01 * SMALL.deals < touched < 0.05 * SMALL.deals, changed

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRM_DBT_DUCKDB_PATH", str(build_path))
        con = duckdb.connect(str(build_path))
        results = copy_oltp_to_duckdb(url, con, run_id="run-2", table_names=SOURCE_TABLES)
        assert {r.table_name: r.mode for r in results}["deals"] == "incremental"
        con.close()
        build(dbt)

        con = duckdb.connect(str(build_path))
        assert con.sql("select count(*) from marts.fct_deals").fetchall()[0][0] == (
            deals_before - changed["deleted"]
        )
        tables = mart_tables(con, "marts")
        assert {"fct_deals", "fct_deal_stages", "rpt_sales_funnel"} <= set(tables)
        # Of that manager's deals only those whose own rows or partner changed were rebuilt.
        rebuilt, kept, kept_but_changed = con.sql(
            f"""
            select
                count(*) filter (where not ends_with(deal_name, '{KEPT_MARK}')),
                count(*) filter (where ends_with(deal_name, '{KEPT_MARK}')),
                count(*) filter (
                    where ends_with(deal_name, '{KEPT_MARK}')
                    and source_updated_at >= '{LATER}'::timestamp
                )
            from marts.fct_deals where manager_id = ?
            """,
            params=[password_manager],
        ).fetchall()[0]
        assert kept > 0.8 * marked and rebuilt > 0 and kept_but_changed == 0, (
            marked,
            rebuilt,
            kept,
        )
        con.execute(
            "update marts.fct_deals set deal_name = "
            f"left(deal_name, length(deal_name) - {len(KEPT_MARK)}) "
            f"where ends_with(deal_name, '{KEPT_MARK}')"
        )
        con.execute("create schema incremental_result")
        for table in tables:
            con.execute(f"create table incremental_result.{table} as select * from marts.{table}")
        # The reference: a fresh full copy of the OLTP and a full rebuild of every model.
        copy_oltp_to_duckdb(
            url, con, run_id="reference", table_names=SOURCE_TABLES, full_refresh=True
        )
        con.close()
        build(dbt, "--full-refresh")

    con = duckdb.connect(str(build_path))
    assert mart_tables(con, "marts") == tables
    for table in tables:
        columns = comparable_columns(con, table)
        for left, right in (("marts", "incremental_result"), ("incremental_result", "marts")):
            extra = con.sql(
                f"select count(*) from (select {columns} from {left}.{table} "
                f"except all select {columns} from {right}.{table})"
            ).fetchall()[0][0]
            assert extra == 0, f"{table}: {extra} rows in {left} but not in {right}"
    deleted_left = con.sql(
        "select count(*) from incremental_result.fct_deal_stages where deal_id % 211 = 0"
    ).fetchall()
    assert deleted_left == [(0,)]
    con.close()
