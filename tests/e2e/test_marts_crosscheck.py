"""The claims, events calendar, orders/shipments/payments and GIS exchange marts on the `small`
seeded data, checked figure by figure against numbers recomputed here with plain sqlite3 and
Python straight from the OLTP SQLite file (and, for GIS, from the parsed exchange events in the
build database's raw_gis.exchange_events plus the OLTP counterparties and orders).

The recomputation follows the definitions in DESIGN.md §6 and the marts' .yml descriptions, not
the mart SQL. Counts and amounts must be equal (amounts as Decimal cents), shares and day/hour
figures within 1e-9. The data set and the single pipeline run come from tests/e2e/conftest.py,
which also soft-deletes a few rows and reopens a few resolved claims after seeding.

The clock-dependent figures (overdue interactions, overdue debt and its ageing, payment
punctuality) are checked for the pinned as-of the build used (CRM_AS_OF, the seed's as-of), and
again on the same data rebuilt with the as-of a year later (`flow_a_year_later`).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.e2e.conftest import AS_OF, PublishedFlow

pytestmark = pytest.mark.e2e

CENT = Decimal("0.01")
TOLERANCE = 1e-9


def money(value: object) -> Decimal:
    """An OLTP amount (SQLite returns int or float) as exact cents."""
    return Decimal(str(value)).quantize(CENT)


def timestamp(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def month_of(moment: dt.date) -> dt.date:
    return dt.date(moment.year, moment.month, 1)


def previous_month(month: dt.date) -> dt.date:
    return (month - dt.timedelta(days=1)).replace(day=1)


def close(expected: float | None) -> object:
    return None if expected is None else pytest.approx(expected, abs=TOLERANCE, rel=0)


def oltp_dicts(path: Path, query: str) -> list[dict]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in connection.execute(query)]
    finally:
        connection.close()


def duckdb_dicts(database: Path, query: str) -> list[dict]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        relation = con.sql(query)
        names = relation.columns
        return [dict(zip(names, row, strict=True)) for row in relation.fetchall()]
    finally:
        con.close()


def mart(flow: PublishedFlow, query: str) -> list[dict]:
    return duckdb_dicts(flow.settings.published_database_path, query)


@pytest.fixture(params=["seed as-of", "a year later"])
def pinned_flow(request: pytest.FixtureRequest) -> PublishedFlow:
    """The e2e warehouse built for the seed's as-of, and the same data built a year later."""
    if request.param == "seed as-of":
        return request.getfixturevalue("published_flow")
    return request.getfixturevalue("flow_a_year_later")


def assert_same_keys(expected: Iterable, actual: Iterable, what: str) -> None:
    expected, actual = set(expected), set(actual)
    assert expected == actual, (
        f"{what}: missing in mart {sorted(expected - actual, key=repr)[:5]}, "
        f"unexpected in mart {sorted(actual - expected, key=repr)[:5]}"
    )


# --- claims -------------------------------------------------------------------------------


@dataclass
class Claim:
    id: int
    partner_id: int
    reason_id: int | None
    group_id: int | None
    source: str
    amount: Decimal
    registered_at: dt.datetime
    resolved_at: dt.datetime | None  # only when the claim is resolved now
    satisfied: bool | None


def live_claims(oltp: Path) -> list[Claim]:
    parent_of = {
        row["id"]: row["parent_id"]
        for row in oltp_dicts(
            oltp, "select id, parent_id from claim_reasons where deleted_at is null"
        )
    }
    claims = []
    for row in oltp_dicts(oltp, "select * from claims where deleted_at is null"):
        reason = row["claim_reason_id"]
        parent = parent_of.get(reason)
        # the reporting group: the parent reason, or the reason itself when it is top-level
        group = parent if parent in parent_of else reason
        resolved = row["status"] == "resolved"
        claims.append(
            Claim(
                id=row["id"],
                partner_id=row["partner_id"],
                reason_id=reason,
                group_id=group,
                source=row["source"],
                amount=money(row["claimed_amount"]),
                registered_at=timestamp(row["registered_at"]),
                # a resolved_at left on a reopened claim is not a resolution
                resolved_at=timestamp(row["resolved_at"]) if resolved else None,
                satisfied=(row["result"] == "satisfied") if resolved else None,
            )
        )
    return claims


def test_claim_edge_cases_are_present(published_flow: PublishedFlow) -> None:
    """The data the claim checks run on has the cases they are meant to catch."""
    (counts,) = oltp_dicts(
        published_flow.oltp,
        """
        select sum(deleted_at is not null) as deleted,
               sum(deleted_at is null and status <> 'resolved' and resolved_at is not null)
                   as reopened,
               sum(deleted_at is null and status = 'resolved'
                   and strftime('%Y-%m', registered_at) <> strftime('%Y-%m', resolved_at))
                   as resolved_in_another_month,
               sum(deleted_at is null and claim_reason_id in
                   (select id from claim_reasons where parent_id is not null)) as with_parent
        from claims
        """,
    )
    assert counts["deleted"] >= 5
    assert counts["reopened"] >= 5
    assert counts["resolved_in_another_month"] >= 20
    assert counts["with_parent"] >= 20


