"""The «Розница» page through AppTest: hand-made rows of rpt_retail_sales_hourly (columns from
the mart's contract) added to the fixture warehouse; the KPIs are worked out here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import yaml
from streamlit.testing.v1 import AppTest

from dashboards.comparison import shown_change_text
from dashboards.formatting import format_compact, format_number, format_percent

MARTS = Path(__file__).resolve().parents[2] / "dbt_project/models/marts/retail"
# card, purchases, revenue
CARDHOLDERS = [("7700001", 3, Decimal(9000)), ("7700002", 1, Decimal(500))]
# month, sold, redeemed, outstanding
CERTIFICATES = [(date(2024, 2, 1), Decimal(3000), Decimal(0), Decimal(3000))]
# month, programme, active cardholders, points outstanding, bonus liability
LOYALTY = [
    (date(2024, 2, 1), "Бонусная", 40, Decimal(900), Decimal(900)),
    (date(2024, 3, 1), "Бонусная", 25, Decimal(1200), Decimal(1200)),
    (date(2024, 3, 1), "Карта не зарегистрирована", 7, Decimal(0), Decimal(0)),
]


# day, sold, redeemed, breakage, outstanding at the day's end
LIABILITY = [
    (date(2024, 2, 20), Decimal(1000), Decimal(0), Decimal(0), Decimal(1000)),
    (date(2024, 3, 1), Decimal(5000), Decimal(0), Decimal(0), Decimal(6000)),
    (date(2024, 3, 2), Decimal(0), Decimal(1200), Decimal(800), Decimal(4000)),
]
# code, status, refused
MARKED = [
    ("0104600000000017215aaa", "matched", False),
    ("0104600000000017215bbb", "sold_not_withdrawn", True),
    ("0104600000000017215ccc", "sold_not_withdrawn", False),
    ("0104600000000017215ddd", "withdrawn_not_sold", False),
    ("0104600000000017215eee", "returned_not_reintroduced", False),
    ("0104600000000017215fff", "returned_matched", False),
]


def _create(connection: duckdb.DuckDBPyConnection, table: str) -> None:
    columns = yaml.safe_load((MARTS / f"{table}.yml").read_text(encoding="utf-8"))["models"][0][
        "columns"
    ]
    connection.execute(
        f"create table marts.{table} ("
        + ", ".join(f"{column['name']} {column['data_type']}" for column in columns)
        + ")"
    )


def _insert(connection: duckdb.DuckDBPyConnection, table: str, row: dict[str, Any]) -> None:
    connection.execute(
        f"insert into marts.{table} ({', '.join(row)}) values ({', '.join('?' * len(row))})",
        list(row.values()),
    )


# store, date, hour, sale receipts, return receipts, sales, returns, sale items
ROWS = [
    ("Магазин «Центр»", date(2024, 3, 1), 12, 10, 1, Decimal(25000), Decimal(1000), 31),
    ("Магазин «Центр»", date(2024, 3, 2), 18, 6, 0, Decimal(12000), Decimal(0), 9),
    ("Магазин «Сибирь»", date(2024, 3, 2), 12, 4, 1, Decimal(8000), Decimal(2000), 8),
]


def _publish_retail_rows(path: Path) -> None:
    with duckdb.connect(str(path)) as connection:
        for table in (
            "rpt_retail_sales_hourly",
            "rpt_retail_cardholders",
            "rpt_retail_gift_certificates_monthly",
            "rpt_retail_loyalty_monthly",
            "fct_retail_gift_certificates",
            "rpt_retail_gift_certificate_liability",
            "rpt_retail_gift_certificate_cohorts",
            "fct_retail_marked_goods",
        ):
            _create(connection, table)
        for day, sold, redeemed, breakage, outstanding in LIABILITY:
            _insert(
                connection,
                "rpt_retail_gift_certificate_liability",
                {
                    "movement_date": day,
                    "sold_amount": sold,
                    "redeemed_amount": redeemed,
                    "breakage_amount": breakage,
                    "certificates_sold": 1 if sold else 0,
                    "certificates_expired": 1 if breakage else 0,
                    "outstanding_liability": outstanding,
                },
            )
        _insert(
            connection,
            "rpt_retail_gift_certificate_cohorts",
            {
                "sale_month": date(2024, 3, 1),
                "months_since_sale": 0,
                "certificates_sold": 1,
                "cohort_sold_amount": Decimal(5000),
                "redeemed_amount": Decimal(1200),
                "certificates_redeeming": 1,
                "cumulative_redeemed_amount": Decimal(1200),
                "cumulative_redeemed_share": Decimal("0.24"),
            },
        )
        _insert(
            connection,
            "fct_retail_gift_certificates",
            {
                "certificate_number": "000001",
                "is_registered": True,
                "nominal": Decimal(5000),
                "certificate_status": "active",
                "sold_amount": Decimal(5000),
                "redeemed_amount": Decimal(1200),
                "breakage_amount": Decimal(0),
                "outstanding_amount": Decimal(3800),
                "redemptions": 1,
            },
        )
        for code, status, refused in MARKED:
            _insert(
                connection,
                "fct_retail_marked_goods",
                {
                    "marking_code": code,
                    "is_sold": status in ("matched", "sold_not_withdrawn"),
                    "is_returned_by_customer": status.startswith("returned"),
                    "is_withdrawn": status
                    in ("matched", "withdrawn_not_sold", "returned_not_reintroduced"),
                    "is_returned_to_circulation": status == "returned_matched",
                    "has_refused_withdrawal": refused,
                    "reconciliation_status": status,
                    "event_date": date(2024, 3, 2),
                },
            )
        for month, programme, active, outstanding, liability in LOYALTY:
            _insert(
                connection,
                "rpt_retail_loyalty_monthly",
                {
                    "receipt_month": month,
                    "programme_name": programme,
                    "programme_kind": "bonus",
                    "active_cardholders": active,
                    "card_purchases": active * 2,
                    "points_accrued": Decimal(100),
                    "points_redeemed": Decimal(0),
                    "points_adjusted": Decimal(0),
                    "points_expired": Decimal(0),
                    "points_outstanding": outstanding,
                    "bonus_liability": liability,
                },
            )
        for card, purchases, revenue in CARDHOLDERS:
            _insert(
                connection,
                "rpt_retail_cardholders",
                {
                    "loyalty_card": card,
                    "purchases": purchases,
                    "revenue": revenue,
                    "first_purchase_date": date(2024, 1, 1),
                    "last_purchase_date": date(2024, 3, 1),
                    "recency_days": 10,
                    "is_repeat": purchases >= 2,
                    "r_score": 5,
                    "f_score": 5 if purchases >= 2 else 1,
                    "m_score": 3,
                    "rfm_segment": "5x3",
                },
            )
        for month, sold, redeemed, outstanding in CERTIFICATES:
            _insert(
                connection,
                "rpt_retail_gift_certificates_monthly",
                {
                    "receipt_month": month,
                    "sold_amount": sold,
                    "redeemed_amount": redeemed,
                    "sale_receipts_with_certificates": 1,
                    "receipts_paid_by_certificates": 0,
                    "outstanding_liability": outstanding,
                },
            )
        for number, (store, day, hour, receipts, returns, sales, refunded, items) in enumerate(
            ROWS
        ):
            row = {
                "retail_sales_hourly_id": str(number),
                "store_id": number,
                "store_name": store,
                "receipt_date": day,
                "receipt_hour": hour,
                "receipt_weekday": day.isoweekday(),
                "sale_receipts": receipts,
                "return_receipts": returns,
                "sales_amount": sales,
                "returns_amount": refunded,
                "revenue": sales - refunded,
                "sale_items": items,
                "card_receipts": receipts // 2,
                "card_sales_amount": sales / 2,
                "gift_certificates_sold_amount": Decimal(0),
                "gift_certificates_redeemed_amount": Decimal(0),
            }
            _insert(connection, "rpt_retail_sales_hourly", row)


def _run(app_path: str, **query_params: str) -> AppTest:
    app = AppTest.from_file(app_path, default_timeout=60)
    app.query_params.update(query_params)
    app.run()
    app.switch_page("app_pages/retail.py").run()
    assert not app.exception, [exception.value for exception in app.exception]
    return app


def test_retail_kpis_are_ratios_of_the_summed_columns(warehouse: Any, app_path: str) -> None:
    _publish_retail_rows(warehouse.path)
    app = _run(app_path)
    metrics = {metric.label: metric.value for metric in app.metric}
    sales = sum(row[5] for row in ROWS)
    refunded = sum(row[6] for row in ROWS)
    receipts = sum(row[3] for row in ROWS)
    items = sum(row[7] for row in ROWS)
    assert metrics["Выручка"] == format_compact(sales - refunded, money=True)
    assert metrics["Чеки продаж"] == format_number(receipts)
    assert metrics["Средний чек"] == format_compact(sales / receipts, money=True)
    assert metrics["Позиций в чеке"] == f"{items / receipts:.2f}"
    assert metrics["Доля возвратов"] == format_percent(refunded / sales)
    card_receipts = sum(row[3] // 2 for row in ROWS)
    assert metrics["Чеков с картой"] == format_percent(card_receipts / receipts)
    assert metrics["Выручки по картам"] == format_percent(Decimal(1) / 2)
    assert metrics["Держателей карт"] == format_number(len(CARDHOLDERS))
    assert metrics["Доля повторных"] == format_percent(1 / 2)
    assert metrics["Выручка на держателя"] == format_compact(Decimal(9500) / 2, money=True)
    march = [row for row in LOYALTY if row[0] == max(r[0] for r in LOYALTY)]
    assert metrics["Активных держателей"] == format_number(sum(row[2] for row in march))
    assert metrics["Остаток баллов"] == format_number(sum(row[3] for row in march))
    assert metrics["Обязательства по баллам"] == format_compact(
        sum(row[4] for row in march), money=True
    )
    # Certificates: flows summed over the period, the liability the last day's balance.
    assert metrics["Сгорело (breakage)"] == format_compact(
        sum(row[3] for row in LIABILITY), money=True
    )
    assert metrics["Обязательства по сертификатам"] == format_compact(LIABILITY[-1][4], money=True)
    statuses = [row[1] for row in MARKED]
    assert metrics["Продано, не выведено"] == format_number(statuses.count("sold_not_withdrawn"))
    assert metrics["Выведено без продажи"] == format_number(statuses.count("withdrawn_not_sold"))
    assert metrics["Продано и выведено"] == format_number(statuses.count("matched"))
    assert metrics["Возвращено, не введено в оборот"] == format_number(
        statuses.count("returned_not_reintroduced")
    )
    # The differences table lists the disagreeing codes, not the consistent ones.
    (element,) = [e for e in app.dataframe if "reconciliation_status" in e.value]
    assert sorted(element.value["reconciliation_status"]) == sorted(
        status
        for status in statuses
        if status in ("sold_not_withdrawn", "withdrawn_not_sold", "returned_not_reintroduced")
    )


def test_retail_by_hour_and_store_filter(warehouse: Any, app_path: str) -> None:
    _publish_retail_rows(warehouse.path)
    app = _run(app_path)
    app.segmented_control(key="retail_by").set_value("hour").run()
    table = app.dataframe[0].value
    assert list(table.iloc[:, 0]) == ["12:00", "18:00"]
    app.multiselect(key="stores").set_value(["Магазин «Сибирь»"]).run()
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Чеки продаж"] == format_number(4)


def test_retail_page_without_the_mart_says_so(warehouse: Any, app_path: str) -> None:
    app = _run(app_path)
    assert app.warning and "rpt_retail_sales_hourly" in app.warning[0].value
    assert "rpt_retail_cardholders" in app.warning[0].value


def _money(value: Any) -> str:
    return format_compact(value, money=True)


def _certificates(start: date, end: date) -> dict[str, Decimal]:
    """Flows of the days in [start, end] and the balance of the last day on or before end."""
    days = [row for row in LIABILITY if start <= row[0] <= end]
    balances = [row[4] for row in LIABILITY if row[0] <= end]
    return {
        "sold": sum((row[1] for row in days), Decimal(0)),
        "redeemed": sum((row[2] for row in days), Decimal(0)),
        "outstanding": balances[-1] if balances else Decimal(0),
    }


def _loyalty(month: date, programme: str | None = None) -> int:
    return sum(row[2] for row in LOYALTY if row[0] == month and programme in (None, row[1]))


def test_loyalty_and_certificates_compare_with_the_previous_month(
    warehouse: Any, app_path: str
) -> None:
    _publish_retail_rows(warehouse.path)
    march, february = (date(2024, 3, 1), date(2024, 3, 31)), (date(2024, 2, 1), date(2024, 2, 29))
    app = _run(app_path, **{"from": "2024-03-01", "to": "2024-03-31"}, compare="previous")
    deltas = {metric.label: metric.delta or None for metric in app.metric}

    now, before = _certificates(*march), _certificates(*february)
    assert before["sold"] and before["outstanding"]  # February is not compared with nothing
    assert deltas["Сертификаты проданы"] == shown_change_text(now["sold"], before["sold"], _money)
    # a balance against the balance at the end of February, never a sum of days
    assert deltas["Обязательства по сертификатам"] == shown_change_text(
        now["outstanding"], before["outstanding"], _money
    )
    assert deltas["Активных держателей"] == shown_change_text(
        _loyalty(march[0]), _loyalty(february[0]), format_number
    )

    (element,) = [e for e in app.dataframe if "active_cardholders_delta" in e.value]
    table = element.value.set_index("programme_name")
    # March lined up with February per programme; a programme February lacks had none
    for programme in ("Бонусная", "Карта не зарегистрирована"):
        assert table.loc[programme, "active_cardholders_delta"] == float(
            _loyalty(march[0], programme) - _loyalty(february[0], programme)
        )
