"""Every page through Streamlit's AppTest against the fixture warehouse."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dashboards.comparison import shown_change_text
from dashboards.filters import MANAGERS_KEY, PERIOD_KEY
from dashboards.formatting import (
    format_compact,
    format_delta,
    format_number,
    format_percent,
    format_points_delta,
)

PAGES = ["app_pages/overview.py", "app_pages/sales_funnel.py", "app_pages/deal_efficiency.py"]
START, END = date(2023, 7, 1), date(2024, 6, 20)


def _run(app_path: str, page: str | None = None) -> AppTest:
    app = AppTest.from_file(app_path, default_timeout=60).run()
    if page is not None:
        app.switch_page(page).run()
    assert not app.exception, [exception.value for exception in app.exception]
    return app


# The Overview's KPI row; the plan tiles under it are tested in test_dashboard_plan_fact.py.
KPI_ROW = 4


def _metrics(app: AppTest) -> dict[str, tuple[str, str | None]]:
    # AppTest reports a metric without a delta as "".
    return {metric.label: (metric.value, metric.delta or None) for metric in app.metric[:KPI_ROW]}


def _money(value: Any) -> str:
    return format_compact(value, money=True)


def _days(value: Any) -> str:
    return format_number(value, 1)


def _expected_metrics(kpis: Any) -> dict[str, tuple[str, str | None]]:
    return {
        "Сделки в работе": (
            format_number(kpis.open_deals),
            format_delta(kpis.open_deals, kpis.open_deals_previous),
        ),
        "Сумма выигранных": (
            format_compact(kpis.won_amount, money=True),
            shown_change_text(kpis.won_amount, kpis.won_amount_previous, _money),
        ),
        "Доля выигранных": (
            format_percent(kpis.win_rate),
            format_points_delta(kpis.win_rate, kpis.win_rate_previous),
        ),
        "Медианный цикл, дней": (
            format_number(kpis.median_cycle_days, 1),
            shown_change_text(kpis.median_cycle_days, kpis.median_cycle_days_previous, _days),
        ),
    }


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs(warehouse: Any, app_path: str, page: str) -> None:
    app = _run(app_path, page)

    assert app.title and app.title[0].value
    assert not app.info, [info.value for info in app.info]


def test_overview_kpis_equal_the_fixture_figures(
    warehouse: Any, app_path: str, kpis_for: Any
) -> None:
    app = _run(app_path)

    assert app.date_input(key=PERIOD_KEY).value == (START, END)
    assert _metrics(app) == _expected_metrics(kpis_for(START, END))
    # Spelled out once, so the formatting itself is pinned too (no-break spaces, commas).
    assert _metrics(app)["Сумма выигранных"] == (
        "195\u00a0001\u00a0₽",
        "+75\u00a0001\u00a0₽ (+62,5\u00a0%)",
    )
    assert _metrics(app)["Доля выигранных"][0] == "42,9\u00a0%"


def test_changing_filters_changes_the_kpis(warehouse: Any, app_path: str, kpis_for: Any) -> None:
    app = _run(app_path)
    everyone = _metrics(app)

    app.multiselect(key=MANAGERS_KEY).set_value([1]).run()

    assert _metrics(app) == _expected_metrics(kpis_for(START, END, (1,)))
    assert _metrics(app) != everyone

    app.date_input(key=PERIOD_KEY).set_value((date(2024, 1, 1), date(2024, 6, 30))).run()

    assert _metrics(app) == _expected_metrics(kpis_for(date(2024, 1, 1), date(2024, 6, 30), (1,)))


def test_filters_persist_across_pages(warehouse: Any, app_path: str) -> None:
    app = _run(app_path)
    app.multiselect(key=MANAGERS_KEY).set_value([2]).run()

    app.switch_page("app_pages/deal_efficiency.py").run()

    assert not app.exception
    assert app.multiselect(key=MANAGERS_KEY).value == [2]
    by_manager = app.dataframe[0].value
    assert by_manager["group_name"].tolist() == ["Петрова Анна"]


def test_sales_funnel_page_shows_the_chosen_deal_kind(warehouse: Any, app_path: str) -> None:
    app = _run(app_path, "app_pages/sales_funnel.py")

    kind = app.selectbox(key="funnel_deal_kind")
    assert kind.options == ["Оптовая продажа", "Тендер"]  # staged kinds only
    table = app.dataframe[0].value
    # Default period: deals 1-5 (wholesale, created from July 2023) reach the stages.
    assert table["deals_entered"].tolist() == [5, 4, 3, 1]

    kind.select_index(1).run()

    assert not app.exception
    assert app.dataframe[0].value["stage_name"].tolist() == [
        "Подача заявки",
        "Рассмотрение заявки",
        "Итоги тендера",
    ]


@pytest.mark.parametrize("page", PAGES)
def test_nothing_published_says_so_on_every_page(
    empty_warehouse_dir: Path, app_path: str, page: str
) -> None:
    app = _run(app_path, page)

    assert [info.value for info in app.info] == [
        "Хранилище ещё не опубликовано. Запустите `make pipeline`, чтобы построить его."
    ]
    assert not app.metric and not app.dataframe


def test_english_labels(warehouse: Any, app_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_LANG", "en")

    app = _run(app_path)

    assert app.title[0].value == "Overview"
    assert [metric.label for metric in app.metric] == [
        "Open deals",
        "Won amount",
        "Win rate",
        "Median cycle, days",
        "Plan completion in the period",
        "Forecast completion, Jun 2024",
    ]
    assert app.metric[1].value == "₽195,001"
    assert app.multiselect(key=MANAGERS_KEY).label == "Manager"
    app.switch_page("app_pages/deal_efficiency.py").run()
    assert [tab.label for tab in app.tabs] == [
        "By manager",
        "By business region",
        "By deal kind",
        "By regional office",
        "By team",
    ]


def test_pages_leave_the_warehouse_untouched(warehouse: Any, app_path: str) -> None:
    before = (warehouse.path.read_bytes(), warehouse.path.stat().st_mtime_ns)

    for page in PAGES:
        _run(app_path, page)

    assert (warehouse.path.read_bytes(), warehouse.path.stat().st_mtime_ns) == before


def test_stale_or_half_picked_filters_do_not_break_the_page(
    warehouse: Any, app_path: str, kpis_for: Any
) -> None:
    app = AppTest.from_file(app_path, default_timeout=60)
    app.session_state[MANAGERS_KEY] = [1, 99]  # 99: a manager a republish dropped
    app.session_state[PERIOD_KEY] = (date(2024, 3, 1),)  # range start picked, end not yet

    app.run()

    assert not app.exception
    assert app.multiselect(key=MANAGERS_KEY).value == [1]
    day = date(2024, 3, 1)
    assert _metrics(app) == _expected_metrics(kpis_for(day, day, (1,)))
