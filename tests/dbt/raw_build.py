"""A small, deterministic raw warehouse for dbt development and the portability test.

`build_raw_duckdb(path)` seeds a SQLite OLTP database with the demo generator at a tiny scale,
fills the entry-model tables the generator leaves empty (orders, shipments, payments, claims,
interactions, ...) with hand-made rows built from the seeded partners, deals and users, copies
every table 1:1 into `raw_oltp` the way the pipeline does (`ingestion.oltp`), and writes a few
GIS exchange events into `raw_gis.exchange_events` (several tickets per document, ИНН of seeded
counterparties, references to order numbers).

    .venv/bin/python -m tests.dbt.raw_build /tmp/crm_dev.duckdb
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import duckdb
from sqlalchemy import func, insert, select

from ingestion.gis.events import ExchangeEvent, to_arrow
from ingestion.gis.inbox import ensure_tables
from ingestion.ofd.inbox import ingest_receipts
from ingestion.oltp import copy_oltp_to_duckdb
from operational_app.db import models as m
from operational_app.db.session import create_oltp_engine
from operational_app.seed import Scale, seed_database

AS_OF = dt.date(2025, 6, 30)
TINY = Scale(deals=150, partners=30, managers=4, operators=2)
CENT = Decimal("0.01")


def _money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0))


class _Rows:
    """Collects rows per table with ids assigned in insertion order."""

    def __init__(self) -> None:
        self.tables: dict[str, list[dict]] = {}

    def add(self, table: str, **values: object) -> int:
        rows = self.tables.setdefault(table, [])
        values.setdefault("id", len(rows) + 1)
        stamp = values.pop("_at", None) or _at(AS_OF - dt.timedelta(days=200))
        values.setdefault("created_at", stamp)
        values.setdefault("updated_at", stamp)
        values.setdefault("version", 1)
        rows.append(values)
        return int(values["id"])


def _entry_rows(partners, deals, users, regions, counterparties) -> _Rows:  # noqa: C901
    rng = random.Random(20250630)
    rows = _Rows()
    start = AS_OF - dt.timedelta(days=180)

    def day(lo: int = 0, hi: int = 175) -> dt.date:
        return start + dt.timedelta(days=rng.randint(lo, hi))

    for name in ("Клиент", "Поставщик", "Конкурент"):
        rows.add("partner_roles", name=name)
    for partner_id, *_ in partners:
        rows.add("partner_role_links", partner_id=partner_id, partner_role_id=rng.randint(1, 3))
    for name in ("Директор", "Главный бухгалтер", "Закупщик"):
        rows.add("contact_roles", name=name)
    quality = rows.add("claim_reasons", name="Качество")
    logistics = rows.add("claim_reasons", name="Логистика")
    child_reasons = [
        rows.add("claim_reasons", name="Брак", parent_id=quality),
        rows.add("claim_reasons", name="Пересорт", parent_id=quality),
        rows.add("claim_reasons", name="Недовоз", parent_id=logistics),
        rows.add("claim_reasons", name="Опоздание", parent_id=logistics),
    ]
    for name in ("Презентация", "Переговоры", "Сервис"):
        rows.add("interaction_topics", name=name)
    events = [
        rows.add("marketing_events", name="Выставка", starts_on=day(), ends_on=day(176, 179)),
        rows.add("marketing_events", name="Вебинар", starts_on=day(), ends_on=day(176, 179)),
    ]
    products = []
    for index, system in enumerate(["egais", "vetis", "gismt", None, None, "egais"], start=1):
        cost = _money(rng.randint(50, 500))
        products.append(
            (
                rows.add(
                    "products",
                    sku=f"SKU-{index:03d}",
                    name=f"Товар {index}",
                    base_price=_money(cost * Decimal("1.4")),
                    cost_price=cost,
                    gis_system=system,
                ),
                cost,
            )
        )
    warehouses = [
        rows.add("warehouses", name=f"Склад {n}", business_region_id=regions[n % len(regions)])
        for n in range(1, 4)
    ]
    for product_id, _ in products:
        for warehouse_id in warehouses:
            rows.add(
                "stock_levels",
                product_id=product_id,
                warehouse_id=warehouse_id,
                quantity_on_hand=Decimal(rng.randint(0, 300)),
            )
    typical = rows.add(
        "agreements",
        number="СГ-001",
        name="Типовое оптовое",
        kind="typical",
        price_type="wholesale",
        deferral_days=14,
        valid_from=start,
    )
    deals_by_partner: dict[int, list[int]] = {}
    for deal_id, partner_id, _status in deals:
        deals_by_partner.setdefault(partner_id, []).append(deal_id)
    manager_of = {partner_id: manager_id for partner_id, manager_id, _ in partners}
    order_numbers = []
    statuses = ["shipped", "closed", "to_ship", "approved", "cancelled", "draft", "shipped"]
    for number in range(1, 61):
        partner_id = partners[rng.randrange(len(partners))][0]
        agreement_id = typical
        if rng.random() < 0.2:
            agreement_id = rows.add(
                "agreements",
                number=f"СИ-{number:03d}",
                name="Индивидуальное",
                kind="individual",
                partner_id=partner_id,
                price_type="dealer",
                prepayment_share=Decimal(50),
                deferral_days=30,
                valid_from=start,
            )
        candidate_deals = deals_by_partner.get(partner_id, [])
        deal_id = rng.choice(candidate_deals) if candidate_deals and rng.random() < 0.7 else None
        ordered = day(0, 160)
        status = statuses[number % len(statuses)]
        offer_id = None
        if number % 4 == 0:
            offer_id = rows.add(
                "commercial_offers",
                number=f"КП-{number:04d}",
                partner_id=partner_id,
                agreement_id=agreement_id,
                deal_id=deal_id,
                manager_id=manager_of[partner_id],
                status="accepted",
                offered_at=_at(ordered - dt.timedelta(days=3)),
                valid_until=ordered + dt.timedelta(days=10),
                decided_at=_at(ordered),
                _at=_at(ordered - dt.timedelta(days=3)),
            )
        order_number = f"ЗК-{number:05d}"
        order_numbers.append(order_number)
        order_id = rows.add(
            "customer_orders",
            number=order_number,
            partner_id=partner_id,
            counterparty_id=counterparties.get(partner_id),
            agreement_id=agreement_id,
            deal_id=deal_id,
            commercial_offer_id=offer_id,
            manager_id=manager_of[partner_id],
            status=status,
            ordered_at=_at(ordered, 9 + number % 8),
            planned_shipment_date=ordered + dt.timedelta(days=7),
            _at=_at(ordered),
        )
        total = Decimal(0)
        lines = []
        shipping = status in ("shipped", "closed", "to_ship")
        for line_number in range(1, rng.randint(1, 3) + 1):
            product_id, cost = products[rng.randrange(len(products))]
            quantity = Decimal(rng.randint(1, 20))
            price = _money(cost * Decimal("1.4"))
            discount = Decimal(rng.choice([0, 0, 5, 10]))
            amount = _money(quantity * price * (100 - discount) / 100)
            shipped_quantity = quantity if status in ("shipped", "closed") else Decimal(0)
            if status == "to_ship":
                shipped_quantity = Decimal(int(quantity) // 2)
            reserved = (
                Decimal(0) if status in ("cancelled", "draft") else quantity - shipped_quantity
            )
            line_id = rows.add(
                "customer_order_lines",
                customer_order_id=order_id,
                line_number=line_number,
                product_id=product_id,
                warehouse_id=warehouses[line_number % 3],
                quantity=quantity,
                price=price,
                discount_percent=discount,
                amount=amount,
                reserved_quantity=reserved,
                shipped_quantity=shipped_quantity,
                _at=_at(ordered),
            )
            if offer_id:
                rows.add(
                    "commercial_offer_lines",
                    commercial_offer_id=offer_id,
                    line_number=line_number,
                    product_id=product_id,
                    quantity=quantity,
                    price=price,
                    discount_percent=discount,
                    amount=amount,
                )
            total += amount
            lines.append((line_id, product_id, cost, quantity, price, discount, shipped_quantity))
        rows.tables["customer_orders"][-1]["total_amount"] = total
        if offer_id:
            rows.tables["commercial_offers"][-1]["total_amount"] = total
        # payment schedule: a prepayment share on the order date, the rest after shipment
        first_due = ordered + dt.timedelta(days=3)
        second_due = ordered + dt.timedelta(days=7 + 14)
        if number % 3 == 0:
            half = _money(total / 2)
            schedule = [(first_due, "prepayment", half), (second_due, "credit", total - half)]
        else:
            schedule = [(second_due, "credit", total)]
        if status not in ("cancelled", "draft"):
            for due, kind, amount in schedule:
                if amount > 0:
                    rows.add(
                        "payment_schedule_items",
                        customer_order_id=order_id,
                        due_date=due,
                        kind=kind,
                        amount=amount,
                        _at=_at(ordered),
                    )
        if not shipping:
            continue
        shipped_on = ordered + dt.timedelta(days=rng.choice([5, 7, 7, 9, 12]))
        parts = 2 if number % 5 == 0 else 1
        shipped_total = Decimal(0)
        for part in range(parts):
            when = shipped_on + dt.timedelta(days=4 * part)
            if when > AS_OF:
                continue
            shipment_number = f"РТ-{number:05d}-{part + 1}"
            shipment_id = rows.add(
                "shipments",
                number=shipment_number,
                customer_order_id=order_id,
                warehouse_id=warehouses[part % 3],
                shipped_at=_at(when, 14),
                _at=_at(when, 14),
            )
            amount_sum = Decimal(0)
            cost_sum = Decimal(0)
            for line_id, product_id, cost, _q, price, discount, shipped_quantity in lines:
                quantity = shipped_quantity
                if parts == 2:
                    first_half = Decimal(int(shipped_quantity) // 2)
                    quantity = first_half if part == 0 else shipped_quantity - first_half
                if quantity <= 0:
                    continue
                amount = _money(quantity * price * (100 - discount) / 100)
                rows.add(
                    "shipment_lines",
                    shipment_id=shipment_id,
                    customer_order_line_id=line_id,
                    product_id=product_id,
                    quantity=quantity,
                    amount=amount,
                )
                amount_sum += amount
                cost_sum += _money(quantity * cost)
            rows.tables["shipments"][-1]["amount"] = amount_sum
            rows.tables["shipments"][-1]["cost_amount"] = cost_sum
            shipped_total += amount_sum
        # payments: paid in full, partially, late or not at all
        paid_share = [Decimal(1), Decimal(1), Decimal("0.5"), Decimal(0), Decimal(1)][number % 5]
        to_pay = _money(shipped_total * paid_share)
        chunks = [to_pay] if number % 2 else [_money(to_pay / 2), to_pay - _money(to_pay / 2)]
        pay_day = second_due + dt.timedelta(days=rng.choice([-5, 0, 3, 20, 45]))
        for index, amount in enumerate(chunks):
            when = pay_day + dt.timedelta(days=10 * index)
            if amount > 0 and when <= AS_OF:
                rows.add(
                    "payments",
                    number=f"ПП-{number:05d}-{index + 1}",
                    customer_order_id=order_id,
                    partner_id=partner_id,
                    paid_at=_at(when, 11),
                    amount=amount,
                    _at=_at(when, 11),
                )
    order_lines = rows.tables["customer_order_lines"]
    for index in range(4):
        source, target = order_lines[index * 3], order_lines[index * 3 + 1]
        rows.add(
            "reserve_adjustments",
            product_id=source["product_id"],
            from_order_line_id=source["id"],
            to_order_line_id=target["id"] if index % 2 == 0 else None,
            quantity=Decimal(1),
            adjusted_at=_at(start + dt.timedelta(days=30 + index)),
        )
    orders = rows.tables["customer_orders"]
    shipments = rows.tables.get("shipments", [])
    user_ids = [user_id for user_id, _ in users]
    sources = ["claims_list", "partner_card", "discrepancy_act", "portal"]
    for number in range(1, 41):
        order = orders[rng.randrange(len(orders))]
        order_shipments = [s for s in shipments if s["customer_order_id"] == order["id"]]
        registered = day(0, 170)
        status = ["resolved", "resolved", "in_work", "registered", "resolved"][number % 5]
        resolved = (
            registered + dt.timedelta(days=rng.randint(1, 40)) if status == "resolved" else None
        )
        if resolved and resolved > AS_OF:
            resolved = AS_OF
        claim_id = rows.add(
            "claims",
            number=f"ПР-{number:04d}",
            partner_id=order["partner_id"],
            claim_reason_id=(child_reasons + [quality, None])[number % 6],
            source=sources[number % 4],
            customer_order_id=order["id"],
            shipment_id=order_shipments[0]["id"] if order_shipments else None,
            responsible_id=user_ids[number % len(user_ids)],
            claimed_amount=_money(rng.randint(100, 5000)),
            registered_at=_at(registered, 12),
            status=status,
            result=(["satisfied", "not_satisfied", "satisfied"][number % 3] if resolved else None),
            resolved_at=_at(resolved, 16) if resolved else None,
            deleted_at=_at(AS_OF) if number == 40 else None,
            _at=_at(registered, 12),
        )
        rows.add(
            "claim_tasks",
            claim_id=claim_id,
            title="Проверить партию",
            due_date=registered + dt.timedelta(days=5),
            responsible_id=user_ids[number % len(user_ids)],
            status="done" if resolved else "open",
            done_at=_at(resolved) if resolved else None,
        )
    claims = rows.tables["claims"]
    kinds = ["meeting", "call", "sms", "email"]
    for number in range(1, 201):
        partner_id = partners[rng.randrange(len(partners))][0]
        planned = _at(AS_OF + dt.timedelta(days=rng.randint(-40, 10)), 8 + number % 10)
        status = ["planned", "done", "done", "cancelled", "planned", "done"][number % 6]
        subject = ["deal", "claim", "marketing_event", None][number % 4]
        deal_id = claim_id = event_id = None
        if subject == "deal":
            options = deals_by_partner.get(partner_id)
            if options:
                deal_id = rng.choice(options)
            else:
                subject = None
        elif subject == "claim":
            claim_id = claims[number % len(claims)]["id"]
        elif subject == "marketing_event":
            event_id = events[number % 2]
        rows.add(
            "interactions",
            kind=kinds[number % 4],
            direction="outbound" if number % 3 else "inbound",
            partner_id=partner_id,
            interaction_topic_id=1 + number % 3,
            subject_type=subject,
            deal_id=deal_id,
            claim_id=claim_id,
            marketing_event_id=event_id,
            summary=f"Контакт {number}",
            planned_at=planned,
            done_at=planned + dt.timedelta(hours=1) if status == "done" else None,
            status=status,
            is_reviewed=status == "done" and number % 4 != 0,
            responsible_id=None if number % 17 == 0 else user_ids[number % len(user_ids)],
            _at=planned - dt.timedelta(days=2),
        )
    rows.order_numbers = order_numbers  # type: ignore[attr-defined]
    return rows


def _avoid_mixed_sqlite_numerics(rows: _Rows) -> None:
    """Nudge a table's first Decimal value off a whole number when later ones are fractional.

    SQLite stores a whole NUMERIC as INTEGER, and connectorx types a column from its first row:
    a column that starts 5 and continues 2.5 fails the extract ("Invalid column type Real").
    """
    for table_rows in rows.tables.values():
        first = table_rows[0]
        for column, value in first.items():
            if not isinstance(value, Decimal) or value != value.to_integral_value():
                continue
            if any(
                isinstance(row.get(column), Decimal)
                and row[column] != row[column].to_integral_value()
                for row in table_rows
            ):
                first[column] = value + CENT


def fill_entry_model(url: str) -> _Rows | None:
    """Insert hand-made entry-model rows unless the seed already produced orders."""
    engine = create_oltp_engine(url)
    try:
        with engine.begin() as connection:
            if connection.execute(select(func.count()).select_from(m.CustomerOrder)).scalar_one():
                return None
            partners = connection.execute(
                select(m.Partner.id, m.Partner.manager_id, m.Partner.business_region_id)
                .where(m.Partner.deleted_at.is_(None))
                .order_by(m.Partner.id)
            ).all()
            deals = connection.execute(
                select(m.Deal.id, m.Deal.partner_id, m.Deal.status).order_by(m.Deal.id)
            ).all()
            users = connection.execute(select(m.User.id, m.User.role).order_by(m.User.id)).all()
            regions = (
                connection.execute(select(m.BusinessRegion.id).order_by(m.BusinessRegion.id))
                .scalars()
                .all()
            )
            counterparties = dict(
                connection.execute(
                    select(m.Counterparty.partner_id, func.min(m.Counterparty.id)).group_by(
                        m.Counterparty.partner_id
                    )
                ).all()
            )
            rows = _entry_rows(partners, deals, users, list(regions), counterparties)
            _avoid_mixed_sqlite_numerics(rows)
            for table in m.Base.metadata.sorted_tables:
                by_keys: dict[tuple[str, ...], list[dict]] = {}
                for row in rows.tables.get(table.name, []):
                    by_keys.setdefault(tuple(sorted(row)), []).append(row)
                for batch in by_keys.values():
                    connection.execute(insert(table), batch)
            return rows
    finally:
        engine.dispose()


def gis_events(con: duckdb.DuckDBPyConnection) -> list[ExchangeEvent]:
    """Hand-made exchange events: accepted after retries, rejected, errors, still processing."""
    inns = [
        row[0]
        for row in con.sql(
            "select inn from raw_oltp.counterparties where deleted_at is null order by id limit 6"
        ).fetchall()
    ]
    orders = [
        row[0]
        for row in con.sql(
            "select number from raw_oltp.customer_orders order by id limit 12"
        ).fetchall()
    ]
    our_inn = con.sql("select inn from raw_oltp.organizations order by id limit 1").fetchall()
    our_inn = our_inn[0][0] if our_inn else "7700000000"
    base = _at(AS_OF - dt.timedelta(days=10), 8)
    events: list[ExchangeEvent] = []
    plans = [
        ("egais", "WayBill_v4", ["processing", "error", "accepted"], "E-101"),
        ("egais", "WayBill_v4", ["processing", "rejected"], None),
        ("egais", "WayBillAct_v4", ["processing"], None),
        ("vetis", "VetDocument", ["processing", "accepted"], None),
        ("vetis", "VetDocument", ["error"], "V-500"),
        ("vetis", "VetDocument", ["processing", "error"], "V-500"),
        ("gismt", "LP_SHIP_GOODS", ["processing", "accepted"], None),
        ("gismt", "LP_SHIP_GOODS", ["rejected"], "CHECKED_NOT_OK"),
        ("gismt", "LP_ACCEPT_GOODS", ["processing"], None),
        ("egais", "WayBill_v4", ["accepted", "accepted"], None),
        ("gismt", "LP_SHIP_GOODS", ["error", "error", "processing"], "PROCESSING_ERROR"),
        ("vetis", "VetDocument", ["accepted"], None),
    ]
    for index, (system, doc_type, groups, code) in enumerate(plans):
        for step, group in enumerate(groups):
            at = base + dt.timedelta(days=index % 5, hours=3 * step + index)
            events.append(
                ExchangeEvent(
                    system=system,
                    document_id=f"{system.upper()}-{index:04d}",
                    document_type=doc_type,
                    direction="inbound" if doc_type == "LP_ACCEPT_GOODS" else "outbound",
                    organization_inn=our_inn,
                    counterparty_inn=inns[index % len(inns)] if inns and index != 3 else None,
                    reference=orders[index] if orders and index % 3 != 2 else f"X-{index}",
                    event_at=at,
                    status=group.upper(),
                    status_group=group,  # type: ignore[arg-type]
                    error_code=code if group in ("error", "rejected") else None,
                    error_message="failed" if group == "error" else None,
                    source_file=f"{system}/file_{index}.xml",
                    source_line=step + 1,
                    file_sha256=f"{index:02d}{step:02d}".ljust(64, "0"),
                )
            )
    return events


def build_raw_duckdb(path: Path, workdir: Path | None = None, scale: Scale = TINY) -> Path:
    """Build the raw schemas into a fresh DuckDB file at `path`; return it."""
    path = Path(path)
    path.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        url = f"sqlite:///{Path(tmp) / 'oltp.sqlite'}"
        ofd_inbox = Path(tmp) / "inbox" / "ofd"
        seed_database(url, scale, seed=7, as_of=AS_OF, ofd_inbox_dir=ofd_inbox)
        fill_entry_model(url)
        con = duckdb.connect(str(path))
        try:
            copy_oltp_to_duckdb(url, con, "dbt-dev", full_refresh=True)
            ensure_tables(con)
            batch = to_arrow(gis_events(con))  # noqa: F841 (read by DuckDB's replacement scan)
            con.execute("insert into raw_gis.exchange_events select * from batch")
            ingest_receipts(ofd_inbox, con, Path(tmp) / "quarantine", "dbt-dev")
        finally:
            con.close()
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/crm_dev.duckdb")
    build_raw_duckdb(target)
    with duckdb.connect(str(target), read_only=True) as check:
        for (table,) in check.sql(
            "select table_schema || '.' || table_name from information_schema.tables"
            " where table_schema in ('raw_oltp', 'raw_gis', 'raw_ofd') order by 1"
        ).fetchall():
            print(table, check.sql(f"select count(*) from {table}").fetchall()[0][0])
