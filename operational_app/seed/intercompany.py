"""The seed's inter-company and commission documents (issue 22), with the ownership ledger they
imply, for the last twelve months before as_of. The volume is fixed (a few documents a month,
whatever the scale), so the demo seed stays as fast as it was.

The two first organizations trade: the first owns goods at the first warehouse and passes some
to the second every month at the transfer price (cost + 10 %), which returns a part now and then.
The first organization hands goods to a commissioner (the first partner of kind `other`) every
quarter; the commissioner reports sales (fee 10 %) every month and a write-off now and then. The
second organization receives a committent's goods (the first supplier) at the second warehouse
every quarter and reports its sales (our fee 12 %) every month. The ledger never goes negative:
each report sells at most what is still held, as the app's rules require.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import numpy as np

from operational_app.seed.generator import DAY, HOUR, MSK, TableData, _tracked

INTERCOMPANY_TABLES = (
    "intercompany_documents",
    "intercompany_document_lines",
    "commission_documents",
    "commission_document_lines",
    "stock_movements",
)
MONTHS = 12
PRODUCTS = 6
TRANSFER_MARKUP = Decimal("0.10")  # as operational_app.domain.intercompany.TRANSFER_MARKUP
COMMISSIONER_FEE = Decimal("0.10")
COMMITTENT_FEE = Decimal("0.12")
CENT = Decimal("0.01")
BUYERS = ("ИП Соколов А. В.", "ООО «Вектор»", "ИП Лебедева Н. П.", "ООО «Сфера»")


class _Ledger:
    """Documents, lines and movements as they are generated; ids in insertion order."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.held: dict[tuple, Decimal] = defaultdict(Decimal)

    def add(self, table: str, **values: Any) -> int:
        rows = self.rows[table]
        rows.append(values)
        return len(rows)

    def move(self, at: int, org: int, product: int, qty: Decimal, kind: str, doc: int, **holder):
        key = (org, holder.get("committent_id"), holder.get("warehouse_id"),
               holder.get("commissioner_id"), product)  # fmt: skip
        self.held[key] += qty
        assert self.held[key] >= 0, key
        self.add(
            "stock_movements",
            moved_at=at,
            organization_id=org,
            committent_id=holder.get("committent_id", -1),
            holder_kind="commissioner" if "commissioner_id" in holder else "warehouse",
            warehouse_id=holder.get("warehouse_id", -1),
            commissioner_id=holder.get("commissioner_id", -1),
            product_id=product,
            quantity=float(qty),
            document_type=kind,
            document_id=doc,
        )


def _first_partner(partners: TableData, kind: str, fallback: int) -> int:
    """The first live partner of the kind: a soft-deleted one would hold goods that no
    dimension knows (the warehouse's foreign-key tests refuse it)."""
    live = np.isnat(np.asarray(partners.columns["deleted_at"]))
    for index, value in enumerate(partners.columns["kind"]):
        if value == kind and live[index]:
            return index + 1
    return fallback


def _table(name: str, rows: list[dict[str, Any]], time_column: str) -> TableData:
    columns: dict[str, Any] = {}
    for key in rows[0] if rows else ():
        if key == "created":  # lines: only the creation time of their document
            continue
        values = [row[key] for row in rows]
        sample = values[0]
        if isinstance(sample, bool):
            columns[key] = np.array(values, dtype=bool)
        elif isinstance(sample, int) and key != time_column:
            columns[key] = np.array(values, dtype=np.int64)
        elif isinstance(sample, float):
            columns[key] = np.array(values, dtype=np.float64)
        elif key == time_column:
            columns[key] = np.array(values, dtype=np.int64).astype("datetime64[s]")
        else:
            columns[key] = values
    created = np.array([row[time_column] for row in rows], dtype=np.int64)
    return _tracked(name, columns, created)


AUTOMATIC_ORDERS = 12


