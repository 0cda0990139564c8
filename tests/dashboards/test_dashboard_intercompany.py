"""The «Организации и комиссия» page (issue 22) through AppTest on the fixture warehouse with the
issue's marts added from hand-made rows (columns and types from their dbt contracts); the tiles
and tables must show the figures summed here from those rows."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import queries
from dashboards.formatting import format_compact
from dashboards.queries import Filters
from tests.dashboards.fixture_marts import PARTNERS, _contracts

PAGE = "app_pages/intercompany.py"
START, END = date(2024, 1, 1), date(2024, 6, 30)
ALFA, BETA = 1, 2
COMMISSIONER, COMMITTENT = 101, 102  # partners of the fixture warehouse

ORGANIZATIONS = [
    {"organization_id": ALFA, "organization_name": "ООО «Альфа»", "inn": "7700000001"},
    {"organization_id": BETA, "organization_name": "ООО «Бета»", "inn": "7700000002"},
]
# organization, month, as seller, of which inter-company, as owner
REVENUE = [
    (ALFA, date(2024, 1, 1), "1000.00", "400.00", "900.00"),
    (BETA, date(2024, 1, 1), "700.00", "0.00", "400.00"),
    (ALFA, date(2024, 3, 1), "250.00", "50.00", "200.00"),
    # outside the period
    (BETA, date(2022, 5, 1), "9999.00", "0.00", "9999.00"),
]
# organization, counter, month, sent, received, closing balance
SETTLEMENTS = [
    (ALFA, BETA, date(2024, 1, 1), "400.00", "0.00", "400.00"),
    (BETA, ALFA, date(2024, 1, 1), "0.00", "400.00", "-400.00"),
    (ALFA, BETA, date(2024, 3, 1), "60.00", "10.00", "450.00"),
    (BETA, ALFA, date(2024, 3, 1), "10.00", "60.00", "-450.00"),
]
COMMISSION = [
    # partner, role, sales, fee, receivable, payable
    (ALFA, COMMISSIONER, "commissioner", "1320.00", "132.00", "1188.00", "0.00"),
    (BETA, COMMITTENT, "committent", "330.00", "33.00", "0.00", "297.00"),
]
STOCK = [
    # organization, committent, holder kind, warehouse, commissioner, quantity, cost value
    (ALFA, None, "warehouse", 1, None, "60.000", "3600.00"),
    (ALFA, None, "commissioner", None, COMMISSIONER, "7.000", "420.00"),
    (BETA, COMMITTENT, "warehouse", 1, None, "9.000", "180.00"),
]


def _rows() -> dict[str, list[dict[str, Any]]]:
    return {
        "dim_organizations": ORGANIZATIONS,
        "rpt_organization_revenue": [
            {
                "organization_revenue_id": f"{org}-{month}",
                "organization_id": org,
                "revenue_month": month,
                "revenue_as_seller": Decimal(seller),
                "intercompany_revenue": Decimal(intercompany),
                "external_revenue": Decimal(seller) - Decimal(intercompany),
                "revenue_as_owner": Decimal(owner),
            }
            for org, month, seller, intercompany, owner in REVENUE
        ],
        "fct_intercompany_settlements": [
            {
                "intercompany_settlement_id": f"{org}-{counter}-{month}",
                "organization_id": org,
                "counter_organization_id": counter,
                "settlement_month": month,
                "document_count": 1,
                "sent_amount": Decimal(sent),
                "received_amount": Decimal(received),
                "net_amount": Decimal(sent) - Decimal(received),
                "closing_balance": Decimal(balance),
            }
            for org, counter, month, sent, received, balance in SETTLEMENTS
        ],
        "rpt_commission_partners": [
            {
                "commission_partner_id": f"{org}-{partner}",
                "organization_id": org,
                "partner_id": partner,
                "partner_role": role,
                "quantity_handed_over": Decimal(20),
                "handed_over_amount": Decimal(2000),
                "quantity_sold": Decimal(12),
                "sales_amount": Decimal(sales),
                "fee_amount": Decimal(fee),
                "quantity_written_off": Decimal(1),
                "written_off_amount": Decimal(60),
                "quantity_held": Decimal(7),
                "paid_amount": Decimal(0),
                "receivable_amount": Decimal(receivable),
                "payable_amount": Decimal(payable),
            }
            for org, partner, role, sales, fee, receivable, payable in COMMISSION
        ],
        "fct_stock_positions": [
            {
                "stock_position_id": f"position-{number}",
                "organization_id": org,
                "committent_id": committent,
                "is_committent_goods": committent is not None,
                "holder_kind": holder,
                "warehouse_id": warehouse,
                "commissioner_id": commissioner,
                "product_id": 1,
                "quantity": Decimal(qty),
                "cost_value": Decimal(value),
                "last_moved_at": datetime(2024, 3, 5, 10),
            }
            for number, (org, committent, holder, warehouse, commissioner, qty, value) in enumerate(
                STOCK
            )
        ],
    }


@pytest.fixture
def intercompany_warehouse(warehouse: Any) -> Any:
    contracts = _contracts()
    with duckdb.connect(str(warehouse.path)) as con:
        existing = {
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        if "dim_warehouses" not in existing:
            columns = contracts["dim_warehouses"]
            con.execute(
                "create table marts.dim_warehouses ("
                + ", ".join(f"{name} {data_type}" for name, data_type in columns)
                + ")"
            )
            con.execute(
                "insert into marts.dim_warehouses (warehouse_id, warehouse_name) "
                "values (1, 'Основной склад')"
            )
        for table, rows in _rows().items():
            columns = contracts[table]
            con.execute(
                f"create table marts.{table} ("
                + ", ".join(f"{name} {data_type}" for name, data_type in columns)
                + ")"
            )
            names = list(rows[0])
            con.executemany(
                f"insert into marts.{table} ({', '.join(names)}) "
                f"values ({', '.join('?' * len(names))})",
                [[row[name] for name in names] for row in rows],
            )
    return warehouse


def _run(app_path: str) -> AppTest:
    app = AppTest.from_file(app_path, default_timeout=60)
    app.query_params.update({"from": START.isoformat(), "to": END.isoformat()})
    app.run()
    app.switch_page(PAGE).run()
    assert not app.exception, [exception.value for exception in app.exception]
    return app


def _in_period() -> list[tuple]:
    return [row for row in REVENUE if START <= row[1] <= END]


def test_tiles_and_tables_show_the_marts(intercompany_warehouse: Any, app_path: str) -> None:
    app = _run(app_path)

    metrics = {metric.label: metric.value for metric in app.metric}
    external = sum(Decimal(row[2]) - Decimal(row[3]) for row in _in_period())
    intercompany = sum(Decimal(row[3]) for row in _in_period())
    assert metrics["Выручка группы"] == format_compact(external, money=True)
    assert metrics["Исключено межфирменных продаж"] == format_compact(intercompany, money=True)
    assert metrics["Продажи комиссионеров"] == format_compact(Decimal("1320.00"), money=True)
    assert metrics["Долг комиссионеров"] == format_compact(Decimal("1188.00"), money=True)
    assert metrics["Товары у комиссионеров"] == format_compact(Decimal("420.00"), money=True)
    # revenue, settlements, commission, stock: each with CSV and XLSX downloads
    assert len(app.dataframe) == 4
    labels = [button.proto.label for button in app.get("download_button")]
    assert labels == ["CSV", "Excel (XLSX)"] * 4


def test_queries_follow_the_period(intercompany_warehouse: Any) -> None:
    filters = Filters(start=START, end=END)
    revenue = {
        row["organization_id"]: row
        for row in queries.revenue_by_organization(filters).iter_rows(named=True)
    }
    assert revenue[ALFA]["external_revenue"] == Decimal("800.00")
    assert revenue[ALFA]["revenue_as_owner"] == Decimal("1100.00")
    assert revenue[BETA]["external_revenue"] == Decimal("700.00")  # 2022 left out
    settlements = queries.intercompany_settlements(filters)
    balances = dict(
        zip(settlements["organization_name"], settlements["closing_balance"], strict=True)
    )
    assert balances == {"ООО «Альфа»": Decimal("450.00"), "ООО «Бета»": Decimal("-450.00")}
    january = queries.intercompany_settlements(Filters(start=START, end=date(2024, 1, 31)))
    assert sorted(january["closing_balance"].to_list()) == [Decimal(-400), Decimal(400)]
    stock = queries.stock_by_organization_and_holder()
    holders = dict(zip(stock["holder_kind"], stock["holder_name"], strict=False))
    assert holders["commissioner"] == PARTNERS[COMMISSIONER][0]
    assert sorted(stock["cost_value"].to_list()) == [
        Decimal("180.00"),
        Decimal("420.00"),
        Decimal("3600.00"),
    ]


def test_a_warehouse_without_the_marts_says_so(old_warehouse: Any, app_path: str) -> None:
    app = _run(app_path)

    (warning,) = app.warning
    assert warning.value.startswith("В опубликованном хранилище нет витрин: ")
    assert not app.dataframe