def test_claim_satisfaction_matches_the_oltp_claims(published_flow: PublishedFlow) -> None:
    oltp = published_flow.oltp
    manager_of = {
        row["id"]: row["manager_id"]
        for row in oltp_dicts(oltp, "select id, manager_id from partners where deleted_at is null")
    }
    claims = live_claims(oltp)
    groups: dict[tuple, list[Claim]] = defaultdict(list)
    for claim in claims:
        if claim.resolved_at is not None:
            key = (month_of(claim.resolved_at), claim.reason_id, claim.partner_id, claim.source)
            groups[key].append(claim)

    rows = mart(published_flow, "select * from marts.rpt_claim_satisfaction")
    actual = {
        (row["resolved_month"], row["claim_reason_id"], row["partner_id"], row["source"]): row
        for row in rows
    }
    assert len(actual) == len(rows), "the grain is not unique"
    assert_same_keys(groups, actual, "rpt_claim_satisfaction grain")
    for key, members in groups.items():
        row = actual[key]
        satisfied = [claim for claim in members if claim.satisfied]
        days = [(c.resolved_at - c.registered_at).total_seconds() / 86_400 for c in members]
        assert row["parent_claim_reason_id"] == members[0].group_id, key
        assert row["manager_id"] == manager_of.get(members[0].partner_id), key
        assert row["claims_resolved"] == len(members), key
        assert row["claims_satisfied"] == len(satisfied), key
        assert row["satisfied_share"] == close(len(satisfied) / len(members)), key
        assert row["claimed_amount"] == sum(c.amount for c in members), key
        assert row["satisfied_claimed_amount"] == sum((c.amount for c in satisfied), Decimal(0))
        assert row["mean_days_to_resolve"] == close(statistics.fmean(days)), key
        assert row["median_days_to_resolve"] == close(statistics.median(days)), key

    # Rolled up from the mart's rows: per resolution month, per reason group (parent reason)
    # and month, and per reason over all months; weighted means must give the plain mean.
    rollups = {
        "month": lambda c: month_of(c.resolved_at),
        "group and month": lambda c: (c.group_id, month_of(c.resolved_at)),
        "reason": lambda c: c.reason_id,
    }
    row_keys = {
        "month": lambda r: r["resolved_month"],
        "group and month": lambda r: (r["parent_claim_reason_id"], r["resolved_month"]),
        "reason": lambda r: r["claim_reason_id"],
    }
    resolved = [claim for claim in claims if claim.resolved_at is not None]
    for name, key_of in rollups.items():
        expected: dict = defaultdict(list)
        for claim in resolved:
            expected[key_of(claim)].append(claim)
        summed: dict = defaultdict(lambda: [0, 0, Decimal(0), 0.0])
        for row in rows:
            totals = summed[row_keys[name](row)]
            totals[0] += row["claims_resolved"]
            totals[1] += row["claims_satisfied"]
            totals[2] += row["claimed_amount"]
            totals[3] += row["mean_days_to_resolve"] * row["claims_resolved"]
        assert_same_keys(expected, summed, f"claim satisfaction per {name}")
        for key, members in expected.items():
            n_resolved, n_satisfied, amount, day_total = summed[key]
            n_expected_satisfied = sum(1 for claim in members if claim.satisfied)
            assert (n_resolved, n_satisfied) == (len(members), n_expected_satisfied), (name, key)
            assert n_satisfied / n_resolved == close(n_expected_satisfied / len(members))
            assert amount == sum(claim.amount for claim in members), (name, key)
            mean_days = statistics.fmean(
                (c.resolved_at - c.registered_at).total_seconds() / 86_400 for c in members
            )
            assert day_total / n_resolved == pytest.approx(mean_days, abs=1e-6), (name, key)


def test_claim_structure_matches_the_oltp_claims(published_flow: PublishedFlow) -> None:
    claims = live_claims(published_flow.oltp)
    per_reason: dict[tuple, list[Claim]] = defaultdict(list)
    per_group: Counter = Counter()
    per_month: Counter = Counter()
    for claim in claims:
        month = month_of(claim.registered_at)
        per_reason[(month, claim.reason_id)].append(claim)
        per_group[(month, claim.group_id)] += 1
        per_month[month] += 1

    rows = mart(published_flow, "select * from marts.rpt_claim_structure")
    actual = {(row["registered_month"], row["claim_reason_id"]): row for row in rows}
    assert len(actual) == len(rows), "the grain is not unique"
    assert_same_keys(per_reason, actual, "rpt_claim_structure grain")
    for (month, reason), members in per_reason.items():
        row = actual[(month, reason)]
        group = members[0].group_id
        previous = len(per_reason.get((previous_month(month), reason), []))
        assert row["parent_claim_reason_id"] == group
        assert row["claims_registered"] == len(members), (month, reason)
        assert row["claims_in_month"] == per_month[month], month
        assert row["share_of_month"] == close(len(members) / per_month[month])
        assert row["parent_claims_registered"] == per_group[(month, group)], (month, group)
        assert row["parent_share_of_month"] == close(per_group[(month, group)] / per_month[month])
        assert row["claims_registered_previous_month"] == previous, (month, reason)
        assert row["change_from_previous_month"] == len(members) - previous
        assert row["claimed_amount"] == sum(claim.amount for claim in members), (month, reason)
    assert sum(row["claims_registered"] for row in rows) == len(claims)