def _sell_for_beta(
    tables: dict[str, TableData],
    ledger: _Ledger,
    rng: np.random.Generator,
    alfa: int,
    beta: int,
    warehouse: int,
    window_start: int,
    cost: list[Decimal],
) -> None:
    """A few customer orders shipped from the first warehouse in the window become the second
    organization's: it sells goods the first one owns, so each shipment passes them by an
    automatic Передача товаров между организациями (as domain.intercompany does)."""
    orders = tables["customer_orders"].columns
    shipments = tables["shipments"].columns
    lines = tables["shipment_lines"].columns
    shipped_at = shipments["shipped_at"].astype(np.int64)
    order_of = shipments["customer_order_id"]
    live = np.isnat(shipments["deleted_at"])
    first_shipment = np.full(len(orders["id"]) + 1, np.iinfo(np.int64).max)
    np.minimum.at(first_shipment, order_of, shipped_at)
    at_warehouse = np.zeros(len(orders["id"]) + 1, dtype=bool)
    at_warehouse[order_of[live & (shipments["warehouse_id"] == warehouse)]] = True
    elsewhere = np.zeros(len(orders["id"]) + 1, dtype=bool)
    elsewhere[order_of[shipments["warehouse_id"] != warehouse]] = True
    candidates = np.flatnonzero(
        at_warehouse
        & ~elsewhere
        & (first_shipment >= window_start + 2 * DAY)
        & (first_shipment < np.iinfo(np.int64).max)
    )
    candidates = candidates[np.isnat(orders["deleted_at"][candidates - 1])]
    if candidates.size == 0:
        return
    chosen = np.sort(
        rng.choice(candidates, size=min(AUTOMATIC_ORDERS, candidates.size), replace=False)
    )
    orders["organization_id"][chosen - 1] = beta
    chosen_shipments = np.flatnonzero(np.isin(order_of, chosen) & live)
    ship_lines = [
        np.flatnonzero((lines["shipment_id"] == index + 1) & np.isnat(lines["deleted_at"]))
        for index in chosen_shipments
    ]
    needed: dict[int, Decimal] = defaultdict(Decimal)
    for picked in ship_lines:
        for line in picked:
            needed[int(lines["product_id"][line])] += Decimal(str(lines["quantity"][line]))
    for product, qty in sorted(needed.items()):
        ledger.move(window_start, alfa, product, qty, "receipt", 0, warehouse_id=warehouse)
    for index, picked in zip(chosen_shipments, ship_lines, strict=True):
        if picked.size == 0:
            continue
        at = int(shipped_at[index])
        shipment_id = int(index) + 1
        priced = [
            (
                int(lines["product_id"][line]),
                Decimal(str(lines["quantity"][line])),
                (cost[int(lines["product_id"][line]) - 1] * (1 + TRANSFER_MARKUP)).quantize(CENT),
            )
            for line in picked
        ]
        number = len(ledger.rows["intercompany_documents"]) + 1
        total = sum(((qty * unit).quantize(CENT) for _, qty, unit in priced), Decimal(0))
        doc = ledger.add(
            "intercompany_documents",
            documented_at=at,
            number=f"ПМО-{number:06d}",
            kind="transfer",
            sender_organization_id=alfa,
            receiver_organization_id=beta,
            warehouse_id=warehouse,
            shipment_id=shipment_id,
            is_automatic=True,
            total_amount=float(total),
            comment=f"Автоматически при отгрузке {shipments['number'][index]}",
        )
        for n, (product, qty, unit) in enumerate(priced, start=1):
            ledger.add(
                "intercompany_document_lines",
                created=at,
                intercompany_document_id=doc,
                line_number=n,
                product_id=product,
                quantity=float(qty),
                price=float(unit),
                amount=float((qty * unit).quantize(CENT)),
            )
            ledger.move(
                at, alfa, product, -qty, "intercompany_transfer", doc, warehouse_id=warehouse
            )
            ledger.move(
                at, beta, product, qty, "intercompany_transfer", doc, warehouse_id=warehouse
            )
            ledger.move(at, beta, product, -qty, "shipment", shipment_id, warehouse_id=warehouse)


