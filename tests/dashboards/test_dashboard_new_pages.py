"""The claims, events, orders, regions, GIS and freshness pages, the forecast and the drill-downs,
through AppTest against the fixture warehouse; expected figures come from fixture_marts' lists."""

from __future__ import annotations

import statistics
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dashboards import queries
from dashboards.filters import MANAGERS_KEY, PERIOD_KEY, REGIONS_KEY
from dashboards.formatting import format_compact, format_number, format_percent
from tests.dashboards import fixture_marts as fx
from tests.dashboards.conftest import link_targets, table_text


def money(value: Any) -> str:
    """A money tile as the pages show it (compact above ten million, with the ruble sign)."""
    return format_compact(value, money=True)


START, END = date(2023, 7, 1), date(2024, 6, 20)
NEW_PAGES = [
    "app_pages/claims.py",
    "app_pages/events_calendar.py",
    "app_pages/orders.py",
    "app_pages/regions.py",
    "app_pages/returns.py",
    "app_pages/gis_exchange.py",
    "app_pages/client_base.py",
    "app_pages/data_freshness.py",
]
# Pages and the tables each shows (every table comes with a CSV and an XLSX download).
TABLES_PER_PAGE = {
    "app_pages/overview.py": 1,
    "app_pages/sales_funnel.py": 1,
    # 5 tabs (manager, region, deal kind, regional office, department), sales by industry,
    # interactions per deal (rpt_deal_interactions), win probability, forecast
    "app_pages/deal_efficiency.py": 9,
    # satisfaction, structure by month (rpt_claim_structure), structure by reason
    "app_pages/claims.py": 3,
    "app_pages/events_calendar.py": 3,
    # orders by month, invoices by month and open invoices (issue 25), at-risk customers,
    # debt ageing, debt by partner
    "app_pages/orders.py": 6,
    "app_pages/regions.py": 3,
    # returns by the chosen dimension, portal adoption by month
    "app_pages/returns.py": 2,
    "app_pages/gis_exchange.py": 3,
    # ABC/XYZ matrix, class changes, the month's customers, lifecycle, top customers, offer
    # conversion by manager and by deal kind, lost offers by reason
    "app_pages/client_base.py": 8,
    "app_pages/data_freshness.py": 1,
}


def _run(app_path: str, page: str, **query_params: str) -> AppTest:
    app = AppTest.from_file(app_path, default_timeout=60)
    app.query_params.update(query_params)
    app.run()
    app.switch_page(page).run()
    assert not app.exception, [exception.value for exception in app.exception]
    return app


def _metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def _in_period(day: date | None, start: date = START, end: date = END) -> bool:
    return day is not None and start <= day <= end


@pytest.mark.parametrize("page", NEW_PAGES)
def test_every_new_page_runs(warehouse: Any, app_path: str, page: str) -> None:
    app = _run(app_path, page)

    assert app.title and app.title[0].value
    assert not app.info, [info.value for info in app.info]
    assert not app.error


@pytest.mark.parametrize(("page", "tables"), TABLES_PER_PAGE.items())
def test_every_table_has_csv_and_xlsx_downloads(
    warehouse: Any, app_path: str, page: str, tables: int
) -> None:
    app = _run(app_path, page)

    assert len(app.dataframe) == tables
    labels = [button.proto.label for button in app.get("download_button")]
    assert labels == ["CSV", "Excel (XLSX)"] * tables


@pytest.mark.parametrize("page", NEW_PAGES)
def test_a_warehouse_without_the_new_marts_says_so(
    old_warehouse: Any, app_path: str, page: str
) -> None:
    app = _run(app_path, page)

    (warning,) = app.warning
    assert warning.value.startswith("В опубликованном хранилище нет витрин: ")
    assert not app.dataframe