# --- events calendar ----------------------------------------------------------------------


def test_events_calendar_matches_the_oltp_interactions(pinned_flow: PublishedFlow) -> None:
    interactions = oltp_dicts(
        pinned_flow.oltp,
        "select responsible_id, planned_at, status, is_reviewed from interactions "
        "where deleted_at is null",
    )
    names = ["total", "planned", "done", "cancelled", "unreviewed", "overdue"]
    expected: dict[tuple, Counter] = defaultdict(Counter)
    for item in interactions:
        planned_at = timestamp(item["planned_at"])
        counts = expected[(item["responsible_id"], planned_at.date())]
        counts["total"] += 1
        counts[item["status"]] += 1
        counts["unreviewed"] += item["status"] != "cancelled" and not item["is_reviewed"]
        # overdue = still planned and planned_at before the as-of the build was pinned to
        counts["overdue"] += item["status"] == "planned" and planned_at < pinned_flow.as_of

    rows = mart(pinned_flow, "select * from marts.rpt_events_calendar")
    actual = {(row["responsible_user_id"], row["planned_date"]): row for row in rows}
    assert len(actual) == len(rows)
    assert_same_keys(expected, actual, "rpt_events_calendar grain")
    totals: Counter = Counter()
    for key, counts in expected.items():
        row = actual[key]
        assert row["interactions_total"] == counts["total"], key
        assert row["interactions_planned"] == counts["planned"], key
        assert row["interactions_done"] == counts["done"], key
        assert row["interactions_cancelled"] == counts["cancelled"], key
        assert row["interactions_unreviewed"] == counts["unreviewed"], key
        assert row["interactions_overdue"] == counts["overdue"], key
        totals.update({name: counts[name] for name in names})

    # The totals, per user and overall, from the mart's rows against the OLTP rows.
    (overall,) = mart(
        pinned_flow,
        """
        select sum(interactions_total) as total, sum(interactions_planned) as planned,
               sum(interactions_done) as done, sum(interactions_cancelled) as cancelled,
               sum(interactions_unreviewed) as unreviewed, sum(interactions_overdue) as overdue
        from marts.rpt_events_calendar
        """,
    )
    assert overall["total"] == len(interactions) == totals["total"] > 10_000
    for name in ["planned", "done", "cancelled", "unreviewed", "overdue"]:
        assert overall[name] == totals[name] > 0, name
    if pinned_flow.as_of.date() == AS_OF:
        # Interactions planned after the seed's as-of exist: the as-of decides what is overdue.
        assert totals["overdue"] < totals["planned"]
    per_user = Counter()
    for item in interactions:
        per_user[item["responsible_id"]] += item["status"] == "done"
    mart_per_user = {
        row["user_id"]: row["done"]
        for row in mart(
            pinned_flow,
            "select responsible_user_id as user_id, sum(interactions_done) as done "
            "from marts.rpt_events_calendar group by 1",
        )
    }
    assert mart_per_user == dict(per_user)


# --- orders, shipments, payments ----------------------------------------------------------


# The order statuses whose shipments and payments count in debt (fct_orders' description).
DEBT_STATUSES = {"approved", "to_ship", "shipped", "closed"}


@dataclass
class Order:
    id: int
    partner_id: int
    status: str
    planned_shipment_date: dt.date | None
    shipments: list[dict] = field(default_factory=list)
    payments: list[dict] = field(default_factory=list)
    schedule: list[dict] = field(default_factory=list)
    # amounts of the live lines of its received return requests (goods back)
    returned: list[Decimal] = field(default_factory=list)


def live_orders(oltp: Path) -> dict[int, Order]:
    orders = {
        row["id"]: Order(
            row["id"],
            row["partner_id"],
            row["status"],
            None
            if row["planned_shipment_date"] is None
            else dt.date.fromisoformat(row["planned_shipment_date"]),
        )
        for row in oltp_dicts(oltp, "select * from customer_orders where deleted_at is null")
    }
    for table, attribute in [
        ("shipments", "shipments"),
        ("payments", "payments"),
        ("payment_schedule_items", "schedule"),
    ]:
        for row in oltp_dicts(oltp, f"select * from {table} where deleted_at is null"):
            order = orders.get(row["customer_order_id"])
            if order is not None:  # rows of a deleted order go with it
                getattr(order, attribute).append(row)
    for row in oltp_dicts(
        oltp,
        "select requests.customer_order_id, lines.amount from return_request_lines as lines "
        "join return_requests as requests on requests.id = lines.return_request_id "
        "where requests.status = 'received' and requests.deleted_at is null "
        "and lines.deleted_at is null",
    ):
        order = orders.get(row["customer_order_id"])
        if order is not None:
            order.returned.append(money(row["amount"]))
    return orders


