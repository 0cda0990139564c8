"""fct_invoices and fct_invoice_payments on the `small` seeded data (issue 25), checked invoice by
invoice against figures recomputed here with plain sqlite3 and Python from the OLTP rows: live
invoices of live orders dated by the as-of, the payments matched to them by then (a match of a
soft-deleted payment no longer counts), the status, outstanding and overdue amounts, days to pay
and age buckets those give — for the seed's as-of and again a year later. The recomputation
follows fct_invoices.yml, not the mart SQL; amounts compare as exact cents."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import pytest

from tests.e2e.conftest import PublishedFlow
from tests.e2e.test_marts_crosscheck import mart, money, oltp_dicts, timestamp

pytestmark = pytest.mark.e2e


@pytest.fixture(params=["seed as-of", "a year later"])
def pinned_flow(request: pytest.FixtureRequest) -> PublishedFlow:
    if request.param == "seed as-of":
        return request.getfixturevalue("published_flow")
    return request.getfixturevalue("flow_a_year_later")


@dataclass
class Expected:
    status: str
    paid: Decimal
    outstanding: Decimal
    overdue: Decimal
    days_to_pay: int | None
    age_bucket: str | None
    matches: dict[int, Decimal]


def _bucket(age: int) -> str:
    return "0-30" if age <= 30 else "31-60" if age <= 60 else "61-90" if age <= 90 else "90+"


def expected_invoices(flow: PublishedFlow) -> dict[int, Expected]:
    as_of = flow.as_of
    today = as_of.date()
    live_orders = {
        row["id"]
        for row in oltp_dicts(flow.oltp, "select id from customer_orders where deleted_at is null")
    }
    paid_at = {
        row["id"]: timestamp(row["paid_at"])
        for row in oltp_dicts(
            flow.oltp, "select id, paid_at from payments where deleted_at is null"
        )
    }
    matches: dict[int, list[tuple[int, Decimal, dt.datetime]]] = defaultdict(list)
    for row in oltp_dicts(flow.oltp, "select * from invoice_payments where deleted_at is null"):
        if row["payment_id"] in paid_at and timestamp(row["matched_at"]) <= as_of:
            matches[row["invoice_id"]].append(
                (row["payment_id"], money(row["amount"]), paid_at[row["payment_id"]])
            )
    expected = {}
    for row in oltp_dicts(flow.oltp, "select * from invoices where deleted_at is null"):
        issued = dt.date.fromisoformat(row["issued_on"])
        if row["customer_order_id"] not in live_orders or issued > today:
            continue
        amount, due = money(row["amount"]), dt.date.fromisoformat(row["due_date"])
        cancelled = row["status"] == "cancelled"
        found = [] if cancelled else matches[row["id"]]
        paid = sum((value for _, value, _ in found), Decimal(0))
        status = (
            "cancelled"
            if cancelled
            else "paid"
            if paid >= amount
            else "partly_paid"
            if paid > 0
            else "issued"
        )
        outstanding = Decimal(0) if status in ("cancelled", "paid") else amount - paid
        overdue = outstanding if outstanding > 0 and due < today else Decimal(0)
        last_paid = max((moment.date() for _, _, moment in found), default=None)
        expected[row["id"]] = Expected(
            status=status,
            paid=paid,
            outstanding=outstanding,
            overdue=overdue,
            days_to_pay=(last_paid - issued).days if status == "paid" else None,
            age_bucket=_bucket((today - issued).days) if outstanding > 0 else None,
            matches={payment: value for payment, value, _ in found},
        )
    return expected


def test_invoices_reconcile_with_the_oltp_payments(pinned_flow: PublishedFlow) -> None:
    expected = expected_invoices(pinned_flow)
    rows = {row["invoice_id"]: row for row in mart(pinned_flow, "select * from marts.fct_invoices")}
    assert set(rows) == set(expected)
    statuses = {value.status for value in expected.values()}
    assert {"paid", "partly_paid", "issued"} <= statuses
    for invoice_id, want in expected.items():
        row = rows[invoice_id]
        got = (
            row["invoice_status"],
            money(row["paid_amount"]),
            money(row["outstanding_amount"]),
            money(row["overdue_amount"]),
            row["days_to_pay"],
            row["age_bucket"],
        )
        assert got == (
            want.status,
            want.paid,
            want.outstanding,
            want.overdue,
            want.days_to_pay,
            want.age_bucket,
        ), invoice_id
    links: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row in mart(pinned_flow, "select * from marts.fct_invoice_payments"):
        links[row["invoice_id"]][row["payment_id"]] = money(row["matched_amount"])
    assert dict(links) == {
        invoice_id: want.matches for invoice_id, want in expected.items() if want.matches
    }
    # The totals the Orders and debt page shows, from the same rows.
    totals = mart(
        pinned_flow,
        "select sum(paid_amount) as paid, sum(overdue_amount) as overdue from marts.fct_invoices",
    )[0]
    assert money(totals["paid"]) == sum(want.paid for want in expected.values())
    assert money(totals["overdue"]) == sum(want.overdue for want in expected.values())
