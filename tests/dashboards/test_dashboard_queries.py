"""dashboards.queries on the fixture warehouse: definitions, filters, caching, read-only access."""

from __future__ import annotations

import os
import statistics
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboards import queries
from dashboards.filters import default_period
from dashboards.queries import Filters

PERIOD = Filters(start=date(2023, 7, 1), end=date(2024, 6, 20))


def _read_mart(path: Path, sql: str) -> pl.DataFrame:
    connection = duckdb.connect(str(path), read_only=True)
    try:
        return connection.sql(sql).pl()
    finally:
        connection.close()


def test_funnel_without_filters_equals_rpt_sales_funnel(warehouse: Any) -> None:
    expected = _read_mart(
        warehouse.path,
        "select * from marts.rpt_sales_funnel order by deal_kind_name, stage_sequence",
    ).with_columns(pl.col("potential_amount_entered").cast(pl.Float64))

    actual = queries.funnel(Filters())

    assert_frame_equal(actual, expected, check_dtypes=False, abs_tol=1e-9)


def test_funnel_with_filters_counts_only_matching_deals(warehouse: Any) -> None:
    funnel = queries.funnel(Filters(manager_ids=(1,)), deal_kind_id=1)

    ivanov_wholesale = [d for d in warehouse.deals if d.manager_id == 1 and d.deal_kind_id == 1]
    entered_per_stage = [
        sum(any(stage == stage_id for stage, _ in d.path) for d in ivanov_wholesale)
        for stage_id in (11, 12, 13, 14)
    ]
    assert funnel["stage_id"].to_list() == [11, 12, 13, 14]
    assert funnel["deals_entered"].to_list() == entered_per_stage == [4, 3, 2, 2]
    assert funnel["conversion_to_next"].to_list()[:3] == pytest.approx([3 / 4, 2 / 3, 1.0])
    # A period that only holds the deals created in 2024 drops the two older wins.
    in_2024 = queries.funnel(Filters(date(2024, 1, 1), date(2024, 12, 31)), deal_kind_id=1)
    assert in_2024["deals_entered"].to_list() == [5, 4, 3, 1]
    assert in_2024["deals_skipped"].to_list() == [0, 1, 0, 0]


def test_losses_by_stage_and_reason(warehouse: Any) -> None:
    losses = queries.losses_by_stage_and_reason(Filters(), deal_kind_id=1)

    lost = [d for d in warehouse.deals if d.deal_kind_id == 1 and d.status == "lost"]
    assert losses["deals_lost"].sum() == len(lost) == 4
    at_second_stage = losses.filter(pl.col("stage_id") == 12)
    assert sorted(at_second_stage["loss_reason_name"].to_list(), key=str) == [
        None,
        "Выбран конкурент",
    ]


def test_days_in_stage_summarises_stages_actually_entered_and_left(warehouse: Any) -> None:
    days = queries.days_in_stage(Filters(), deal_kind_id=1)
    per_stage = {row["stage_id"]: row for row in days.iter_rows(named=True)}

    # The same figures from the deal-stage rows, in Python: skipped and unfinished stages out.
    with duckdb.connect(str(warehouse.path), read_only=True) as connection:
        rows = connection.sql(
            "select stage_id, days_in_stage from marts.fct_deal_stages "
            "where deal_kind_id = 1 and not was_skipped and days_in_stage is not null"
        ).fetchall()
    values: dict[int, list[float]] = {}
    for stage_id, value in rows:
        values.setdefault(stage_id, []).append(value)
    assert set(per_stage) == set(values)
    for stage_id, stage_values in values.items():
        row = per_stage[stage_id]
        q1, median, q3 = statistics.quantiles(stage_values, n=4, method="inclusive")
        assert row["deal_stages"] == len(stage_values)
        assert row["q1_days"] == pytest.approx(q1)
        assert row["median_days"] == pytest.approx(median)
        assert row["q3_days"] == pytest.approx(q3)
        assert row["mean_days"] == pytest.approx(statistics.fmean(stage_values))
        inside = [v for v in stage_values if q1 - 1.5 * (q3 - q1) <= v <= q3 + 1.5 * (q3 - q1)]
        assert row["lower_whisker_days"] == pytest.approx(min(inside))
        assert row["upper_whisker_days"] == pytest.approx(max(inside))
    assert per_stage[11]["median_days"] == 14.0


def test_overview_kpis_match_python(warehouse: Any, kpis_for: Any) -> None:
    for manager_ids in ((), (1,), (2,)):
        filters = Filters(PERIOD.start, PERIOD.end, manager_ids=manager_ids)
        row = queries.overview_kpis(filters).row(0, named=True)
        expected = kpis_for(PERIOD.start, PERIOD.end, manager_ids)

        assert row["open_deals"] == expected.open_deals
        assert row["open_deals_previous"] == expected.open_deals_previous
        assert row["won_amount"] == pytest.approx(float(expected.won_amount))
        assert row["won_amount_previous"] == pytest.approx(float(expected.won_amount_previous))
        assert row["win_rate"] == pytest.approx(expected.win_rate)
        assert row["win_rate_previous"] == pytest.approx(expected.win_rate_previous)
        assert row["median_cycle_days"] == pytest.approx(expected.median_cycle_days)
        assert row["median_cycle_days_previous"] == pytest.approx(
            expected.median_cycle_days_previous
        )


def test_won_by_month_sums_to_the_won_amount_kpi(warehouse: Any) -> None:
    by_month = queries.won_by_month(PERIOD)
    kpis = queries.overview_kpis(PERIOD).row(0, named=True)

    assert by_month["month"].to_list() == [date(2023, 9, 1), date(2024, 2, 1), date(2024, 3, 1)]
    assert by_month["won_amount"].sum() == pytest.approx(kpis["won_amount"]) == 195000.5