@dataclass
class ScheduleItem:
    order_id: int
    due_date: dt.date
    amount: Decimal
    outstanding: Decimal
    settled_at: dt.datetime | None
    days_overdue: int


def allocate_fifo(order: Order, as_of: dt.datetime) -> list[ScheduleItem]:
    """Payments up to `as_of`, oldest first, cover the schedule items in due order."""
    payments = sorted(
        (timestamp(p["paid_at"]), p["id"], money(p["amount"]))
        for p in order.payments
        if timestamp(p["paid_at"]) <= as_of
    )
    items = sorted(
        (dt.date.fromisoformat(s["due_date"]), s["id"], money(s["amount"])) for s in order.schedule
    )
    available = sum((amount for _, _, amount in payments), Decimal(0))
    allocated_items = []
    scheduled_so_far = Decimal(0)
    for due_date, _, amount in items:
        covered = min(amount, max(available, Decimal(0)))
        available -= covered
        scheduled_so_far += amount
        settled_at = None
        paid_so_far = Decimal(0)
        for paid_at, _, paid in payments:
            paid_so_far += paid
            if paid_so_far >= scheduled_so_far:
                settled_at = paid_at
                break
        outstanding = amount - covered
        late = outstanding > 0 and due_date < as_of.date()
        days = (as_of.date() - due_date).days if late else 0
        allocated_items.append(
            ScheduleItem(order.id, due_date, amount, outstanding, settled_at, days)
        )
    return allocated_items


def ageing_bucket(days: int) -> str:
    if days <= 30:
        return "0-30"
    if days <= 60:
        return "31-60"
    if days <= 90:
        return "61-90"
    return "90+"


def as_of_of(flow: PublishedFlow) -> dt.datetime:
    """The as-of the marts used: the pinned one, which is also the date they report."""
    dates = mart(flow, "select distinct as_of_date from marts.rpt_debt_ageing")
    assert dates == [{"as_of_date": flow.as_of.date()}]
    return flow.as_of


@dataclass
class OrderDebt:
    """An order's debt figures by the rules in fct_orders' description, computed by hand."""

    shipped: Decimal
    paid: Decimal
    debt: Decimal
    prepayment: Decimal
    overdue_payment: Decimal
    overdue_debt: Decimal
    # (days overdue, overdue debt on the item) for each schedule item carrying overdue debt
    aged: list[tuple[int, Decimal]]


def order_debt(order: Order, as_of: dt.datetime) -> OrderDebt:
    shipped = sum((money(s["amount"]) for s in order.shipments), Decimal(0))
    paid = sum((money(p["amount"]) for p in order.payments), Decimal(0))
    if order.status not in DEBT_STATUSES:
        return OrderDebt(shipped, paid, *(Decimal(0),) * 4, [])
    # Goods received back are no longer owed for (1C: Возврат товаров от клиента); a return
    # approved but not yet received still is.
    kept = shipped - sum(order.returned, Decimal(0))
    debt = max(kept - paid, Decimal(0))
    prepayment = max(paid - kept, Decimal(0))
    # The debt is the shipped, unpaid part: it falls on the earliest uncovered items first, so
    # their past-due parts, oldest first, carry it until it is used up.
    overdue_payment = Decimal(0)
    debt_left = debt
    aged = []
    for item in allocate_fifo(order, as_of):  # in due order
        if item.days_overdue > 0:
            overdue_payment += item.outstanding
            part = min(item.outstanding, debt_left)
            debt_left -= part
            if part > 0:
                aged.append((item.days_overdue, part))
    overdue_debt = sum((part for _, part in aged), Decimal(0))
    return OrderDebt(shipped, paid, debt, prepayment, overdue_payment, overdue_debt, aged)


