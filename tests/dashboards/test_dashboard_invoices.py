"""The invoices section of the Orders and debt page (issue 25) on the fixture warehouse: its
queries against figures recomputed from the fixture's invoices, filters, and the page itself."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from streamlit.testing.v1 import AppTest

from dashboards import queries
from dashboards.queries import Filters
from tests.dashboards.fixture_invoice_marts import INVOICES
from tests.dashboards.fixture_marts import PARTNERS


def test_kpis_sum_the_invoices_of_the_period_without_cancelled_ones(warehouse: Any) -> None:
    live = [invoice for invoice in INVOICES if not invoice.is_cancelled]
    kpis = queries.invoice_kpis(Filters()).row(0, named=True)
    assert kpis["invoices"] == len(live)
    assert Decimal(str(kpis["invoice_amount"])) == sum(i.amount for i in live)
    assert Decimal(str(kpis["paid_amount"])) == sum(i.paid for i in live)
    assert Decimal(str(kpis["overdue_amount"])) == sum(i.outstanding for i in live if i.is_overdue)
    paid = [i for i in live if i.paid_date]
    expected_days = sum((i.paid_date - i.issued).days for i in paid) / len(paid)
    assert kpis["mean_days_to_pay"] == expected_days

    managers_1 = {pid for pid, partner in PARTNERS.items() if partner[1] == 1}
    filtered = queries.invoice_kpis(Filters(manager_ids=(1,))).row(0, named=True)
    assert filtered["invoices"] == sum(1 for i in live if i.partner_id in managers_1)


def test_months_and_ages(warehouse: Any) -> None:
    months = queries.invoices_by_month(Filters())
    expected: dict[Any, Decimal] = defaultdict(Decimal)
    for invoice in INVOICES:
        if not invoice.is_cancelled:
            expected[invoice.issued.replace(day=1)] += invoice.amount
    assert {
        row["month"]: Decimal(str(row["invoice_amount"])) for row in months.iter_rows(named=True)
    } == dict(expected)
    ages = queries.unpaid_invoices_by_age(Filters())
    assert Decimal(str(ages["outstanding_amount"].sum())) == sum(i.outstanding for i in INVOICES)
    assert set(ages["age_bucket"]) == {"90+"}
    open_invoices = queries.unpaid_invoices(Filters())
    assert open_invoices["invoice_number"].to_list() == ["СЧ-000003", "СЧ-000004"]


def test_orders_page_shows_the_invoices_section(warehouse: Any, app_path: str) -> None:
    app = AppTest.from_file(app_path, default_timeout=60).run()
    app.switch_page("app_pages/orders.py").run()
    assert not app.exception, [exception.value for exception in app.exception]
    assert "Счета на оплату" in [header.value for header in app.header]
    assert any(metric.label == "Выставлено счетов на" for metric in app.metric)
