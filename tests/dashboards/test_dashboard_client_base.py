"""The «Клиентская база» page through AppTest against the fixture warehouse: expected figures
come from the lists in fixture_customer_marts, worked out in Python, never from the SQL."""

from __future__ import annotations

import statistics
from datetime import date
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dashboards import charts, queries
from dashboards.comparison import shown_change_text
from dashboards.filters import current_filters
from dashboards.formatting import (
    format_compact,
    format_month,
    format_number,
    format_percent,
    format_points,
)
from tests.dashboards import fixture_customer_marts as cx
from tests.dashboards import fixture_marts as fx
from tests.dashboards.conftest import table_text

PAGE = "app_pages/client_base.py"
START, END = date(2023, 7, 1), date(2024, 6, 20)
JUNE = date(2024, 6, 1)
# The tables in page order (fixture_customer_marts has class changes, so all are shown).
MATRIX, CHANGES, CUSTOMERS, LIFECYCLE, TOP, BY_MANAGER, BY_DEAL_KIND, LOST = range(8)


def _run(app_path: str, **query_params: str) -> AppTest:
    app = AppTest.from_file(app_path, default_timeout=60)
    app.query_params.update(query_params)
    app.run()
    app.switch_page(PAGE).run()
    assert not app.exception, [exception.value for exception in app.exception]
    return app


def _metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def _june(managers: tuple[int, ...] = ()) -> list[tuple]:
    return [
        row
        for row in cx.CUSTOMER_CLASSES
        if row[1] == JUNE and (not managers or fx.PARTNERS[row[0]][1] in managers)
    ]


@pytest.mark.parametrize("managers", [(), (1,), (2,)])
def test_abc_xyz_matrix_and_class_changes_follow_the_manager(
    warehouse: Any, app_path: str, managers: tuple[int, ...]
) -> None:
    params = {"manager": ",".join(map(str, managers))} if managers else {}
    app = _run(app_path, **params)

    june = _june(managers)
    changed = [row for row in june if row[5] is not None and row[5] != row[3]]
    metrics = _metrics(app)
    assert metrics["Клиентов в базе"] == format_number(len(june))
    assert metrics["Выручка за 12 мес."] == format_compact(sum(row[2] for row in june), money=True)
    assert metrics["Клиенты: A"] == format_number(sum(row[3] == "A" for row in june))
    assert metrics["Смена классов за месяц"] == format_number(len(changed))

    matrix = table_text(app.dataframe[MATRIX])
    cells = {
        (abc, xyz): count
        for abc, xyz, count in zip(
            matrix["abc_class"],
            matrix["xyz_class"],
            app.dataframe[MATRIX].value["customers"],
            strict=True,
        )
    }
    expected: dict[tuple[str, str], int] = {}
    for row in june:
        key = (row[3], row[4] or "Мало истории")
        expected[key] = expected.get(key, 0) + 1
    assert cells == expected

    if changed:
        shown = table_text(app.dataframe[CHANGES])
        assert sorted(
            zip(shown["partner_name"], shown["previous_class"], shown["current_class"], strict=True)
        ) == sorted(
            (fx.PARTNERS[row[0]][0], row[5] + (row[6] or ""), row[3] + (row[4] or ""))
            for row in changed
        )
    else:
        assert "Классы не менялись." in [info.value for info in app.info]


def test_the_default_period_shows_the_unfiltered_matrix_of_june(
    warehouse: Any, app_path: str
) -> None:
    app = _run(app_path)

    # spelled out once: 101 AX, 102 AZ, 103 BY, 104 C with too short a history
    matrix = app.dataframe[MATRIX].value
    assert sorted(
        zip(matrix["abc_class"], matrix["xyz_class"], matrix["customers"], strict=True)
    ) == [
        ("A", "X", 1),
        ("A", "Z", 1),
        ("B", "Y", 1),
        ("C", "Мало истории", 1),
    ]
    changes = table_text(app.dataframe[CHANGES])
    assert sorted(changes["partner_name"]) == ["Партнёр 2", "Партнёр 3"]