def test_debt_is_settled_by_order(pinned_flow: PublishedFlow) -> None:
    as_of = as_of_of(pinned_flow)
    orders = live_orders(pinned_flow.oltp)
    expected = {order.id: order_debt(order, as_of) for order in orders.values()}
    rows = mart(
        pinned_flow,
        "select order_id, partner_id, shipped_amount, paid_amount, debt_amount, "
        "prepayment_amount, overdue_amount, overdue_payment_amount from marts.fct_orders",
    )
    actual = {row["order_id"]: row for row in rows}
    assert_same_keys(expected, actual, "fct_orders grain")
    for order_id, figures in expected.items():
        row = actual[order_id]
        assert row["partner_id"] == orders[order_id].partner_id, order_id
        assert (row["shipped_amount"], row["paid_amount"]) == (figures.shipped, figures.paid)
        assert row["debt_amount"] == figures.debt, order_id
        assert row["prepayment_amount"] == figures.prepayment, order_id
        assert row["overdue_amount"] == figures.overdue_debt, order_id
        assert row["overdue_payment_amount"] == figures.overdue_payment, order_id

    # Per partner and in total: overdue debt never above debt; a prepayment on one order does
    # not net another order's debt.
    per_partner: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 4)
    for order_id, figures in expected.items():
        totals = per_partner[orders[order_id].partner_id]
        for index, value in enumerate(
            (figures.debt, figures.prepayment, figures.overdue_debt, figures.overdue_payment)
        ):
            totals[index] += value
    summed = mart(
        pinned_flow,
        "select partner_id, sum(debt_amount) as debt, sum(prepayment_amount) as prepayment, "
        "sum(overdue_amount) as overdue, sum(overdue_payment_amount) as overdue_payment "
        "from marts.fct_orders group by 1",
    )
    assert {
        row["partner_id"]: [row["debt"], row["prepayment"], row["overdue"], row["overdue_payment"]]
        for row in summed
    } == dict(per_partner)
    assert all(overdue <= debt for debt, _, overdue, _ in per_partner.values())
    total_debt = sum(totals[0] for totals in per_partner.values())
    total_overdue = sum(totals[2] for totals in per_partner.values())
    assert 0 < total_overdue <= total_debt

    # The cases the rules are about are in the data, so the checks above decide something.
    counted = [f for order_id, f in expected.items() if orders[order_id].status in DEBT_STATUSES]
    left_out = [
        order
        for order in orders.values()
        if order.status not in DEBT_STATUSES
        and any(i.days_overdue for i in allocate_fifo(order, as_of))
    ]
    assert left_out, "orders outside the debt statuses with past-due schedule items"
    assert any(f.overdue_payment > f.overdue_debt for f in counted), "overdue payments beyond debt"
    assert any(f.overdue_debt > 0 for f in counted)
    assert any(f.prepayment > 0 for f in counted)
    partners_with_both = {
        orders[order_id].partner_id for order_id, f in expected.items() if f.prepayment > 0
    } & {orders[order_id].partner_id for order_id, f in expected.items() if f.debt > 0}
    assert partners_with_both, "a partner with a prepayment on one order and debt on another"


def test_shipments_and_payments_facts_add_up_per_partner(published_flow: PublishedFlow) -> None:
    """The shipment and payment facts give the per-partner shipped and paid figures of
    fct_orders (a payment carries its own partner)."""
    orders = live_orders(published_flow.oltp)
    shipment_facts: Counter = Counter()
    payment_facts: Counter = Counter()
    for order in orders.values():
        for shipment in order.shipments:
            shipment_facts[order.partner_id] += money(shipment["amount"])
        for payment in order.payments:
            payment_facts[payment["partner_id"]] += money(payment["amount"])
    for table, column, expected in [
        ("fct_shipments", "shipped_amount", shipment_facts),
        ("fct_payments", "paid_amount", payment_facts),
    ]:
        facts = mart(
            published_flow,
            f"select partner_id, sum({column}) as amount from marts.{table} group by 1",
        )
        assert {row["partner_id"]: row["amount"] for row in facts} == dict(expected), table
    assert shipment_facts != payment_facts


def test_overdue_debt_ageing_matches_fifo_allocation(pinned_flow: PublishedFlow) -> None:
    as_of = as_of_of(pinned_flow)
    orders = live_orders(pinned_flow.oltp)
    buckets: dict[tuple, dict] = defaultdict(
        lambda: {"items": 0, "orders": set(), "amount": Decimal(0), "max_days": 0}
    )
    overdue_per_partner: Counter = Counter()
    for order in orders.values():
        figures = order_debt(order, as_of)
        overdue_per_partner[order.partner_id] += figures.overdue_debt
        for days, part in figures.aged:
            bucket = buckets[(order.partner_id, ageing_bucket(days))]
            bucket["items"] += 1
            bucket["orders"].add(order.id)
            bucket["amount"] += part
            bucket["max_days"] = max(bucket["max_days"], days)

    rows = mart(pinned_flow, "select * from marts.rpt_debt_ageing")
    actual = {(row["partner_id"], row["ageing_bucket"]): row for row in rows}
    assert len(actual) == len(rows)
    assert_same_keys(buckets, actual, "rpt_debt_ageing grain")
    for key, bucket in buckets.items():
        row = actual[key]
        assert row["overdue_items"] == bucket["items"], key
        assert row["overdue_orders"] == len(bucket["orders"]), key
        assert row["overdue_amount"] == bucket["amount"], key
        assert row["max_days_overdue"] == bucket["max_days"], key
    if as_of.date() == AS_OF:
        assert len({bucket for _, bucket in buckets}) >= 2, "the data should span several buckets"

    # Per partner the buckets add up to the overdue debt of fct_orders.
    aged: Counter = Counter()
    for row in rows:
        aged[row["partner_id"]] += row["overdue_amount"]
    assert aged == +overdue_per_partner


