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

from dashboards.formatting import format_compact, format_number, format_percent

CONTRACT = (
    Path(__file__).resolve().parents[2]
    / "dbt_project/models/marts/retail/rpt_retail_sales_hourly.yml"
)
# store, date, hour, sale receipts, return receipts, sales, returns, sale items
ROWS = [
    ("Магазин «Центр»", date(2024, 3, 1), 12, 10, 1, Decimal(25000), Decimal(1000), 31),
    ("Магазин «Центр»", date(2024, 3, 2), 18, 6, 0, Decimal(12000), Decimal(0), 9),
    ("Магазин «Сибирь»", date(2024, 3, 2), 12, 4, 1, Decimal(8000), Decimal(2000), 8),
]


def _publish_retail_rows(path: Path) -> None:
    columns = yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))["models"][0]["columns"]
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "create table marts.rpt_retail_sales_hourly ("
            + ", ".join(f"{column['name']} {column['data_type']}" for column in columns)
            + ")"
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
            connection.execute(
                f"insert into marts.rpt_retail_sales_hourly ({', '.join(row)}) "
                f"values ({', '.join('?' * len(row))})",
                list(row.values()),
            )


def _run(app_path: str) -> AppTest:
    app = AppTest.from_file(app_path, default_timeout=60)
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