def test_deal_efficiency_without_the_forecast_mart_still_shows_efficiency(
    old_warehouse: Any, app_path: str
) -> None:
    app = _run(app_path, "app_pages/deal_efficiency.py")

    assert [warning.value for warning in app.warning] == [
        "В опубликованном хранилище нет витрин: marts.rpt_pipeline_forecast. Запустите "
        "`make pipeline`, чтобы построить их."
    ]
    # five efficiency tabs (the managers are placed in offices) and the win probability; no
    # industries in this publication, so no industry table
    assert len(app.dataframe) == 6


@pytest.mark.parametrize("page", NEW_PAGES[:-1])
def test_empty_marts_show_no_data(empty_marts_warehouse: Any, app_path: str, page: str) -> None:
    app = _run(app_path, page)

    assert "Нет данных за выбранный период и отбор." in [info.value for info in app.info]


def test_empty_freshness_tables_say_so(empty_marts_warehouse: Any, app_path: str) -> None:
    app = _run(app_path, "app_pages/data_freshness.py")

    assert [info.value for info in app.info] == ["Нет сведений о загрузке источников."]
    assert app.warning[0].value.startswith("Витрины опубликованы более 26")


# -- claims ----------------------------------------------------------------------------------


def _satisfaction(claims: list[fx.Claim]) -> tuple[int, int]:
    resolved = [claim for claim in claims if _in_period(claim.resolved_date)]
    return len(resolved), sum(bool(claim.is_satisfied) for claim in resolved)


def test_claims_kpis_equal_the_fixture_figures(warehouse: Any, app_path: str) -> None:
    app = _run(app_path, "app_pages/claims.py")

    registered = [claim for claim in fx.CLAIMS if _in_period(claim.registered_at.date())]
    resolved, satisfied = _satisfaction(fx.CLAIMS)
    days = [c.days_to_resolve for c in fx.CLAIMS if _in_period(c.resolved_date)]
    assert (resolved, satisfied) == (5, 3)
    assert _metrics(app) == {
        "Зарегистрировано": format_number(len(registered)),
        "Решено": format_number(resolved),
        "Доля удовлетворённых": format_percent(satisfied / resolved),
        "Медианный срок решения, дней": format_number(statistics.median(days), 1),
        "Сумма претензий": money(sum(c.claimed_amount for c in registered)),
    }


def test_claims_manager_filter_changes_the_satisfaction_table(
    warehouse: Any, app_path: str
) -> None:
    app = _run(app_path, "app_pages/claims.py", manager="2")

    assert app.multiselect(key=MANAGERS_KEY).value == [2]
    table = app.dataframe[0].value
    petrova = [claim for claim in fx.CLAIMS if claim.manager_id == 2]
    reasons: dict[str, list[fx.Claim]] = {}
    for claim in petrova:
        if _in_period(claim.resolved_date):
            reasons.setdefault(fx.CLAIM_REASONS[claim.claim_reason_id][0], []).append(claim)
    assert dict(zip(table["group_name"], table["claims_resolved"], strict=True)) == {
        name: len(claims) for name, claims in reasons.items()
    }
    assert table["satisfied_share"].tolist() == [
        sum(bool(c.is_satisfied) for c in claims) / len(claims) for claims in reasons.values()
    ]


def test_claims_grouped_by_source_are_labelled(warehouse: Any, app_path: str) -> None:
    app = _run(app_path, "app_pages/claims.py")

    app.button_group(key="claims_satisfaction_by").set_value("source").run()

    table = app.dataframe[0].value
    assert sorted(table["group_name"]) == sorted(
        ["Список претензий", "Портал клиента", "Карточка партнёра", "Акт о расхождениях"]
    )