def test_a_moved_as_of_rebuilt_only_what_moves_with_it(
    published_flow: PublishedFlow, flow_a_year_later: PublishedFlow
) -> None:
    """The year-later warehouse came from an incremental run: no source changed, the as-of did;
    the ledger says so, and its overdue figures moved (older debt, more of it overdue)."""
    builds = duckdb_dicts(
        flow_a_year_later.settings.build_database_path,
        "select changed_sources, as_of from meta.dbt_builds order by finished_at",
    )
    assert [build["as_of"] for build in builds] == [published_flow.as_of, flow_a_year_later.as_of]
    assert builds[-1]["changed_sources"] == ""  # incremental: nothing changed but the as-of

    def overdue(flow: PublishedFlow) -> dict:
        (row,) = mart(
            flow,
            "select sum(overdue_amount) as overdue, sum(debt_amount) as debt, "
            "(select max(max_days_overdue) from marts.rpt_debt_ageing) as oldest "
            "from marts.fct_orders",
        )
        return row

    before, after = overdue(published_flow), overdue(flow_a_year_later)
    assert after["debt"] == before["debt"]  # shipped and paid did not change
    assert after["overdue"] > before["overdue"]
    assert after["oldest"] == before["oldest"] + 365


def test_on_time_shipment_and_payment_shares(pinned_flow: PublishedFlow) -> None:
    as_of = as_of_of(pinned_flow)
    orders = live_orders(pinned_flow.oltp)
    shipped_on_time: dict[int, bool | None] = {}
    paid_on_time: dict[int, bool | None] = {}
    shipments_on_time: dict[int, bool | None] = {}
    for order in orders.values():
        planned = order.planned_shipment_date
        last = max((timestamp(s["shipped_at"]).date() for s in order.shipments), default=None)
        shipped_on_time[order.id] = None if planned is None or last is None else last <= planned
        for shipment in order.shipments:
            shipped = timestamp(shipment["shipped_at"]).date()
            shipments_on_time[shipment["id"]] = None if planned is None else shipped <= planned
        items = allocate_fifo(order, as_of)
        if not items:
            paid_on_time[order.id] = None
        elif any(
            (i.settled_at is not None and i.settled_at.date() > i.due_date)
            or (i.settled_at is None and i.days_overdue > 0)
            for i in items
        ):
            paid_on_time[order.id] = False
        elif all(item.settled_at is not None for item in items):
            paid_on_time[order.id] = True
        else:
            paid_on_time[order.id] = None

    rows = mart(
        pinned_flow, "select order_id, is_shipped_on_time, is_paid_on_time from marts.fct_orders"
    )
    assert {row["order_id"]: row["is_shipped_on_time"] for row in rows} == shipped_on_time
    assert {row["order_id"]: row["is_paid_on_time"] for row in rows} == paid_on_time
    facts = mart(pinned_flow, "select shipment_id, is_on_time from marts.fct_shipments")
    assert {row["shipment_id"]: row["is_on_time"] for row in facts} == shipments_on_time

    def share(flags: Iterable[bool | None]) -> float:
        known = [flag for flag in flags if flag is not None]
        return sum(known) / len(known)

    (shares,) = mart(
        pinned_flow,
        """
        select avg(case when is_shipped_on_time then 1.0 else 0.0 end)
                   filter (where is_shipped_on_time is not null) as orders_shipped_on_time,
               avg(case when is_paid_on_time then 1.0 else 0.0 end)
                   filter (where is_paid_on_time is not null) as orders_paid_on_time,
               (select avg(case when is_on_time then 1.0 else 0.0 end)
                from marts.fct_shipments where is_on_time is not null) as shipments_on_time
        from marts.fct_orders
        """,
    )
    expected_shares = {
        "orders_shipped_on_time": share(shipped_on_time.values()),
        "orders_paid_on_time": share(paid_on_time.values()),
        "shipments_on_time": share(shipments_on_time.values()),
    }
    for name, expected in expected_shares.items():
        assert 0 < expected < 1, name
        assert float(shares[name]) == close(expected), name


