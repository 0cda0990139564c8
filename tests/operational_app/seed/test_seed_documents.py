"""The seeded entry model: documents and interactions agree with the deals and each other."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from operational_app.seed import Scale, seed_database
from operational_app.seed.entry_model import ENTRY_MODEL_TABLES

AS_OF = dt.date(2026, 11, 26)
SMALLISH = Scale(deals=5_000, partners=400, managers=6, operators=2)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    url = f"sqlite:///{tmp_path_factory.mktemp('docs') / 'seed.db'}"
    seed_database(url, SMALLISH, seed=11, as_of=AS_OF)
    engine = create_engine(url)
    yield engine
    engine.dispose()


def _one(engine: Engine, sql: str) -> object:
    with engine.connect() as connection:
        return connection.execute(text(sql)).scalar_one()


def _rows(engine: Engine, sql: str) -> list:
    with engine.connect() as connection:
        return connection.execute(text(sql)).all()


def test_every_entry_table_is_filled_and_foreign_keys_hold(seeded: Engine) -> None:
    for table in ENTRY_MODEL_TABLES:
        assert _one(seeded, f"select count(*) from {table}") > 0, table
    assert _rows(seeded, "pragma foreign_key_check") == []
    gis = dict(_rows(seeded, "select gis_system, count(*) from products group by 1"))
    assert {"egais", "vetis", "gismt", None} <= set(gis)


def test_orders_follow_won_deals_and_accepted_offers(seeded: Engine) -> None:
    assert (
        _rows(
            seeded,
            "select o.id from customer_orders o join deals d on d.id = o.deal_id "
            "where d.status <> 'won' or o.ordered_at < d.closed_at",
        )
        == []
    )
    assert (
        _rows(
            seeded,
            "select o.id from customer_orders o join commercial_offers c "
            "on c.id = o.commercial_offer_id "
            "where c.status <> 'accepted' or c.deal_id <> o.deal_id",
        )
        == []
    )
    # Offers only for deals that entered the КП stage; most won deals' offers are accepted.
    assert (
        _rows(
            seeded,
            "select c.id from commercial_offers c where not exists (select 1 from "
            "deal_stage_history h join sales_stages s on s.id = h.stage_id where h.deal_id = "
            "c.deal_id and s.name = 'Коммерческое предложение' and not h.was_skipped)",
        )
        == []
    )
    accepted, won_offers = _rows(
        seeded,
        "select sum(c.status = 'accepted'), count(*) from commercial_offers c "
        "join deals d on d.id = c.deal_id where d.status = 'won'",
    )[0]
    assert accepted / won_offers > 0.8
    totals = _rows(
        seeded,
        "select o.total_amount, sum(l.amount) from customer_orders o join "
        "customer_order_lines l on l.customer_order_id = o.id group by o.id",
    )
    assert all(abs(float(a) - float(b)) < 0.05 for a, b in totals)
    approval = _rows(
        seeded,
        "select count(*) from customer_orders where requires_approval and status <> "
        "'on_approval' and status <> 'cancelled' and (approved_by_id is null or approved_at "
        "is null or approved_at < ordered_at)",
    )
    assert approval == [(0,)]


def test_shipments_and_payments_are_bounded(seeded: Engine) -> None:
    assert (
        _rows(
            seeded,
            "select l.id from customer_order_lines l left join (select customer_order_line_id, "
            "sum(quantity) as q from shipment_lines group by 1) s "
            "on s.customer_order_line_id = l.id "
            "where l.shipped_quantity <> coalesce(s.q, 0) or l.shipped_quantity > l.quantity "
            "or l.reserved_quantity + l.shipped_quantity > l.quantity",
        )
        == []
    )
    assert (
        _rows(
            seeded,
            "select s.id from shipments s join customer_orders o on o.id = s.customer_order_id "
            "where s.shipped_at < o.ordered_at or o.status in ('on_approval', 'cancelled')",
        )
        == []
    )
    # Paid never exceeds the order total; debt (shipped - paid) is negative only for prepaid
    # orders.
    rows = _rows(
        seeded,
        "select o.id, o.total_amount, coalesce((select sum(amount) from shipments where "
        "customer_order_id = o.id), 0), coalesce((select sum(amount) from payments where "
        "customer_order_id = o.id), 0), exists(select 1 from payment_schedule_items where "
        "customer_order_id = o.id and kind = 'prepayment') from customer_orders o",
    )
    for _, total, shipped, paid, prepaid in rows:
        assert float(paid) <= float(total) + 0.01
        assert float(shipped) <= float(total) + 0.05
        assert float(shipped) - float(paid) >= -0.01 or prepaid
    debtors = sum(1 for _, _, shipped, paid, _ in rows if float(shipped) - float(paid) > 1)
    late = _one(
        seeded,
        "select count(*) from shipments s join customer_orders o on o.id = s.customer_order_id "
        "where date(s.shipped_at) > o.planned_shipment_date",
    )
    partial = _one(
        seeded,
        "select count(*) from customer_order_lines where shipped_quantity between 1 and "
        "quantity - 1",
    )
    assert debtors > 0 and late > 0 and partial > 0


def test_claims_follow_their_shipment(seeded: Engine) -> None:
    assert (
        _rows(
            seeded,
            "select c.id from claims c join shipments s on s.id = c.shipment_id where "
            "c.registered_at < s.shipped_at or c.customer_order_id <> s.customer_order_id or "
            "c.partner_id <> "
            "(select partner_id from customer_orders where id = s.customer_order_id)",
        )
        == []
    )
    assert (
        _rows(
            seeded,
            "select c.id from claims c join claim_reasons r on r.id = c.claim_reason_id "
            "where r.parent_id is null",
        )
        == []
    )
    resolved, satisfied = _rows(
        seeded, "select sum(status = 'resolved'), sum(result = 'satisfied') from claims"
    )[0]
    assert 0.3 < satisfied / resolved < 0.85
    assert (
        _rows(
            seeded,
            "select t.id from claim_tasks t join claims c on c.id = t.claim_id where "
            "(c.status = 'resolved' and t.status <> 'done') or t.done_at > coalesce(c.resolved_at, "
            "'9999-12-31') or t.done_at < c.registered_at",
        )
        == []
    )


def test_interaction_subjects_belong_to_the_same_partner(seeded: Engine) -> None:
    for table, column in (("deals", "deal_id"), ("claims", "claim_id")):
        assert (
            _rows(
                seeded,
                f"select i.id from interactions i join {table} x on x.id = i.{column} "
                "where x.partner_id <> i.partner_id",
            )
            == []
        )
    assert (
        _rows(
            seeded,
            "select i.id from interactions i join contact_persons c on c.id = i.contact_person_id "
            "where c.partner_id <> i.partner_id",
        )
        == []
    )
    statuses = dict(_rows(seeded, "select status, count(*) from interactions group by 1"))
    assert set(statuses) == {"planned", "done", "cancelled"}
    overdue = _one(
        seeded,
        "select count(*) from interactions where status = 'planned' and planned_at < '2026-11-26'",
    )
    unreviewed = _one(
        seeded, "select count(*) from interactions where status = 'done' and not is_reviewed"
    )
    assert overdue > 0 and unreviewed > 0


def test_times_are_before_the_horizon(seeded: Engine) -> None:
    for table, column in (
        ("customer_orders", "ordered_at"),
        ("shipments", "shipped_at"),
        ("payments", "paid_at"),
        ("claims", "resolved_at"),
        ("interactions", "done_at"),
        ("interactions", "created_at"),
    ):
        assert _one(seeded, f"select count(*) from {table} where {column} >= '2026-11-26'") == 0


def test_deterministic_and_replace_clears_the_documents(tmp_path: Path) -> None:
    tiny = Scale(deals=500, partners=70, managers=4, operators=1)
    urls = [f"sqlite:///{tmp_path / name}" for name in ("a.db", "b.db")]
    dumps = []
    for url in urls:
        seed_database(url, tiny, seed=5, as_of=AS_OF)
        engine = create_engine(url)
        dumps.append(
            {t: _rows(engine, f"select * from {t} order by id") for t in ENTRY_MODEL_TABLES}
        )
        engine.dispose()
    assert dumps[0] == dumps[1]
    counts = seed_database(urls[0], tiny, seed=6, as_of=AS_OF, replace=True)
    engine = create_engine(urls[0])
    for table in ENTRY_MODEL_TABLES:
        assert _one(engine, f"select count(*) from {table}") == counts[table]
    engine.dispose()