def test_claim_reason_drill_down_lists_the_claims_behind_it(warehouse: Any, app_path: str) -> None:
    app = _run(app_path, "app_pages/claims.py")
    picker = app.selectbox(key="claims_structure_pick")
    assert picker.value is None

    picker.set_value("11").run()

    assert not app.exception
    listed = app.dataframe[-1].value
    expected = [
        f"ПР-{claim.claim_id:05d}"
        for claim in fx.CLAIMS
        if claim.claim_reason_id == 11 and _in_period(claim.registered_at.date())
    ]
    assert (
        table_text(app.dataframe[-1])["claim_number"].tolist()
        == expected
        == [
            "ПР-00001",
            "ПР-00002",
        ]
    )
    # Each number opens the claim's card in the operational app.
    assert link_targets(app.dataframe[-1], "claim_number") == [
        "http://127.0.0.1:8000/claims/1#ПР-00001",
        "http://127.0.0.1:8000/claims/2#ПР-00002",
    ]
    assert set(listed["source"]) == {"Список претензий", "Портал клиента"}


def test_claims_without_a_reason_can_be_drilled_into(warehouse: Any, app_path: str) -> None:
    app = _run(app_path, "app_pages/claims.py")

    app.selectbox(key="claims_structure_pick").set_value("").run()

    assert table_text(app.dataframe[-1])["claim_number"].tolist() == ["ПР-00007"]


# -- events calendar -------------------------------------------------------------------------


@pytest.mark.parametrize("managers", [(), (1,), (2, 3)])
def test_events_totals_follow_the_manager_filter(
    warehouse: Any, app_path: str, managers: tuple[int, ...]
) -> None:
    params = {"manager": ",".join(map(str, managers))} if managers else {}
    app = _run(app_path, "app_pages/events_calendar.py", **params)

    # The default period stretches to the last planned day, so the planned future is in sight.
    last_planned = max(row[1] for row in fx.EVENTS_CALENDAR)
    assert last_planned > END
    rows = [
        row
        for row in fx.EVENTS_CALENDAR
        if _in_period(row[1], end=last_planned) and (not managers or row[0] in managers)
    ]
    labels = ["Всего", "Запланировано", "Выполнено", "Просрочено", "Отменено", "Не рассмотрено"]
    assert _metrics(app) == {
        label: format_number(sum(row[2 + index] for row in rows))
        for index, label in enumerate(labels)
    }
    if not managers or 2 in managers:
        assert any(row[1] > END for row in rows)  # the future row is counted
    by_user = app.dataframe[1].value
    assert set(by_user["user_name"]) == (
        {"Иванов Иван", "Петрова Анна", "Не назначен"} if not managers else
        {{1: "Иванов Иван", 2: "Петрова Анна"}[user] for user in managers if user != 3}
    )  # fmt: skip


@pytest.mark.parametrize("managers", [(), (1,)])
def test_events_calendar_lists_the_overdue_and_unreviewed_interactions(
    warehouse: Any, app_path: str, managers: tuple[int, ...]
) -> None:
    params = {"manager": ",".join(map(str, managers))} if managers else {}
    app = _run(app_path, "app_pages/events_calendar.py", **params)

    listed = app.dataframe[0]  # the list comes before the per-user and per-day tables
    expected = sorted(
        (
            row
            for row in fx.INTERACTIONS
            if (row[8] or row[9]) and (not managers or row[2] in managers)
        ),
        key=lambda row: row[6],
    )
    shown = table_text(listed)
    # Who, what, since when (Moscow time), oldest first; the done and reviewed ones are not here.
    assert shown["user_name"].tolist() == [
        {1: "Иванов Иван", 2: "Петрова Анна", None: "Не назначен"}[row[2]] for row in expected
    ]
    assert shown["planned_at"].tolist() == [
        (row[6] + timedelta(hours=3)).strftime("%d.%m.%Y %H:%M") for row in expected
    ]
    assert shown["what"].tolist()[0] == "Телефонный звонок: Продление договора: Обсудить продление"
    assert link_targets(listed, "partner_name")[0] == "http://127.0.0.1:8000/partners/101#Партнёр 1"
    assert len(expected) == (3 if not managers else 1)