def test_revenue_and_margin_per_business_region(published_flow: PublishedFlow) -> None:
    oltp = published_flow.oltp
    region_of = {
        row["id"]: row["business_region_id"]
        for row in oltp_dicts(
            oltp, "select id, business_region_id from partners where deleted_at is null"
        )
    }
    region_names = {
        row["id"]: row["name"]
        for row in oltp_dicts(
            oltp, "select id, name from business_regions where deleted_at is null"
        )
    }
    expected: dict[tuple, dict] = defaultdict(
        lambda: {
            "shipments": 0,
            "orders": set(),
            "revenue": Decimal(0),
            "cost": Decimal(0),
            "returns": set(),
            "returned": Decimal(0),
        }
    )
    orders = live_orders(oltp)
    for order in orders.values():
        for shipment in order.shipments:
            month = month_of(timestamp(shipment["shipped_at"]))
            cell = expected[(region_of.get(order.partner_id), month)]
            cell["shipments"] += 1
            cell["orders"].add(order.id)
            cell["revenue"] += money(shipment["amount"])
            cell["cost"] += money(shipment["cost_amount"])
    # Only received returns (goods back) reduce revenue, in the month they were received.
    received = oltp_dicts(
        oltp,
        "select requests.id, requests.partner_id, requests.received_at, lines.amount "
        "from return_request_lines as lines "
        "join return_requests as requests on requests.id = lines.return_request_id "
        "where requests.status = 'received' and requests.deleted_at is null "
        "and lines.deleted_at is null",
    )
    assert received, "the seed has received returns"
    for line in received:
        cell = expected[
            (region_of.get(line["partner_id"]), month_of(timestamp(line["received_at"])))
        ]
        cell["returns"].add(line["id"])
        cell["returned"] += money(line["amount"])

    rows = mart(published_flow, "select * from marts.rpt_region_revenue")
    actual = {(row["business_region_id"], row["revenue_month"]): row for row in rows}
    assert len(actual) == len(rows)
    assert_same_keys(expected, actual, "rpt_region_revenue grain")
    for key, cell in expected.items():
        row = actual[key]
        margin = cell["revenue"] - cell["cost"]
        assert row["business_region_name"] == region_names.get(key[0]), key
        assert row["shipment_count"] == cell["shipments"], key
        assert row["order_count"] == len(cell["orders"]), key
        assert row["revenue_amount"] == cell["revenue"], key
        assert row["cost_amount"] == cell["cost"], key
        assert row["margin_amount"] == margin, key
        expected_share = float(margin / cell["revenue"]) if cell["revenue"] > 0 else None
        assert row["margin_share"] == close(expected_share), key
        assert row["return_count"] == len(cell["returns"]), key
        assert row["returns_amount"] == cell["returned"], key
        assert row["net_revenue_amount"] == cell["revenue"] - cell["returned"], key

    # Per region over all months, the margin share from the summed amounts.
    per_region: dict = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for (region, _), cell in expected.items():
        per_region[region][0] += cell["revenue"]
        per_region[region][1] += cell["cost"]
    summed = mart(
        published_flow,
        "select business_region_id as region, sum(revenue_amount) as revenue, "
        "sum(margin_amount) as margin from marts.rpt_region_revenue group by 1",
    )
    assert len(summed) == len(per_region) >= 5
    for row in summed:
        revenue, cost = per_region[row["region"]]
        assert (row["revenue"], row["margin"]) == (revenue, revenue - cost), row["region"]
        if revenue:
            assert float(row["margin"] / row["revenue"]) == close(float((revenue - cost) / revenue))


# --- GIS exchange health ------------------------------------------------------------------


@dataclass
class GisDocument:
    system: str
    document_id: str
    events: list[dict]

    @property
    def first(self) -> dict:
        return self.events[0]

    @property
    def latest(self) -> dict:
        return self.events[-1]


def gis_documents(flow: PublishedFlow) -> dict[tuple[str, str], GisDocument]:
    """Documents from the parsed exchange events (the parsers' output, before any dbt model),
    events in time order (event_at, then position in the file, then file)."""
    events = duckdb_dicts(
        flow.settings.build_database_path, "select * from raw_gis.exchange_events"
    )
    # One document per ЕГАИС waybill: the Identity a WayBill_v4 is keyed by becomes the WBRegId
    # that its registration or tickets name beside it (related_document_id).
    registration_of = {}
    for event in events:
        related = event["related_document_id"]
        if event["system"] == "egais" and related and related != event["document_id"]:
            registration_of[related] = min(
                registration_of.get(related, event["document_id"]), event["document_id"]
            )
    documents: dict[tuple[str, str], GisDocument] = {}
    for event in sorted(events, key=lambda e: (e["event_at"], e["source_file"], e["source_line"])):
        document_id = event["document_id"]
        if event["system"] == "egais":
            document_id = registration_of.get(document_id, document_id)
        key = (event["system"], document_id)
        document = documents.setdefault(key, GisDocument(*key, []))
        # A vet document returned by several responses: one event per (uuid, status).
        if event["document_type"].startswith("VetDocument:") and any(
            e["status"] == event["status"] for e in document.events
        ):
            continue
        document.events.append(event)
    for document in documents.values():
        document.events.sort(key=lambda e: (e["event_at"], e["source_line"] or 0, e["source_file"]))
    return documents


def document_figures(flow: PublishedFlow) -> dict[tuple[str, str], dict]:
    """Per document: the submission (first event) gives its type, counterparty and reference;
    the latest event gives its status; partner via the ИНН's earliest live counterparty; order
    where the reference is a live order's number."""
    oltp = flow.oltp
    partner_of_inn: dict[str, int] = {}
    for row in oltp_dicts(
        oltp,
        "select inn, partner_id from counterparties where deleted_at is null "
        "order by created_at desc, id desc",
    ):
        partner_of_inn[row["inn"]] = row["partner_id"]  # the earliest one is written last
    order_of_number = {
        row["number"]: row["id"]
        for row in oltp_dicts(
            oltp, "select id, number from customer_orders where deleted_at is null"
        )
    }
    figures = {}
    for key, document in gis_documents(flow).items():
        first, latest = document.first, document.latest
        accepted = [e["event_at"] for e in document.events if e["status_group"] == "accepted"]
        groups = Counter(e["status_group"] for e in document.events)
        figures[key] = {
            "document_type": first["document_type"],
            "direction": first["direction"],
            "reference": first["reference"],
            "partner_id": partner_of_inn.get(first["counterparty_inn"]),
            "order_id": order_of_number.get(first["reference"]),
            "latest_status": latest["status"],
            "latest_status_group": latest["status_group"],
            "is_open": latest["status_group"] in ("processing", "error"),
            "event_count": len(document.events),
            "error_event_count": groups["error"],
            "rejected_event_count": groups["rejected"],
            "first_event_date": first["event_at"].date(),
            "hours_to_acceptance": (
                (min(accepted) - first["event_at"]).total_seconds() / 3600 if accepted else None
            ),
        }
    return figures