@pytest.mark.parametrize(
    ("by", "key"),
    [
        ("manager", "manager_id"),
        ("business_region", "business_region_id"),
        ("deal_kind", "deal_kind_id"),
    ],
)
def test_efficiency_matches_python(warehouse: Any, by: Any, key: str) -> None:
    """Outcomes over the deals closed in the period, in progress over the deals open now: the
    Overview's basis (see test_dashboard_reconciliation.py)."""
    result = queries.efficiency(PERIOD, by=by)

    closed = [
        d for d in warehouse.deals if d.closed_date and PERIOD.start <= d.closed_date <= PERIOD.end
    ]
    open_now = [d for d in warehouse.deals if d.status == "in_progress"]
    for row in result.iter_rows(named=True):
        group = [d for d in closed if getattr(d, key) == row["group_id"]]
        won = [d for d in group if d.status == "won"]
        lost = [d for d in group if d.status == "lost"]
        in_progress = [d for d in open_now if getattr(d, key) == row["group_id"]]
        cycles = [d.cycle_days for d in group if d.cycle_days is not None]
        assert row["deals_total"] == len(group) + len(in_progress)
        assert row["deals_won"] == len(won)
        assert row["deals_lost"] == len(lost)
        assert row["deals_in_progress"] == len(in_progress)
        assert row["win_rate"] == pytest.approx(
            len(won) / (len(won) + len(lost)) if won or lost else None
        )
        assert row["won_amount"] == pytest.approx(float(sum(d.won_amount for d in won)))
        assert row["potential_amount"] == pytest.approx(
            float(sum(d.potential_amount for d in in_progress))
        )
        assert row["median_cycle_days"] == pytest.approx(
            statistics.median(cycles) if cycles else None
        )
    assert result["deals_total"].sum() == len(closed) + len(open_now)


def test_efficiency_rejects_unknown_dimension(warehouse: Any) -> None:
    with pytest.raises(KeyError):
        queries.efficiency(PERIOD, by="partner_name; drop table marts.fct_deals")  # type: ignore[arg-type]


def test_stage_win_probability_follows_the_deal_kind_filter(warehouse: Any) -> None:
    everything = queries.stage_win_probability(Filters())
    tenders = queries.stage_win_probability(Filters(deal_kind_ids=(3,)))

    assert set(everything["deal_kind_id"]) == {1, 3}
    assert set(tenders["deal_kind_id"]) == {3}
    wholesale_first = everything.filter(pl.col("stage_id") == 11).row(0, named=True)
    assert wholesale_first["deals_won_after_reaching"] == 2
    assert wholesale_first["win_share"] == pytest.approx(2 / 6)


def test_default_period_is_last_twelve_months_to_the_latest_date(warehouse: Any) -> None:
    first, last = queries.data_date_range()

    assert (first, last) == (date(2021, 3, 1), date(2024, 6, 20))
    assert last is not None
    assert default_period(last) == (date(2023, 7, 1), date(2024, 6, 20))
    assert default_period(date(2024, 12, 31)) == (date(2024, 1, 1), date(2024, 12, 31))


def test_previous_period_is_the_month_before_or_as_many_days() -> None:
    # the shifting rules themselves are tested in test_dashboard_comparison.py
    assert queries.previous_period(date(2024, 3, 1), date(2024, 3, 31)) == (
        date(2024, 2, 1),
        date(2024, 2, 29),
    )
    assert queries.previous_period(date(2024, 3, 2), date(2024, 3, 31)) == (
        date(2024, 2, 1),
        date(2024, 3, 1),
    )


def test_not_published(empty_warehouse_dir: Path) -> None:
    assert not queries.is_published()
    with pytest.raises(queries.NotPublishedError):
        queries.deal_kinds()


def test_republish_is_seen_despite_the_cache(warehouse: Any) -> None:
    assert queries.overview_kpis(PERIOD)["open_deals"].item() == 2

    # Publish the way the pipeline does: build a new file next to it, then swap atomically.
    replacement = warehouse.path.with_name("crm.duckdb.new")
    replacement.write_bytes(warehouse.path.read_bytes())
    connection = duckdb.connect(str(replacement))
    connection.execute("update marts.fct_deals set is_open = true where deal_id = 1")
    connection.close()
    os.replace(replacement, warehouse.path)

    assert queries.overview_kpis(PERIOD)["open_deals"].item() == 3


def test_queries_only_ever_open_the_warehouse_read_only(
    warehouse: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[tuple[Any, ...]] = []
    real_connect = duckdb.connect

    def spy(*args: Any, **kwargs: Any) -> duckdb.DuckDBPyConnection:
        opened.append(args)
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(queries.core.duckdb, "connect", spy)
    before = (warehouse.path.read_bytes(), warehouse.path.stat().st_mtime_ns)
    # Hold a second read-only connection open: a writer could not open the file beside it.
    holder = real_connect(str(warehouse.path), read_only=True)
    try:
        queries.funnel(Filters())
        queries.overview_kpis(PERIOD)
        queries.efficiency(PERIOD, by="deal_kind")
        attached = queries.core._query(
            "select path, readonly from duckdb_databases() where not internal "
            "and database_name <> 'memory'"
        ).rows()
    finally:
        holder.close()

    # The file is only ever attached read-only, to a private in-memory instance.
    assert opened and all(args == (":memory:",) for args in opened)
    assert attached == [(str(warehouse.path), True)]
    assert (warehouse.path.read_bytes(), warehouse.path.stat().st_mtime_ns) == before
    assert not warehouse.path.with_name("crm.duckdb.wal").exists()