def test_a_period_ending_in_may_shows_mays_classes(warehouse: Any, app_path: str) -> None:
    app = _run(app_path, **{"from": "2023-06-01", "to": "2024-05-31"})

    may = [row for row in cx.CUSTOMER_CLASSES if row[1] == date(2024, 5, 1)]
    assert _metrics(app)["Клиентов в базе"] == format_number(len(may))
    (element,) = [e for e in app.dataframe if "cumulative_revenue_share" in e.value]
    customers = element.value
    assert sorted(
        zip(customers["abc_class"], customers["window_revenue_amount"], strict=True)
    ) == sorted((row[3], float(row[2])) for row in may)


@pytest.mark.parametrize(("start", "end"), [(START, END), (date(2023, 1, 1), date(2023, 12, 31))])
def test_lifecycle_counts_per_month(warehouse: Any, app_path: str, start: date, end: date) -> None:
    app = _run(app_path, **{"from": start.isoformat(), "to": end.isoformat()})

    expected: dict[date, list[int]] = {}
    for _, month, *flags in cx.CUSTOMER_LIFECYCLE:
        if start.replace(day=1) <= month <= end:
            counts = expected.setdefault(month, [0, 0, 0, 0])
            for index, flag in enumerate(flags):
                counts[index] += int(flag)
    # the tables before it depend on the period (a month without class changes has none)
    (element,) = [e for e in app.dataframe if "new_customers" in e.value]
    table = element.value
    shown = {
        month.date(): [new, active, returned, lost]
        for month, new, active, returned, lost in zip(
            table["month"],
            table["new_customers"],
            table["active_customers"],
            table["returned_customers"],
            table["lost_customers"],
            strict=True,
        )
    }
    assert shown == expected
    metrics = _metrics(app)
    assert metrics["Новые"] == format_number(sum(counts[0] for counts in expected.values()))
    assert metrics["Вернувшиеся"] == format_number(sum(counts[2] for counts in expected.values()))
    assert metrics["Потерянные"] == format_number(sum(counts[3] for counts in expected.values()))


def test_top_customers_by_lifetime_revenue(warehouse: Any, app_path: str) -> None:
    app = _run(app_path, region="2")

    expected = sorted(
        (row for row in cx.CUSTOMER_LIFETIME if fx.PARTNERS[row[0]][2] == 2),
        key=lambda row: -row[4],
    )
    top = app.dataframe[TOP].value
    assert table_text(app.dataframe[TOP])["partner_name"].tolist() == [
        fx.PARTNERS[row[0]][0] for row in expected
    ]
    assert top["days_since_last_purchase"].tolist() == [row[5] for row in expected]
    assert top["is_lost"].tolist() == [row[5] >= cx.LOST_AFTER_DAYS for row in expected]


@pytest.mark.parametrize("deal_kinds", [(), (1,)])
def test_offer_conversion_by_manager_and_lost_reasons(
    warehouse: Any, app_path: str, deal_kinds: tuple[int, ...]
) -> None:
    params = {"deal_kind": ",".join(map(str, deal_kinds))} if deal_kinds else {}
    app = _run(app_path, **params)

    offers = [
        offer
        for offer in cx.OFFERS
        if START.replace(day=1) <= offer.offered_date <= END
        and (not deal_kinds or offer.deal_kind_id in deal_kinds)
    ]
    sent = [offer for offer in offers if offer.status != "draft"]
    metrics = _metrics(app)
    assert metrics["Отправлено"] == format_number(len(sent))
    converted = [offer for offer in sent if offer.is_converted]
    assert metrics["Конверсия в заказ"] == format_percent(len(converted) / len(sent))

    table = app.dataframe[BY_MANAGER].value
    names = table_text(app.dataframe[BY_MANAGER])["group_name"].tolist()
    shown = dict(zip(names, table.to_dict("records"), strict=True))
    for manager_id, name in cx.MANAGER_NAMES.items():
        mine = [offer for offer in sent if offer.manager_id == manager_id]
        mine_converted = [offer for offer in mine if offer.is_converted]
        row = shown[name]
        assert row["sent_offers"] == len(mine)
        assert row["accepted_offers"] == sum(offer.status == "accepted" for offer in mine)
        assert row["converted_offers"] == len(mine_converted)
        assert row["conversion_share"] == pytest.approx(len(mine_converted) / len(mine))
        if mine_converted:
            assert row["mean_days_to_order"] == pytest.approx(
                statistics.mean(offer.days_to_order or 0 for offer in mine_converted)
            )

    lost = table_text(app.dataframe[LOST])
    words = {"expired": "Истёк срок действия", "rejected": "Отклонено клиентом"}
    assert sorted(lost["lost_reason"]) == sorted(
        words.get(offer.lost_reason or "", offer.lost_reason)
        for offer in offers
        if offer.status in ("rejected", "expired")
    )