# -- orders and debt -------------------------------------------------------------------------


@pytest.mark.parametrize("regions", [(), (2,)])
def test_orders_kpis_follow_the_region_filter(
    warehouse: Any, app_path: str, regions: tuple[int, ...]
) -> None:
    params = {"region": ",".join(map(str, regions))} if regions else {}
    app = _run(app_path, "app_pages/orders.py", **params)

    orders = [
        order
        for order in fx.ORDERS
        if not order.is_cancelled
        and _in_period(order.ordered_date)
        and (not regions or order.business_region_id in regions)
    ]
    shipped = [o.is_shipped_on_time for o in orders if o.is_shipped_on_time is not None]
    paid = [o.is_paid_on_time for o in orders if o.is_paid_on_time is not None]
    metrics = _metrics(app)
    assert metrics["Заказы"] == format_number(len(orders))
    assert metrics["Сумма заказов"] == money(sum(o.ordered_amount for o in orders))
    assert metrics["Отгружено"] == money(sum(o.shipped_amount for o in orders))
    assert metrics["Оплачено"] == money(sum(o.paid_amount for o in orders))
    assert metrics["Отгружено в срок"] == format_percent(sum(shipped) / len(shipped))
    assert metrics["Оплачено в срок"] == format_percent(sum(paid) / len(paid))
    # Debt is over all live orders, whatever the period.
    live = [
        o
        for o in fx.ORDERS
        if not o.is_cancelled and (not regions or o.business_region_id in regions)
    ]
    assert metrics["Долг клиентов"] == money(sum(o.debt_amount for o in live))
    assert metrics["Просроченный долг"] == money(sum(o.overdue_amount for o in live))
    # CONTRACT_DEBT.md: advances and overdue scheduled payments are figures of their own.
    assert metrics["Авансы клиентов"] == money(sum(o.prepayment_amount for o in live))
    assert metrics["Просроченные оплаты по графику"] == money(
        sum(o.overdue_payment_amount for o in live)
    )
    # Spelled out once: the prepaid order 4 does not lower the debt; goods received back lower
    # it (order 3: 3000 shipped - 500 received back) and turn order 1's full payment into an
    # advance (300); order 2's approved return, not yet received, changes nothing.
    if not regions:
        assert metrics["Долг клиентов"] == "20\u00a0500\u00a0₽"
        assert metrics["Авансы клиентов"] == "5\u00a0300\u00a0₽"


def test_debt_ageing_table_and_partner_drill_down(warehouse: Any, app_path: str) -> None:
    app = _run(app_path, "app_pages/orders.py")

    ageing = app.dataframe[4].value
    expected: dict[str, dict[str, Decimal]] = {}
    for partner_id, _, due, amount in fx.OVERDUE_ITEMS:
        bucket, _ = fx.ageing_bucket((fx.AGEING_AS_OF - due).days)
        per_partner = expected.setdefault(fx.PARTNERS[partner_id][0], {})
        per_partner[bucket] = per_partner.get(bucket, Decimal(0)) + amount
    ageing = ageing.assign(partner_name=table_text(app.dataframe[4])["partner_name"])
    assert dict(zip(ageing["partner_name"], ageing["total"], strict=True)) == {
        name: float(sum(buckets.values())) for name, buckets in expected.items()
    }
    assert ageing.loc[ageing["partner_name"] == "Партнёр 2", "0-30"].item() == 5000

    app.selectbox(key="debt_partner_pick").set_value(102).run()

    orders = app.dataframe[-1].value
    assert table_text(app.dataframe[-1])["order_number"].tolist() == ["ЗК-00002"]  # 5: cancelled
    assert table_text(app.dataframe[-1])["status"].tolist() == ["Отгружен"]  # not "shipped"
    assert link_targets(app.dataframe[-1], "order_number") == [
        "http://127.0.0.1:8000/orders/2#ЗК-00002"
    ]
    assert orders["overdue_amount"].tolist() == [15000]


