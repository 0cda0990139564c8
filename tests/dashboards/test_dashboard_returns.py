"""The returns page (Возвраты) and the regions' net revenue, through AppTest against the fixture
warehouse; expected figures are worked out from fixture_marts.RETURNS and CLAIMS."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import charts
from dashboards.formatting import (
    format_compact,
    format_days,
    format_month,
    format_number,
    format_percent,
)
from tests.dashboards import fixture_marts as fx

START, END = date(2023, 7, 1), date(2024, 6, 20)


def _run(app_path: str, page: str, **query_params: str) -> AppTest:
    app = AppTest.from_file(app_path, default_timeout=60)
    app.query_params.update(query_params)
    app.run()
    app.switch_page(page).run()
    assert not app.exception, [exception.value for exception in app.exception]
    return app


def _metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def _lines_in(start: date, end: date, regions: tuple[int, ...] = ()) -> list[fx.ReturnLine]:
    """Return lines registered in the months overlapping [start, end], in the regions."""
    return [
        line
        for line in fx.RETURNS
        if start.replace(day=1) <= line.registered_at.date() <= end
        and (not regions or fx.PARTNERS[line.partner_id][2] in regions)
    ]


@pytest.mark.parametrize("regions", [(), (2,)])
def test_returns_kpis_count_requests_and_received_apart(
    warehouse: Any, app_path: str, regions: tuple[int, ...]
) -> None:
    params = {"region": ",".join(map(str, regions))} if regions else {}
    app = _run(app_path, "app_pages/returns.py", **params)

    lines = _lines_in(START, END, regions)
    requests = {line.return_request_id: line for line in lines}
    requested = sum(line.amount for line in lines)
    received = sum(line.amount for line in lines if line.is_received)
    portal = sum(line.source == "portal" for line in requests.values())
    metrics = _metrics(app)
    assert metrics["Заявок на возврат"] == format_number(len(requests))
    assert metrics["Заявлено к возврату"] == format_compact(requested, money=True)
    assert metrics["Получено от клиентов"] == format_compact(received, money=True)
    assert metrics["Доля полученного"] == format_percent(received / requested)
    assert metrics["Заявок через портал"] == format_percent(portal / len(requests))
    if not regions:
        # approved (1000) and registered (40) requests are requested, never received
        assert (requested, received) == (Decimal(1890), Decimal(800))


def test_returns_by_product_add_up_requests_once(warehouse: Any, app_path: str) -> None:
    app = _run(app_path, "app_pages/returns.py")

    app.segmented_control(key="returns_by").set_value("product").run()

    table = app.dataframe[0].value
    lines = _lines_in(START, END)
    expected: dict[str, list[Any]] = {}
    for line in lines:
        row = expected.setdefault(fx.RETURN_PRODUCTS[line.product_id], [0, Decimal(0), Decimal(0)])
        row[0] += line.line_number == 1  # a request counts on its first line
        row[1] += line.amount
        row[2] += line.amount if line.is_received else Decimal(0)
    assert {
        name: [requests, Decimal(str(amount)), Decimal(str(received))]
        for name, requests, amount, received in zip(
            table["group_name"],
            table["return_request_count"],
            table["requested_amount"],
            table["received_amount"],
            strict=True,
        )
    } == expected
    assert sum(table["return_request_count"]) == len({line.return_request_id for line in lines})


def test_returns_without_a_reason_read_not_set(warehouse: Any, app_path: str) -> None:
    app = _run(app_path, "app_pages/returns.py")

    names = app.dataframe[0].value["group_name"].tolist()
    assert "Не указано" in names
    assert set(names) == {"Брак", "Пересорт", "Не указано"}


def test_portal_adoption_tab(warehouse: Any, app_path: str) -> None:
    app = _run(app_path, "app_pages/returns.py")

    claims = [c for c in fx.CLAIMS if START.replace(day=1) <= c.registered_at.date() <= END]
    portal_claims = [c for c in claims if c.source == "portal"]
    answered = [
        fx.CLAIM_FIRST_RESPONSE_HOURS[c.claim_id]
        for c in portal_claims
        if c.claim_id in fx.CLAIM_FIRST_RESPONSE_HOURS
    ]
    requests = {line.return_request_id: line for line in _lines_in(START, END)}
    portal_requests = [line for line in requests.values() if line.source == "portal"]
    decided = [line.hours_to_decision for line in portal_requests if line.hours_to_decision]
    metrics = _metrics(app)
    assert metrics["Претензий"] == format_number(len(claims))
    assert metrics["Доля претензий через портал"] == format_percent(
        len(portal_claims) / len(claims)
    )
    assert metrics["Среднее время до первого ответа, ч"] == format_days(
        sum(answered) / len(answered)
    )
    assert metrics["Доля заявок на возврат через портал"] == format_percent(
        len(portal_requests) / len(requests)
    )
    # portal requests decided after 5 h (January) and 9 h (March): mean 7 h over the period
    assert decided == [5.0, 9.0]
    assert metrics["Среднее время до решения по возврату, ч"] == format_days(7.0)
    table = app.dataframe[1].value
    assert len(table) == len(
        {c.registered_at.date().replace(day=1) for c in claims}
        | {line.registered_at.date().replace(day=1) for line in requests.values()}
    )


def test_net_revenue_counts_only_received_returns(warehouse: Any, app_path: str) -> None:
    app = _run(app_path, "app_pages/regions.py")

    orders = {order.order_id: order for order in fx.ORDERS}
    revenue = sum(
        amount for _, _, shipped, amount, _ in fx.SHIPMENTS if START.replace(day=1) <= shipped
    )
    received = sum(
        line.amount
        for line in fx.RETURNS
        if line.is_received and START.replace(day=1) <= line.received_date <= END
    )
    approved = sum(line.amount for line in fx.RETURNS if line.status == "approved")
    assert approved > 0 and received > 0
    metrics = _metrics(app)
    assert metrics["Выручка"] == format_compact(revenue, money=True)
    assert metrics["Выручка за вычетом возвратов"] == format_compact(revenue - received, money=True)
    table = app.dataframe[0].value
    by_region = dict(zip(table["business_region_name"], table["returns_amount"], strict=True))
    expected: dict[str, Decimal] = {}
    for line in fx.RETURNS:
        if line.is_received and START.replace(day=1) <= line.received_date <= END:
            region = fx.PARTNERS[orders[line.order_id].partner_id][3]
            expected[region] = expected.get(region, Decimal(0)) + line.amount
    assert {name: Decimal(str(value)) for name, value in by_region.items() if value} == expected


def test_returns_page_in_english(
    warehouse: Any, app_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_LANG", "en")

    app = _run(app_path, "app_pages/returns.py")

    assert app.title[0].value == "Returns"
    assert list(_metrics(app))[:5] == [
        "Return requests",
        "Requested",
        "Received back",
        "Received share",
        "Requests via the portal",
    ]


def test_returns_chart_shows_requested_beside_received() -> None:
    frame = pl.DataFrame(
        {
            "group_name": ["Брак", None],
            "requested_amount": [300.0, 50.0],
            "received_amount": [300.0, 0.0],
            "received_share": [1.0, 0.0],
        }
    )

    figure = charts.returns_chart(frame)

    requested, received = figure.data
    assert list(requested.y) == ["Не указано", "Брак"]  # smallest first: largest on top
    assert list(requested.x) == [50.0, 300.0]
    assert list(received.x) == [0.0, 300.0]


def test_portal_adoption_chart_leaves_a_gap_for_a_month_without_requests() -> None:
    frame = pl.DataFrame(
        {
            "month": [date(2024, 1, 1), date(2024, 3, 1)],
            "portal_claim_share": [0.5, 0.25],
            "portal_return_share": [None, 1.0],
        }
    )

    claims, returns = charts.portal_adoption_chart(frame).data

    assert len(claims.x) == 3  # February is drawn, empty
    assert list(claims.y) == [0.5, None, 0.25]
    assert list(returns.y) == [None, None, 1.0]


def test_returns_by_month_line_up_with_the_same_months_a_year_earlier(
    warehouse: Any, app_path: str
) -> None:
    app = _run(
        app_path, "app_pages/returns.py", **{"from": "2024-01-01", "to": "2024-06-30"},
        compare="year_ago",
    )  # fmt: skip
    app.segmented_control(key="returns_by").set_value("month").run()

    def requested(month: date) -> Decimal:
        return sum(
            (
                line.amount
                for line in fx.RETURNS
                if line.registered_at.date().replace(day=1) == month
            ),
            Decimal(0),
        )

    table = app.dataframe[0].value.set_index("group_name")
    lines = _lines_in(date(2024, 1, 1), date(2024, 6, 30))
    months = sorted({line.registered_at.date().replace(day=1) for line in lines})
    # the fixture's March 2023 had a return, so March is not compared with nothing
    assert requested(date(2023, 3, 1))
    assert list(table.index) == [format_month(month) for month in months]
    for month in months:
        year_ago = month.replace(year=month.year - 1)
        assert Decimal(str(table.loc[format_month(month), "requested_amount_delta"])) == (
            requested(month) - requested(year_ago)
        )