def test_the_page_reads_in_english(
    warehouse: Any, app_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_LANG", "en")
    app = _run(app_path)

    assert app.title[0].value == "Client base"
    assert "Customers in the base" in _metrics(app)


def test_queries_pick_the_latest_classified_month_up_to_the_period_end(warehouse: Any) -> None:
    filters = current_filters()
    assert queries.customer_class_month(filters) == JUNE
    may = queries.Filters(start=START, end=date(2024, 5, 31))
    assert queries.customer_class_month(may) == date(2024, 5, 1)
    before = queries.Filters(start=date(2020, 1, 1), end=date(2020, 12, 31))
    assert queries.customer_class_month(before) is None


def test_abc_xyz_heatmap_places_each_cell() -> None:
    import polars as pl

    matrix = pl.DataFrame(
        {
            "abc_class": ["A", "A", "C"],
            "xyz_class": ["X", None, "Z"],
            "customers": [3, 1, 2],
            "window_revenue_amount": [300.0, 50.0, 20.0],
        }
    )
    figure = charts.abc_xyz_heatmap(matrix, "customers")
    (heatmap,) = figure.data
    assert list(heatmap.y) == ["A", "B", "C"]
    assert [list(row) for row in heatmap.z] == [[3, 0, 0, 1], [0, 0, 0, 0], [0, 0, 2, 0]]


def _classes(month: date) -> list[tuple]:
    return [row for row in cx.CUSTOMER_CLASSES if row[1] == month]


def test_abc_xyz_tiles_and_matrix_compare_with_the_previous_months_classes(
    warehouse: Any, app_path: str
) -> None:
    app = _run(app_path, **{"from": "2024-06-01", "to": "2024-06-30"}, compare="previous")

    may, june = _classes(date(2024, 5, 1)), _classes(JUNE)

    def money(value: Any) -> str:
        return format_compact(value, money=True)

    deltas = {metric.label: metric.delta or None for metric in app.metric}
    assert deltas["Клиентов в базе"] == shown_change_text(len(june), len(may), format_number)
    assert deltas["Выручка за 12 мес."] == shown_change_text(
        sum(row[2] for row in june), sum(row[2] for row in may), money
    )
    assert deltas["Клиенты: A"] == shown_change_text(
        sum(row[3] == "A" for row in june), sum(row[3] == "A" for row in may), format_number
    )
    assert any(format_month(date(2024, 5, 1)) in caption.value for caption in app.caption)

    matrix = app.dataframe[MATRIX].value
    cells = {
        (abc, xyz): (customers, share)
        for abc, xyz, customers, share in zip(
            matrix["abc_class"],
            matrix["xyz_class"],
            matrix["customers_delta"],
            matrix["revenue_share_delta"],
            strict=True,
        )
    }

    def cell(rows: list[tuple], abc: str, xyz: str | None) -> tuple[int, float]:
        """Customers and share of the month's window revenue in one ABC × XYZ cell."""
        mine = [row for row in rows if row[3] == abc and row[4] == xyz]
        total = sum(row[2] for row in rows)
        return len(mine), float(sum(row[2] for row in mine) / total)

    for abc, xyz in [("A", "X"), ("A", "Z"), ("B", "Y")]:
        now, before = cell(june, abc, xyz), cell(may, abc, xyz)
        customers, share = cells[(abc, xyz)]
        assert customers == now[0] - before[0]
        # the share's Δ is in percentage points; a cell May lacks had an unknown share
        assert share == (format_points(now[1] - before[1]) if before[0] else "—")
