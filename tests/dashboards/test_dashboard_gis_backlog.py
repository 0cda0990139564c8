"""The GIS page's "what to fix today": the open documents waiting on us, the open backlog per whose
move it is and per counterparty. Expected figures come from fixture_marts.GIS_LIFECYCLES (days
open counted in Python to GIS_AS_OF), never from the queries' SQL."""

from __future__ import annotations

from collections import Counter
from typing import Any

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import charts, queries
from dashboards.formatting import NBSP, format_number, plotly_separators
from tests.dashboards import fixture_marts as fx
from tests.dashboards.conftest import link_targets, table_text

PAGE = "app_pages/gis_exchange.py"
# Every open lifecycle state in words, as the page shows it.
STATE_WORDS = {
    "registration_rejected": "ЕГАИС отказал в регистрации ТТН",
    "error": "Ошибка",
    "act_rejected": "Акт отклонён ЕГАИС",
    "no_answer": "Нет ответа по ТТН",
    "awaiting_act": "Ожидает акта",
    "differences_to_confirm": "Акт расхождений контрагента: подтвердить",
    "issued": "ВСД оформлен, не погашен",
}


def _waiting(pending_with: str, systems: tuple[str, ...] = ()) -> list[fx.GisLifecycle]:
    """Open documents whose move is ``pending_with``'s, oldest first."""
    chosen = [
        lifecycle
        for lifecycle in fx.GIS_LIFECYCLES
        if lifecycle.pending_with == pending_with
        and (not systems or lifecycle.document.system in systems)
    ]
    return sorted(
        chosen,
        key=lambda lifecycle: (-(lifecycle.days_open or 0), lifecycle.document.first_event_at),
    )


def _run(app_path: str) -> AppTest:
    app = AppTest.from_file(app_path, default_timeout=60).run()
    app.switch_page(PAGE).run()
    assert not app.exception, [exception.value for exception in app.exception]
    return app


def _to_fix_table(app: AppTest) -> Any:
    # The section's table comes first on the page; the others have no days_open column.
    (element,) = [element for element in app.dataframe if "days_open" in element.value.columns]
    assert "days_open" in app.dataframe[0].value.columns
    return element


def test_the_fixture_covers_every_lifecycle_state_and_owner() -> None:
    states = {lifecycle.lifecycle_state for lifecycle in fx.GIS_LIFECYCLES}
    assert states == {
        "accepted", "accepted_with_differences", "refused", "awaiting_act", "awaiting_ticket",
        "act_rejected", "no_answer", "differences_to_confirm", "registration_rejected", "issued",
        "utilised", "withdrawn", "rejected", "processing", "error",
    }  # fmt: skip
    owners = {lifecycle.pending_with for lifecycle in fx.GIS_LIFECYCLES}
    assert owners == {"us", "counterparty", "system", None}


def test_what_to_fix_today_lists_only_documents_waiting_on_us(
    warehouse: Any, app_path: str
) -> None:
    app = _run(app_path)

    assert app.subheader[0].value == "Что исправить сегодня"
    element = _to_fix_table(app)
    expected = _waiting("us")
    assert element.value["document_id"].tolist() == [lc.document_id for lc in expected]
    others = {lc.document_id for lc in fx.GIS_LIFECYCLES if lc.pending_with != "us"}
    assert not others & set(element.value["document_id"])

    text = table_text(element)
    # Days open in Russian digits: the forgotten ReplyNoAnswerTTN waybill of 2021 comes first.
    assert expected[0].document_id == "WB-5" and expected[0].days_open > 1000
    assert text["days_open"].tolist() == [format_number(lc.days_open) for lc in expected]
    assert text["days_open"].iloc[0] == f"{expected[0].days_open:,}".replace(",", NBSP)
    # Codes in words.
    assert text["lifecycle_state"].tolist() == [STATE_WORDS[lc.lifecycle_state] for lc in expected]
    systems = {"egais": "ЕГАИС", "vetis": "ВетИС (Меркурий)", "gismt": "Честный ЗНАК (ГИС МТ)"}
    assert text["system"].tolist() == [systems[lc.document.system] for lc in expected]
    types = dict(zip(text["document_id"], text["document_type"], strict=True))
    assert types["WB-5"] == "ТТН без ответа"
    assert types["VD-2"] == "Ветеринарный сертификат, входящий"
    assert types["GM-1"] == "Отгрузка товаров (УПД)"
    # Counterparty: the partner (card link), its ИНН or, without one, its FSRAR ID; our side.
    rows = {lc.document_id: row for lc, row in zip(expected, text.to_dict("records"), strict=True)}
    assert rows["WB-4"]["partner_name"] == "Партнёр 3"
    assert rows["WB-4"]["counterparty_key"] == "7700000103"
    assert rows["WB-5"]["partner_name"] == "—"
    assert rows["WB-5"]["counterparty_key"] == "010000000467"
    assert rows["GM-1"]["organization_inn"] == fx.ORGANIZATIONS[1]
    # A reference that is an order links to its card; any other stays as text.
    orders = link_targets(element, "order_number")
    by_document = dict(zip(element.value["document_id"], orders, strict=True))
    assert by_document["WB-2"] == "http://127.0.0.1:8000/orders/2#ЗК-00002"
    assert by_document["WB-9"] == "http://127.0.0.1:8000/orders/3#ЗК-00003"
    assert by_document["WB-4"] is None
    assert rows["WB-4"]["order_number"] == "—"
    assert rows["WB-4"]["reference"] == "ТТН-77"
    assert rows["WB-2"]["reference"] == "—"  # the order number is not repeated