# -- regions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "regions"),
    [(START, END, ()), (date(2023, 1, 1), date(2023, 12, 31), ()), (START, END, (1,))],
)
def test_region_revenue_follows_period_and_region(
    warehouse: Any, app_path: str, start: date, end: date, regions: tuple[int, ...]
) -> None:
    params = {"from": start.isoformat(), "to": end.isoformat()}
    if regions:
        params["region"] = ",".join(map(str, regions))
    app = _run(app_path, "app_pages/regions.py", **params)

    orders = {order.order_id: order for order in fx.ORDERS}
    revenue: dict[str, list[Decimal]] = {}
    for _, order_id, shipped, amount, cost in fx.SHIPMENTS:
        _, _, region_id, region_name = fx.PARTNERS[orders[order_id].partner_id]
        if start.replace(day=1) <= shipped <= end and (not regions or region_id in regions):
            totals = revenue.setdefault(region_name, [Decimal(0), Decimal(0)])
            totals[0] += amount
            totals[1] += amount - cost
    table = app.dataframe[0].value
    assert {
        name: [Decimal(str(value)), Decimal(str(margin))]
        for name, value, margin in zip(
            table["business_region_name"],
            table["revenue_amount"],
            table["margin_amount"],
            strict=True,
        )
    } == revenue
    total = sum(values[0] for values in revenue.values())
    assert _metrics(app)["Выручка"] == money(total)


def test_region_drill_down_lists_its_shipments(warehouse: Any, app_path: str) -> None:
    app = _run(app_path, "app_pages/regions.py")

    app.selectbox(key="region_pick").set_value(2).run()

    assert app.dataframe[-1].value["shipment_number"].tolist() == ["РТ-00003", "РТ-00002"]


# -- GIS -------------------------------------------------------------------------------------


@pytest.mark.parametrize("systems", [(), ("egais",), ("vetis", "gismt")])
def test_gis_kpis_follow_the_system_filter(
    warehouse: Any, app_path: str, systems: tuple[str, ...]
) -> None:
    app = _run(app_path, "app_pages/gis_exchange.py")
    if systems:
        app.multiselect(key="gis_systems").set_value(list(systems)).run()

    documents = [
        doc
        for doc in fx.GIS_DOCUMENTS
        if _in_period(doc.first_event_at.date()) and (not systems or doc.system in systems)
    ]
    hours = [doc.hours_to_acceptance for doc in documents if doc.hours_to_acceptance is not None]
    count = len(documents)
    # The open backlog (all open documents, whatever the period) per whose move it is.
    open_now = [
        lifecycle
        for lifecycle in fx.GIS_LIFECYCLES
        if lifecycle.is_open and (not systems or lifecycle.document.system in systems)
    ]
    ours = [lifecycle.days_open for lifecycle in open_now if lifecycle.pending_with == "us"]
    assert _metrics(app) == {
        "Ждут нас": format_number(len(ours)),
        "Ждут контрагентов": format_number(
            sum(lifecycle.pending_with == "counterparty" for lifecycle in open_now)
        ),
        "Ждут ответа системы": format_number(
            sum(lifecycle.pending_with == "system" for lifecycle in open_now)
        ),
        "Самый давний у нас, дн.": format_number(max(ours) if ours else None),
        "Документы": format_number(count),
        "Доля отклонённых": format_percent(
            sum(d.status_group == "rejected" for d in documents) / count
        ),
        "Доля ошибок": format_percent(sum(d.status_group == "error" for d in documents) / count),
        "В обработке или с ошибкой": format_number(sum(d.is_open for d in documents)),
        "Медиана до приёмки, ч": format_number(statistics.median(hours) if hours else None, 1),
    }