def test_gis_documents_link_to_partners_and_orders(published_flow: PublishedFlow) -> None:
    expected = document_figures(published_flow)
    rows = mart(published_flow, "select * from marts.fct_gis_documents")
    actual = {(row["system"], row["document_id"]): row for row in rows}
    assert len(actual) == len(rows)
    assert_same_keys(expected, actual, "fct_gis_documents grain")
    for key, figures in expected.items():
        row = actual[key]
        for name, value in figures.items():
            if name == "hours_to_acceptance":
                assert row[name] == close(value), (key, name)
            else:
                assert row[name] == value, (key, name)
    linked_to_partner = sum(1 for figures in expected.values() if figures["partner_id"])
    with_reference = sum(1 for figures in expected.values() if figures["reference"])
    assert linked_to_partner > len(expected) / 2
    assert with_reference > len(expected) / 2
    # The seed references order numbers: most documents link to one of our orders.
    linked_orders = sum(1 for row in rows if row["order_id"] is not None)
    assert linked_orders == sum(
        1 for figures in expected.values() if figures["order_id"] is not None
    )
    assert linked_orders > len(expected) / 2


def test_gis_exchange_daily_matches_the_parsed_events(published_flow: PublishedFlow) -> None:
    documents = document_figures(published_flow)
    cells: dict[tuple, list[dict]] = defaultdict(list)
    days: dict[tuple, list[dict]] = defaultdict(list)
    for (system, _), figures in documents.items():
        day = (system, figures["document_type"], figures["first_event_date"])
        days[day].append(figures)
        cells[(*day, figures["latest_status_group"])].append(figures)

    rows = mart(published_flow, "select * from marts.rpt_gis_exchange_daily")
    actual = {
        (row["system"], row["document_type"], row["exchange_date"], row["status_group"]): row
        for row in rows
    }
    assert len(actual) == len(rows)
    assert_same_keys(cells, actual, "rpt_gis_exchange_daily grain")
    for key, members in cells.items():
        row = actual[key]
        day = days[key[:3]]
        groups = Counter(figures["latest_status_group"] for figures in day)
        hours = [f["hours_to_acceptance"] for f in members if f["hours_to_acceptance"] is not None]
        assert row["documents"] == len(members), key
        assert row["documents_in_day"] == len(day), key
        assert row["rejection_rate"] == close(groups["rejected"] / len(day)), key
        assert row["error_rate"] == close(groups["error"] / len(day)), key
        assert row["open_backlog_documents"] == groups["processing"] + groups["error"], key
        assert row["mean_hours_to_acceptance"] == close(statistics.fmean(hours) if hours else None)

    # Per system and type over all days: documents, rejected, in error and open.
    totals: dict = defaultdict(Counter)
    for (system, _), figures in documents.items():
        totals[(system, figures["document_type"])][figures["latest_status_group"]] += 1
    summed = mart(
        published_flow,
        """
        select system, document_type, status_group, sum(documents) as documents
        from marts.rpt_gis_exchange_daily group by all
        """,
    )
    assert {
        (row["system"], row["document_type"], row["status_group"]): row["documents"]
        for row in summed
    } == {
        (*key, group): count for key, counter in totals.items() for group, count in counter.items()
    }
    assert {group for counter in totals.values() for group in counter} == {
        "accepted",
        "rejected",
        "processing",
        "error",
    }


def test_gis_error_codes_match_the_parsed_events(published_flow: PublishedFlow) -> None:
    events = duckdb_dicts(
        published_flow.settings.build_database_path,
        "select system, document_id, error_code, event_at from raw_gis.exchange_events "
        "where error_code is not null",
    )
    per_code: dict[tuple, dict] = defaultdict(lambda: {"events": 0, "documents": set(), "at": []})
    for event in events:
        cell = per_code[(event["system"], event["error_code"])]
        cell["events"] += 1
        cell["documents"].add(event["document_id"])
        cell["at"].append(event["event_at"])
    rows = mart(published_flow, "select * from marts.rpt_gis_error_codes")
    actual = {(row["system"], row["error_code"]): row for row in rows}
    assert_same_keys(per_code, actual, "rpt_gis_error_codes grain")
    assert len(per_code) >= 2
    for (system, code), cell in per_code.items():
        row = actual[(system, code)]
        rivals = [
            other
            for (other_system, _), other in per_code.items()
            if other_system == system
            and (other["events"], len(other["documents"]))
            > (cell["events"], len(cell["documents"]))
        ]
        assert row["error_events"] == cell["events"], code
        assert row["documents_affected"] == len(cell["documents"]), code
        assert row["rank_in_system"] == len(rivals) + 1, code
        assert (row["first_seen_at"], row["last_seen_at"]) == (min(cell["at"]), max(cell["at"]))