def generate_intercompany(tables: dict[str, TableData], seed: int, horizon: int) -> list[TableData]:
    """The documents, their lines and the ledger, in foreign-key order."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 22]))
    organizations = len(tables["organizations"])
    if organizations < 2 or len(tables["warehouses"]) < 2 or len(tables["partners"]) < 2:
        return []
    products = tables["products"].columns
    cost = [Decimal(str(value)).quantize(CENT) for value in products["cost_price"]]
    price = [Decimal(str(value)).quantize(CENT) for value in products["base_price"]]
    items = [int(i) + 1 for i in rng.choice(len(cost), size=PRODUCTS, replace=False)]
    alfa, beta, w1, w2 = 1, 2, 1, 2
    partners = tables["partners"]
    commissioner = _first_partner(partners, "other", 1)
    committent = _first_partner(partners, "supplier", 2 if commissioner != 2 else 3)
    ledger = _Ledger()
    first_day = (horizon // DAY) - MONTHS * 30

    def moment(day: int) -> int:
        return (first_day + day) * DAY + 10 * HOUR - MSK + int(rng.integers(0, 6 * HOUR))

    def quantity(low: int, high: int) -> Decimal:
        return Decimal(int(rng.integers(low, high + 1)))

    # Opening: each organization's goods at the first warehouse are recorded as received.
    _sell_for_beta(tables, ledger, rng, alfa, beta, w1, first_day * DAY, cost)
    for org, share in ((alfa, 400), (beta, 60)):
        for product in items:
            at = moment(0)
            ledger.move(
                at, org, product, quantity(share // 2, share), "receipt", 0, warehouse_id=w1
            )

    def intercompany(at: int, kind: str, sender: int, receiver: int, lines: list[tuple]) -> None:
        number = len(ledger.rows["intercompany_documents"]) + 1
        total = sum((qty * unit for _, qty, unit in lines), Decimal(0))
        doc = ledger.add(
            "intercompany_documents",
            documented_at=at,
            number=f"{'ПМО-' if kind == 'transfer' else 'ВМО-'}{number:06d}",
            kind=kind,
            sender_organization_id=sender,
            receiver_organization_id=receiver,
            warehouse_id=w1,
            shipment_id=-1,
            is_automatic=False,
            total_amount=float(total),
            comment=None,
        )
        for n, (product, qty, unit) in enumerate(lines, start=1):
            ledger.add(
                "intercompany_document_lines",
                created=at,
                intercompany_document_id=doc,
                line_number=n,
                product_id=product,
                quantity=float(qty),
                price=float(unit),
                amount=float((qty * unit).quantize(CENT)),
            )
            for org, signed in ((sender, -qty), (receiver, qty)):
                ledger.move(at, org, product, signed, f"intercompany_{kind}", doc, warehouse_id=w1)

    prefixes = {
        "to_commissioner": "ПНК-",
        "commissioner_sales": "ОКП-",
        "commissioner_writeoff": "ОКС-",
        "from_committent": "ПТК-",
        "committent_report": "ОКМ-",
        "commissioner_payment": "ПОК-",
        "committent_payment": "ОПК-",
    }

    def commission(at: int, kind: str, org: int, partner: int, lines: list[tuple], **extra) -> None:
        number = len(ledger.rows["commission_documents"]) + 1
        warehouse = extra.get("warehouse_id", -1)
        fee_share = {"commissioner_sales": COMMISSIONER_FEE, "committent_report": COMMITTENT_FEE}
        share = fee_share.get(kind, Decimal(0))
        amounts = [(qty * unit).quantize(CENT) for _, qty, unit in lines]
        fees = [(amount * share).quantize(CENT) for amount in amounts]
        doc = ledger.add(
            "commission_documents",
            documented_at=at,
            number=f"{prefixes[kind]}{number:06d}",
            kind=kind,
            organization_id=org,
            partner_id=partner,
            warehouse_id=warehouse,
            total_amount=float(sum(amounts, Decimal(0))),
            fee_amount=float(sum(fees, Decimal(0))),
            comment=None,
        )
        selling = kind in fee_share
        if kind == "commissioner_sales":
            owed["commissioner"] += sum(amounts, Decimal(0)) - sum(fees, Decimal(0))
        elif kind == "committent_report":
            owed["committent"] += sum(amounts, Decimal(0)) - sum(fees, Decimal(0))
        for n, ((product, qty, unit), amount, fee) in enumerate(
            zip(lines, amounts, fees, strict=True), start=1
        ):
            ledger.add(
                "commission_document_lines",
                created=at,
                commission_document_id=doc,
                line_number=n,
                product_id=product,
                quantity=float(qty),
                price=float(unit),
                amount=float(amount),
                fee_amount=float(fee),
                buyer_partner_id=-1,
                buyer_name=str(BUYERS[int(rng.integers(len(BUYERS)))]) if selling else None,
            )
            if kind == "to_commissioner":
                ledger.move(at, org, product, -qty, kind, doc, warehouse_id=warehouse)
                ledger.move(at, org, product, qty, kind, doc, commissioner_id=partner)
            elif kind in ("commissioner_sales", "commissioner_writeoff"):
                ledger.move(at, org, product, -qty, kind, doc, commissioner_id=partner)
            elif kind == "from_committent":
                ledger.move(
                    at, org, product, qty, kind, doc, warehouse_id=warehouse, committent_id=partner
                )
            else:
                ledger.move(
                    at, org, product, -qty, kind, doc, warehouse_id=warehouse, committent_id=partner
                )

    owed = {"commissioner": Decimal(0), "committent": Decimal(0)}

    def pay(at: int, kind: str, org: int, partner: int, amount: Decimal) -> None:
        number = len(ledger.rows["commission_documents"]) + 1
        ledger.add(
            "commission_documents",
            documented_at=at,
            number=f"{prefixes[kind]}{number:06d}",
            kind=kind,
            organization_id=org,
            partner_id=partner,
            warehouse_id=-1,
            total_amount=float(amount),
            fee_amount=0.0,
            comment=None,
        )

    def held(org: int, product: int, **holder) -> Decimal:
        key = (org, holder.get("committent_id"), holder.get("warehouse_id"),
               holder.get("commissioner_id"), product)  # fmt: skip
        return ledger.held[key]

    def transfer_price(product: int) -> Decimal:
        return (cost[product - 1] * (1 + TRANSFER_MARKUP)).quantize(CENT)

    for month in range(MONTHS):
        base = month * 30
        picked = [items[int(i)] for i in rng.choice(PRODUCTS, size=2, replace=False)]
        lines = [
            (p, min(quantity(5, 25), held(alfa, p, warehouse_id=w1)), transfer_price(p))
            for p in picked
        ]
        lines = [line for line in lines if line[1] > 0]
        if lines:
            intercompany(moment(base + 3), "transfer", alfa, beta, lines)
        if month % 3 == 2:
            back = [
                (p, min(quantity(1, 4), held(beta, p, warehouse_id=w1)), transfer_price(p))
                for p in picked
            ]
            back = [line for line in back if line[1] > 0][:1]
            if back:
                intercompany(moment(base + 12), "return", beta, alfa, back)
        if month % 3 == 1:
            for role, kind, org, partner in (
                ("commissioner", "commissioner_payment", alfa, commissioner),
                ("committent", "committent_payment", beta, committent),
            ):
                amount = (owed[role] * Decimal("0.8")).quantize(CENT)
                if amount > 0:
                    pay(moment(base + 2), kind, org, partner, amount)
                    owed[role] -= amount
        if month % 3 == 0:
            handed = [
                (p, min(quantity(10, 30), held(alfa, p, warehouse_id=w1)), price[p - 1])
                for p in items[:3]
            ]
            handed = [line for line in handed if line[1] > 0]
            if handed:
                commission(
                    moment(base + 5), "to_commissioner", alfa, commissioner, handed, warehouse_id=w1
                )
            received = [(p, quantity(10, 20), cost[p - 1]) for p in items[3:5]]
            commission(
                moment(base + 6), "from_committent", beta, committent, received, warehouse_id=w2
            )
        sold = []
        for p in items[:3]:
            at_commissioner = held(alfa, p, commissioner_id=commissioner)
            qty = min(at_commissioner, quantity(2, 9))
            if qty > 0:
                markup = Decimal(str(round(float(rng.uniform(1.0, 1.15)), 2)))
                sold.append((p, qty, (price[p - 1] * markup).quantize(CENT)))
        if sold:
            commission(moment(base + 25), "commissioner_sales", alfa, commissioner, sold)
        if month % 4 == 3:
            lost = [
                (p, Decimal(1), cost[p - 1])
                for p in items[:1]
                if held(alfa, p, commissioner_id=commissioner) >= 1
            ]
            if lost:
                commission(moment(base + 26), "commissioner_writeoff", alfa, commissioner, lost)
        report = []
        for p in items[3:5]:
            ours = held(beta, p, warehouse_id=w2, committent_id=committent)
            qty = min(ours, quantity(3, 8))
            if qty > 0:
                report.append((p, qty, (cost[p - 1] * Decimal("1.3")).quantize(CENT)))
        if report:
            commission(
                moment(base + 27), "committent_report", beta, committent, report, warehouse_id=w2
            )
    rows = ledger.rows
    return [
        _table("intercompany_documents", rows["intercompany_documents"], "documented_at"),
        _table("intercompany_document_lines", rows["intercompany_document_lines"], "created"),
        _table("commission_documents", rows["commission_documents"], "documented_at"),
        _table("commission_document_lines", rows["commission_document_lines"], "created"),
        _table("stock_movements", rows["stock_movements"], "moved_at"),
    ]