def test_gis_status_drill_down(warehouse: Any, app_path: str) -> None:
    app = _run(app_path, "app_pages/gis_exchange.py")

    app.selectbox(key="gis_status_pick").set_value("error").run()

    (documents,) = [
        element.value for element in app.dataframe if "latest_error_code" in element.value.columns
    ]
    assert documents["document_id"].tolist() == ["GM-1"]
    assert documents["system"].tolist() == ["Честный ЗНАК (ГИС МТ)"]


# -- freshness -------------------------------------------------------------------------------


def test_freshness_lists_sources_and_warns_when_stale(warehouse: Any, app_path: str) -> None:
    app = _run(app_path, "app_pages/data_freshness.py")

    table = app.dataframe[0].value
    # Sources in words, never `raw_oltp.claims`; no run UUID; times in Moscow time (UTC+3).
    assert table["source"].tolist() == [
        "Обмен с ГИС: ЕГАИС",
        "Учётная система: Претензии",
        "Учётная система: Сделки",
    ]
    assert table["rows"].tolist() == [rows for _, _, rows in fx.DATA_FRESHNESS]
    assert table["is_stale"].all()  # the fixture was published in 2024
    assert "Запуск" not in _metrics(app)
    assert fx.RUN_ID not in str([metric.value for metric in app.metric])
    assert _metrics(app)["Опубликовано"] == "20.06.2024 05:10"
    assert table_text(app.dataframe[0])["last_loaded_at"].tolist()[0] == "20.06.2024 02:00"
    assert len(app.warning) == 2


# -- forecast and funnel drill-down ----------------------------------------------------------


@pytest.mark.parametrize("managers", [(), (1,)])
def test_weighted_pipeline_forecast(
    warehouse: Any, app_path: str, managers: tuple[int, ...]
) -> None:
    params = {"manager": ",".join(map(str, managers))} if managers else {}
    app = _run(app_path, "app_pages/deal_efficiency.py", **params)

    rows = [row for row in fx.FORECAST if not managers or row[2] in managers]
    weighted = sum(
        (row[5] * Decimal(str(fx.forecast_probability(tuple(row[6:]))))).quantize(Decimal("0.01"))
        for row in rows
    )
    metrics = _metrics(app)
    assert metrics["Взвешенная сумма"] == money(weighted)
    assert metrics["Потенциальная сумма"] == money(sum(row[5] for row in rows))
    forecast = table_text(app.dataframe[-1])
    assert forecast["deal_number"].tolist() == [f"СД-{row[0]:05d}" for row in rows]


def test_forecast_list_is_the_top_of_the_totals(warehouse: Any) -> None:
    filters = queries.Filters()
    everything = queries.pipeline_forecast(filters)
    top = queries.pipeline_forecast(filters, limit=1)
    totals = queries.pipeline_forecast_totals(filters).row(0, named=True)

    assert everything.height == totals["open_deals"] == len(fx.FORECAST) > 1
    assert top.height == 1
    assert top["deal_id"].to_list() == everything["deal_id"].to_list()[:1]
    assert top["weighted_amount"].to_list() == [max(everything["weighted_amount"])]
    assert totals["weighted_amount"] == pytest.approx(everything["weighted_amount"].sum())
    assert totals["potential_amount"] == pytest.approx(everything["potential_amount"].sum())


def test_funnel_stage_drill_down_lists_the_deals_that_reached_it(
    warehouse: Any, app_path: str
) -> None:
    app = _run(app_path, "app_pages/sales_funnel.py")

    app.selectbox(key="funnel_stage_pick_1").set_value(12).run()

    deals = app.dataframe[-1].value
    expected = [
        f"СД-{deal.deal_id:05d}"
        for deal in warehouse.deals
        if any(stage == 12 for stage, _ in deal.path) and _in_period(deal.created_date)
    ]
    assert (
        table_text(app.dataframe[-1])["deal_number"].tolist()
        == expected
        == ["СД-00001", "СД-00002", "СД-00003", "СД-00004"]
    )
    assert deals["was_skipped"].tolist() == [False, False, False, True]


