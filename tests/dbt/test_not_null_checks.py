"""The column checks fail when they should.

Staging and intermediate views check their required, unique and accepted-values columns with
one model-level generic test each (`column_checks`, dbt_project/tests/generic), marts their
unique and accepted-values columns; marts declare `not_null` constraints in their enforced
contracts instead of tests, so DuckDB refuses the null while the table is built. The
incremental marts insert into a table an earlier build created: a post-hook gives it the
constraints it lacks (a table built before they were declared).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.dbt.dbt_runner import Dbt
from tests.dbt.raw_build import build_raw_duckdb


@pytest.fixture(scope="module")
def dbt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dbt]:
    work = tmp_path_factory.mktemp("not_null_checks")
    database = build_raw_duckdb(work / "build.duckdb", workdir=work)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRM_DBT_DUCKDB_PATH", str(database))
        runner = Dbt(work, database)
        built = runner.invoke(
            "run", "--select", "+fct_orders", "+fct_deals", "+dim_business_regions", "+dim_managers"
        )
        assert {status for status, _ in built.values()} == {"success"}, built
        yield runner


@contextmanager
def nulls_in_order(dbt: Dbt, order_id: int, *columns: str) -> Iterator[None]:
    """Set columns of one raw_oltp.customer_orders row to null; put them back afterwards."""
    with order_changed(dbt, order_id, **dict.fromkeys(columns)):
        yield


@contextmanager
def order_changed(dbt: Dbt, order_id: int, **values: object) -> Iterator[None]:
    """Set columns of one raw_oltp.customer_orders row; put them back afterwards."""
    columns = list(values)
    names = ", ".join(columns)
    (saved,) = dbt.sql(f"select {names} from raw_oltp.customer_orders where id = {order_id}")
    assignments = ", ".join(f"{column} = ?" for column in columns)
    dbt.sql(
        f"update raw_oltp.customer_orders set {assignments} where id = {order_id}",
        list(values.values()),
    )
    try:
        yield
    finally:
        assignments = ", ".join(f"{column} = ?" for column in columns)
        dbt.sql(
            f"update raw_oltp.customer_orders set {assignments} where id = {order_id}",
            [*saved],
        )


def live_order_ids(dbt: Dbt) -> list[int]:
    query = "select id from raw_oltp.customer_orders where deleted_at is null order by id"
    return [row[0] for row in dbt.sql(query)]


def test_one_model_level_test_names_the_broken_rules_of_each_failing_row(dbt: Dbt) -> None:
    first, second, third, fourth, *_ = live_order_ids(dbt)
    (fourth_number,) = dbt.sql(f"select number from raw_oltp.customer_orders where id = {fourth}")
    with (
        nulls_in_order(dbt, first, "status", "number"),
        nulls_in_order(dbt, second, "partner_id"),
        order_changed(dbt, third, status="lost2", number=fourth_number[0]),
    ):
        results = dbt.invoke("test", "--select", "stg_opapp__customer_orders", "--store-failures")
    failed = {name: message for name, (status, message) in results.items() if status != "pass"}
    # every rule of the view's columns is in the one model-level test: one node fails
    assert set(failed) == {"column_checks_stg_opapp__customer_orders"}, results
    assert "Got 4 results" in failed["column_checks_stg_opapp__customer_orders"]
    rows = dbt.sql(
        "select order_id, failures from dbt_test__audit.column_checks_stg_opapp__customer_orders"
    )
    assert sorted(rows) == sorted(
        [
            (first, "order_number is null; status is null"),
            (second, "partner_id is null"),
            (third, "order_number repeats; status = 'lost2' is not accepted"),
            (fourth, "order_number repeats"),
        ]
    )


def test_a_null_in_a_constrained_mart_column_fails_the_build(dbt: Dbt) -> None:
    order_id = live_order_ids(dbt)[0]
    with nulls_in_order(dbt, order_id, "status"):
        status, message = dbt.invoke("run", "--select", "fct_orders")["fct_orders"]
    assert status == "error"
    assert "NOT NULL constraint failed: fct_orders__dbt_tmp.status" in message, message
    # the new table is built beside the old one, which stays as it was
    assert dbt.sql(f"select status from marts.fct_orders where order_id = {order_id}") != [(None,)]


def test_an_incremental_mart_built_before_its_constraints_gets_them(dbt: Dbt) -> None:
    def nullable() -> bool:
        return dbt.sql(
            "select is_nullable from duckdb_columns()"
            " where schema_name = 'marts' and table_name = 'fct_deals'"
            " and column_name = 'deal_kind_id'"
        ) == [(True,)]

    # a fct_deals created before deal_kind_id was declared not_null, with a null stored in it
    dbt.sql("alter table marts.fct_deals alter column deal_kind_id drop not null")
    (deal_id, deal_kind_id), *_ = dbt.sql("select deal_id, deal_kind_id from marts.fct_deals")
    dbt.sql(f"update marts.fct_deals set deal_kind_id = null where deal_id = {deal_id}")

    status, message = dbt.invoke("run", "--select", "fct_deals")["fct_deals"]
    assert status == "error"
    assert "NOT NULL constraint failed: fct_deals.deal_kind_id" in message, message
    assert nullable()

    dbt.sql(f"update marts.fct_deals set deal_kind_id = {deal_kind_id} where deal_id = {deal_id}")
    assert dbt.invoke("run", "--select", "fct_deals")["fct_deals"][0] == "success"
    assert not nullable()


def test_one_foreign_keys_test_names_each_missing_key(dbt: Dbt) -> None:
    order_id, other_id, *_ = live_order_ids(dbt)
    query = "select partner_id, manager_id from marts.fct_orders where order_id = ?"
    (first,) = dbt.sql(query, [order_id])
    (second,) = dbt.sql(query, [other_id])
    dbt.sql("update marts.fct_orders set partner_id = -1 where order_id = ?", [order_id])
    dbt.sql("update marts.fct_orders set manager_id = -2 where order_id = ?", [other_id])
    try:
        results = dbt.invoke("test", "--select", "foreign_keys_fct_orders", "--store-failures")
    finally:
        restore = "update marts.fct_orders set partner_id = ?, manager_id = ? where order_id = ?"
        dbt.sql(restore, [*first, order_id])
        dbt.sql(restore, [*second, other_id])
    status, message = results["foreign_keys_fct_orders"]
    assert status == "fail" and "Got 2 results" in message, results
    rows = dbt.sql("select * from dbt_test__audit.foreign_keys_fct_orders")
    assert sorted(rows) == [("manager_id", "-2", 1), ("partner_id", "-1", 1)]


def test_a_mart_column_checks_test_names_a_repeated_key_and_a_value_not_accepted(dbt: Dbt) -> None:
    order_ids = dbt.sql("select order_id from marts.fct_orders order by order_id")
    (first,), (second,), *_ = order_ids
    query = "select status from marts.fct_orders where order_id = ?"
    ((second_status,),) = dbt.sql(query, [second])
    dbt.sql(
        "update marts.fct_orders set order_id = ?, status = 'lost2' where order_id = ?",
        [first, second],
    )
    try:
        results = dbt.invoke("test", "--select", "column_checks_fct_orders", "--store-failures")
    finally:
        dbt.sql(
            "update marts.fct_orders set order_id = ?, status = ? where status = 'lost2'",
            [second, second_status],
        )
    status, message = results["column_checks_fct_orders"]
    assert status == "fail" and "Got 2 results" in message, results
    rows = dbt.sql("select order_id, failures from dbt_test__audit.column_checks_fct_orders")
    assert sorted(rows) == [
        (first, "order_id repeats"),
        (first, "order_id repeats; status = 'lost2' is not accepted"),
    ]