def test_what_to_fix_today_follows_the_system_filter(warehouse: Any, app_path: str) -> None:
    app = _run(app_path)
    app.multiselect(key="gis_systems").set_value(["vetis"]).run()

    element = _to_fix_table(app)
    assert element.value["document_id"].tolist() == [
        lc.document_id for lc in _waiting("us", ("vetis",))
    ]
    assert element.value["document_id"].tolist() == ["VD-2"]  # VD-1 waits on the customer
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Ждут нас"] == "1"
    assert metrics["Ждут контрагентов"] == "1"
    assert metrics["Ждут ответа системы"] == "1"  # the Mercury application AP-1


def test_empty_backlog_shows_success_and_no_table(
    empty_marts_warehouse: Any, app_path: str
) -> None:
    app = _run(app_path)

    assert [success.value for success in app.success] == [
        "Документов, ожидающих наших действий, нет."
    ]
    assert not [element for element in app.dataframe if "days_open" in element.value.columns]
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Ждут нас"] == "0"
    assert metrics["Самый давний у нас, дн."] == "—"


# -- queries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("systems", [(), ("egais",), ("vetis", "gismt")])
def test_backlog_kpis(warehouse: Any, systems: tuple[str, ...]) -> None:
    row = queries.gis_backlog_kpis(systems).row(0, named=True)

    open_now = [
        lc
        for lc in fx.GIS_LIFECYCLES
        if lc.is_open and (not systems or lc.document.system in systems)
    ]
    owners = Counter(lc.pending_with for lc in open_now)
    assert row == {
        "pending_with_us": owners["us"],
        "pending_with_counterparty": owners["counterparty"],
        "pending_with_system": owners["system"],
        "max_days_open_with_us": max(lc.days_open for lc in open_now if lc.pending_with == "us"),
    }


@pytest.mark.parametrize("pending_with", queries.GIS_PENDING_WITH)
def test_open_documents_per_owner(warehouse: Any, pending_with: str) -> None:
    documents = queries.gis_open_documents(pending_with=pending_with)

    expected = _waiting(pending_with)
    assert documents["document_id"].to_list() == [lc.document_id for lc in expected]
    assert documents["days_open"].to_list() == [lc.days_open for lc in expected]
    assert documents["order_id"].to_list() == [lc.order_id for lc in expected]
    assert documents["counterparty_key"].to_list() == [lc.counterparty_key for lc in expected]


def test_backlog_by_counterparty(warehouse: Any) -> None:
    backlog = queries.gis_backlog_by_counterparty()

    expected = Counter(
        (lc.counterparty_key, lc.pending_with) for lc in fx.GIS_LIFECYCLES if lc.is_open
    )
    actual = {
        (row["counterparty_key"], row["pending_with"]): row["open_documents"]
        for row in backlog.iter_rows(named=True)
    }
    assert actual == dict(expected)
    names = dict(zip(backlog["counterparty_key"], backlog["partner_name"], strict=True))
    assert names["7700000101"] == "Партнёр 1"
    assert names["010000000467"] is None
    assert backlog["open_documents"].to_list() == sorted(expected.values(), reverse=True)


# -- chart -----------------------------------------------------------------------------------


def test_backlog_chart_stacks_owners_and_keeps_the_top_counterparties() -> None:
    backlog = pl.DataFrame(
        {
            "counterparty_key": ["7700000101", "7700000101", "010000000467", None, "7700000102"],
            "partner_id": [101, 101, None, None, 102],
            "partner_name": ["Партнёр 1", "Партнёр 1", None, None, "Партнёр 2"],
            "pending_with": ["us", "counterparty", "us", "us", "system"],
            "open_documents": [2, 3, 1, 4, 1],
            "max_days_open": [5, 9, 1115, 3, 1],
        }
    )

    figure = charts.gis_backlog_chart(backlog, top=3)

    # Партнёр 2's only open document waits on the system: cut with it, so no system trace.
    assert [trace.name for trace in figure.data] == ["Ждут нас", "Ждут контрагентов"]
    us = dict(zip(figure.data[0].y, figure.data[0].x, strict=True))
    assert us == {"Партнёр 1": 2, "010000000467": 1, "Не указано": 4}
    # Largest total on top (plotly draws the category array bottom-up); of the two with one
    # document, the first by name stays.
    assert list(figure.layout.yaxis.categoryarray) == ["010000000467", "Не указано", "Партнёр 1"]
    assert figure.layout.barmode == "stack"
    assert figure.layout.legend.traceorder == "normal"
    assert figure.layout.separators == plotly_separators()


def test_a_link_column_row_without_a_card_is_no_link_and_reads_a_dash(warehouse: Any) -> None:
    from dashboards.widgets import display_table

    frame = pl.DataFrame({"order_number": ["ЗК-00002", None], "order_id": [2, None]})

    styler, config = display_table(frame, {"order_number": ("Номер заказа", "text")})

    # No null reaches the grid (it would draw a faded "None"), and no URL for the second row.
    assert styler.data["order_number"].tolist() == ["http://127.0.0.1:8000/orders/2#ЗК-00002", ""]
    assert styler.to_string(delimiter="|").splitlines()[2].endswith("|—")
    assert config["order_number"]["type_config"]["type"] == "link"


def test_what_to_fix_today_in_english(
    warehouse: Any, app_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_LANG", "en")

    app = _run(app_path)

    assert app.subheader[0].value == "What to fix today"
    text = table_text(_to_fix_table(app))
    oldest = _waiting("us")[0]
    assert text["days_open"].iloc[0] == f"{oldest.days_open:,}"  # 1,115: English thousands
    assert text["lifecycle_state"].iloc[0] == "Waybill not answered"
    assert text["system"].iloc[0] == "EGAIS"