# -- the URL ---------------------------------------------------------------------------------


def test_query_params_set_the_filters(warehouse: Any, app_path: str) -> None:
    app = _run(
        app_path,
        "app_pages/overview.py",
        **{"from": "2024-01-01", "to": "2024-06-30", "manager": "1", "region": "2,1"},
    )

    assert app.date_input(key=PERIOD_KEY).value == (date(2024, 1, 1), date(2024, 6, 30))
    assert app.multiselect(key=MANAGERS_KEY).value == [1]
    assert app.multiselect(key=REGIONS_KEY).value == [2, 1]


def test_filters_are_written_back_to_the_url_and_survive_a_page_switch(
    warehouse: Any, app_path: str
) -> None:
    app = _run(app_path, "app_pages/overview.py")
    assert app.query_params == {"from": START.isoformat(), "to": END.isoformat()}

    app.multiselect(key=MANAGERS_KEY).set_value([2, 1]).run()
    app.switch_page("app_pages/claims.py").run()

    assert app.query_params["manager"] == "2,1"
    assert app.multiselect(key=MANAGERS_KEY).value == [2, 1]

    app.multiselect(key=MANAGERS_KEY).set_value([]).run()

    assert "manager" not in app.query_params


def test_malformed_query_params_are_ignored(warehouse: Any, app_path: str) -> None:
    app = _run(
        app_path,
        "app_pages/overview.py",
        **{"from": "yesterday", "to": "2024-06-30", "manager": "1,x,99", "deal_kind": ";drop"},
    )

    assert app.date_input(key=PERIOD_KEY).value == (START, END)  # default period
    assert app.multiselect(key=MANAGERS_KEY).value == [1]  # 99 is no manager, x no id


def test_new_pages_in_english(
    warehouse: Any, app_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_LANG", "en")

    app = _run(app_path, "app_pages/gis_exchange.py")

    assert app.title[0].value == "GIS exchange"
    assert list(_metrics(app)) == [
        "Waiting on us",
        "Waiting on counterparties",
        "Waiting on the system",
        "Oldest waiting on us, days",
        "Documents",
        "Rejection rate",
        "Error rate",
        "Processing or in error",
        "Median hours to acceptance",
    ]
    in_period = [doc for doc in fx.GIS_DOCUMENTS if _in_period(doc.first_event_at.date())]
    rejected = sum(doc.status_group == "rejected" for doc in in_period)
    assert _metrics(app)["Rejection rate"] == format_percent(rejected / len(in_period), lang="en")
    assert _metrics(app)["Rejection rate"] == "29.4%"  # 5 of 17: English decimal point
    oldest = max(lc.days_open for lc in fx.GIS_LIFECYCLES if lc.pending_with == "us")
    assert _metrics(app)["Oldest waiting on us, days"] == f"{oldest:,}"


def test_customers_at_risk_in_the_registry_follow_the_region_filter(
    warehouse: Any, app_path: str
) -> None:
    """The list is the mart's is_customer_at_risk rows, statuses in words, region-filtered."""
    app = _run(app_path, "app_pages/orders.py")
    at_risk = table_text(app.dataframe[3])
    expected = [cid for cid, row in fx.COUNTERPARTY_STATUSES.items() if row[2]]
    assert sorted(at_risk["legal_name"]) == sorted(f"ООО «Контрагент {c}»" for c in expected)
    assert set(at_risk["registry_status"]) == {"Ликвидирована", "Ликвидируется"}

    siberia = _run(app_path, "app_pages/orders.py", region="2")
    names = table_text(siberia.dataframe[3])["legal_name"].tolist()
    assert names == [
        f"ООО «Контрагент {c}»"
        for c in expected
        if fx.PARTNERS[fx.COUNTERPARTY_STATUSES[c][0]][2] == 2
    ]
