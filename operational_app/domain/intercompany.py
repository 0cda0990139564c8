"""Межфирменные продажи и комиссия (issue 22): who owns the goods and where they sit.

The ownership ledger (`stock_movements`) is the one owner of "what we own, where it is": every
document below writes signed movements of (organization, committent, holder, product), and a
position is their sum. Holders are our warehouses and commissioners (partners).

- Оприходование (`receive_stock`): goods of an organization arrive at a warehouse; the warehouse's
  on-hand (stock_levels) grows with them.
- Передача / Возврат товаров между организациями (`create_intercompany_document`): the goods at a
  warehouse pass from the sender organization to the receiver at a transfer price (by default the
  cost price plus TRANSFER_MARKUP). The sender must own them. A return is the same movement back;
  in settlements the sender of goods always gains the claim on the receiver, so the balances of a
  pair of organizations net to zero.
- Shipments (`record_shipment_ownership`, called by orders.record_shipment): the goods shipped
  from a warehouse whose stock is in the ledger leave their owner. When the order's organization
  owns less than it ships and another organization owns the rest, the system first creates a
  Передача товаров между организациями for the shortfall (`is_automatic`, linked to the shipment).
  Goods a ledger does not know (on-hand counted before ownership was recorded) stay outside it.
- Commission, we are the committent: Передача на комиссию moves our goods from a warehouse to the
  commissioner (and out of the warehouse's on-hand); Отчет комиссионера о продажах lists what the
  commissioner sold, to whom, for how much, and the commission fee; Отчет комиссионера о списании
  lists goods lost at the commissioner. Both take the goods out of our stock at the commissioner.
- Commission, we are the commissioner: Поступление товаров на комиссию puts a committent's goods
  at our warehouse (held by us, owned by them, not in the on-hand we sell from); Отчет комитенту
  lists what we sold of them, for how much, and our fee.
- Deleting a document (soft) takes its movements back, refused while goods it brought in have
  moved on since; an automatic transfer belongs to its shipment and stays.
- Settlements: Поступление оплаты от комиссионера and Оплата комитенту are payments without
  lines (`amount`); they lower the commissioner's debt to us and ours to the committent.

Services flush but never commit: the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.db.models import (
    COMMISSION_KINDS,
    INTERCOMPANY_KINDS,
    CommissionDocument,
    CommissionDocumentLine,
    CustomerOrder,
    IntercompanyDocument,
    IntercompanyDocumentLine,
    Organization,
    Partner,
    Product,
    Shipment,
    StockMovement,
    Warehouse,
    utc_now,
)
from operational_app.domain.common import clean_text, live_children, require_reference
from operational_app.domain.errors import TransitionNotAllowed, ValidationFailed, check_version
from operational_app.domain.products import (
    CENT,
    InsufficientStock,
    money,
    next_number,
    percent,
    quantity,
    set_stock,
    soft_delete,
)

# Transfer price of goods passed between our organizations: cost price plus this share.
TRANSFER_MARKUP: Final = Decimal("0.10")
INTERCOMPANY_PREFIXES: Final = {"transfer": "ПМО-", "return": "ВМО-"}
COMMISSION_PREFIXES: Final = {
    "to_commissioner": "ПНК-",
    "commissioner_sales": "ОКП-",
    "commissioner_writeoff": "ОКС-",
    "from_committent": "ПТК-",
    "committent_report": "ОКМ-",
    "commissioner_payment": "ПОК-",
    "committent_payment": "ОПК-",
}
# Kinds whose goods sit at one of our warehouses (the document names it).
WAREHOUSE_KINDS: Final = ("to_commissioner", "from_committent", "committent_report")
# Kinds that report sales: lines carry a buyer and a commission fee.
SALES_KINDS: Final = ("commissioner_sales", "committent_report")
# Settlements without goods: the commissioner pays us, we pay the committent (`amount`).
PAYMENT_KINDS: Final = ("commissioner_payment", "committent_payment")


def transfer_price(product: Product) -> Decimal:
    """The default price of a Передача товаров между организациями: cost plus the markup."""
    return (Decimal(product.cost_price) * (1 + TRANSFER_MARKUP)).quantize(CENT)


# The ledger


def _move(
    session: Session,
    *,
    organization_id: int,
    product_id: int,
    qty: Decimal,
    document_type: str,
    document_id: int,
    moved_at: dt.datetime,
    warehouse_id: int | None = None,
    commissioner_id: int | None = None,
    committent_id: int | None = None,
) -> None:
    session.add(
        StockMovement(
            moved_at=moved_at,
            organization_id=organization_id,
            committent_id=committent_id,
            holder_kind="warehouse" if warehouse_id is not None else "commissioner",
            warehouse_id=warehouse_id,
            commissioner_id=commissioner_id,
            product_id=product_id,
            quantity=qty,
            document_type=document_type,
            document_id=document_id,
        )
    )


def _holder_condition(
    warehouse_id: int | None, commissioner_id: int | None, committent_id: int | None
) -> list[Any]:
    return [
        StockMovement.deleted_at.is_(None),
        StockMovement.warehouse_id.is_(None)
        if warehouse_id is None
        else StockMovement.warehouse_id == warehouse_id,
        StockMovement.commissioner_id.is_(None)
        if commissioner_id is None
        else StockMovement.commissioner_id == commissioner_id,
        StockMovement.committent_id.is_(None)
        if committent_id is None
        else StockMovement.committent_id == committent_id,
    ]


def owned_quantity(
    session: Session,
    organization_id: int,
    product_id: int,
    *,
    warehouse_id: int | None = None,
    commissioner_id: int | None = None,
    committent_id: int | None = None,
) -> Decimal:
    """What the ledger says `organization_id` has of a product at one holder."""
    session.flush()
    value = session.scalar(
        select(func.coalesce(func.sum(StockMovement.quantity), 0)).where(
            StockMovement.organization_id == organization_id,
            StockMovement.product_id == product_id,
            *_holder_condition(warehouse_id, commissioner_id, committent_id),
        )
    )
    return Decimal(value or 0)


def owners_at_warehouse(session: Session, product_id: int, warehouse_id: int) -> dict[int, Decimal]:
    """Own goods (no committent) of a product at a warehouse: {organization_id: quantity > 0}."""
    session.flush()
    rows = session.execute(
        select(StockMovement.organization_id, func.sum(StockMovement.quantity))
        .where(
            StockMovement.product_id == product_id,
            *_holder_condition(warehouse_id, None, None),
        )
        .group_by(StockMovement.organization_id)
    )
    return {org: Decimal(qty) for org, qty in rows if Decimal(qty) > 0}


def stock_positions(
    session: Session, *, organization_id: int | None = None
) -> list[dict[str, Any]]:
    """Non-zero positions of the ledger: organization, committent, holder, product, quantity."""
    query = (
        select(
            StockMovement.organization_id,
            StockMovement.committent_id,
            StockMovement.holder_kind,
            StockMovement.warehouse_id,
            StockMovement.commissioner_id,
            StockMovement.product_id,
            func.sum(StockMovement.quantity),
        )
        .where(StockMovement.deleted_at.is_(None))
        .group_by(
            StockMovement.organization_id,
            StockMovement.committent_id,
            StockMovement.holder_kind,
            StockMovement.warehouse_id,
            StockMovement.commissioner_id,
            StockMovement.product_id,
        )
        .order_by(
            StockMovement.organization_id,
            StockMovement.holder_kind,
            StockMovement.warehouse_id,
            StockMovement.commissioner_id,
            StockMovement.product_id,
        )
    )
    if organization_id is not None:
        query = query.where(StockMovement.organization_id == organization_id)
    keys = (
        "organization_id",
        "committent_id",
        "holder_kind",
        "warehouse_id",
        "commissioner_id",
        "product_id",
        "quantity",
    )
    rows = [dict(zip(keys, row, strict=True)) for row in session.execute(query)]
    return [row for row in rows if Decimal(row["quantity"]) != 0]


def _require_owned(
    session: Session,
    organization_id: int,
    product_id: int,
    qty: Decimal,
    line_number: int,
    *,
    warehouse_id: int | None = None,
    commissioner_id: int | None = None,
    committent_id: int | None = None,
) -> None:
    owned = owned_quantity(
        session,
        organization_id,
        product_id,
        warehouse_id=warehouse_id,
        commissioner_id=commissioner_id,
        committent_id=committent_id,
    )
    if qty > owned:
        raise InsufficientStock(
            "ownership.above_owned",
            f"Line {line_number}: {qty} asked, the organization has only {owned} of these goods "
            "there.",
            field="quantity",
            params={"line": line_number, "owned": str(owned), "asked": str(qty)},
        )


def receive_stock(
    session: Session,
    *,
    organization_id: int,
    warehouse_id: int,
    product_id: int,
    quantity_received: Decimal | int | str,
    received_at: dt.datetime | None = None,
) -> StockMovement:
    """Оприходование товаров: goods of an organization arrive at a warehouse."""
    require_reference(session, Organization, organization_id, "organization_id")
    qty = quantity(quantity_received)
    level = set_stock(session, product_id=product_id, warehouse_id=warehouse_id, delta=qty)
    movement = StockMovement(
        moved_at=received_at or utc_now(),
        organization_id=organization_id,
        holder_kind="warehouse",
        warehouse_id=warehouse_id,
        product_id=product_id,
        quantity=qty,
        document_type="receipt",
        document_id=level.id,
    )
    session.add(movement)
    session.flush()
    return movement


# Lines


def _product(session: Session, product_id: Any, line_number: int) -> Product:
    field = f"lines[{line_number}].product_id"
    product = require_reference(session, Product, product_id, field)
    if product is None:
        raise ValidationFailed(
            "document.product_required", f"Line {line_number} needs a product.", field="product_id"
        )
    return product


def _require_lines(lines: Sequence[Mapping[str, Any]]) -> None:
    if not lines:
        raise ValidationFailed("document.no_lines", "A document needs at least one line.")


# Передача и возврат товаров между организациями


def intercompany_lines(session: Session, document_id: int) -> list[IntercompanyDocumentLine]:
    return live_children(
        session,
        IntercompanyDocumentLine.intercompany_document_id,
        document_id,
        IntercompanyDocumentLine.line_number,
    )


def create_intercompany_document(
    session: Session,
    *,
    kind: str,
    sender_organization_id: int,
    receiver_organization_id: int,
    warehouse_id: int,
    lines: Sequence[Mapping[str, Any]],
    documented_at: dt.datetime | None = None,
    comment: str | None = None,
    shipment_id: int | None = None,
) -> IntercompanyDocument:
    """Передача (kind `transfer`) or Возврат (kind `return`) товаров между организациями."""
    if kind not in INTERCOMPANY_KINDS:
        raise ValidationFailed(
            "intercompany.kind",
            f"kind must be one of {', '.join(INTERCOMPANY_KINDS)}.",
            field="kind",
        )
    require_reference(session, Organization, sender_organization_id, "sender_organization_id")
    require_reference(session, Organization, receiver_organization_id, "receiver_organization_id")
    require_reference(session, Warehouse, warehouse_id, "warehouse_id")
    if sender_organization_id == receiver_organization_id:
        raise ValidationFailed(
            "intercompany.same_organization",
            "The goods pass between two different organizations.",
            field="receiver_organization_id",
        )
    _require_lines(lines)
    moment = documented_at or utc_now()
    document = IntercompanyDocument(
        number=next_number(session, IntercompanyDocument, INTERCOMPANY_PREFIXES[kind]),
        kind=kind,
        sender_organization_id=sender_organization_id,
        receiver_organization_id=receiver_organization_id,
        warehouse_id=warehouse_id,
        shipment_id=shipment_id,
        is_automatic=shipment_id is not None,
        documented_at=moment,
        total_amount=Decimal(0),
        comment=clean_text(comment),
    )
    session.add(document)
    session.flush()
    total = Decimal(0)
    for number, values in enumerate(lines, start=1):
        product = _product(session, values.get("product_id"), number)
        qty = quantity(values.get("quantity", 0), f"lines[{number}].quantity")
        given = values.get("price")
        price = transfer_price(product) if given is None else money(given, "price")
        _require_owned(
            session, sender_organization_id, product.id, qty, number, warehouse_id=warehouse_id
        )
        amount = (qty * price).quantize(CENT)
        session.add(
            IntercompanyDocumentLine(
                intercompany_document_id=document.id,
                line_number=number,
                product_id=product.id,
                quantity=qty,
                price=price,
                amount=amount,
            )
        )
        document_type = f"intercompany_{kind}"
        for org, signed in ((sender_organization_id, -qty), (receiver_organization_id, qty)):
            _move(
                session,
                organization_id=org,
                product_id=product.id,
                qty=signed,
                document_type=document_type,
                document_id=document.id,
                moved_at=moment,
                warehouse_id=warehouse_id,
            )
        total += amount
    document.total_amount = total
    session.flush()
    return document


def record_shipment_ownership(
    session: Session,
    order: CustomerOrder,
    shipment: Shipment,
    shipped: Sequence[tuple[int, int | None, Decimal]],
) -> list[IntercompanyDocument]:
    """The ownership side of a shipment: `shipped` holds (product_id, warehouse_id, quantity).

    The order's organization sells; what it does not own of the goods at the warehouse it first
    takes over from the organizations that do (one automatic transfer per sender), the largest
    owner first. The shipped goods then leave the seller's stock. Returns the transfers made."""
    seller = order.organization_id
    needs: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    leaving: list[tuple[int, int, int, Decimal]] = []
    for product_id, warehouse_id, qty in shipped:
        if warehouse_id is None:
            continue
        owners = owners_at_warehouse(session, product_id, warehouse_id)
        if not owners:
            continue  # goods outside the ledger
        left = qty
        if seller is not None:
            own = min(left, owners.pop(seller, Decimal(0)))
            if own > 0:
                leaving.append((seller, product_id, warehouse_id, own))
                left -= own
        for org, owned in sorted(owners.items(), key=lambda item: (-item[1], item[0])):
            if left <= 0:
                break
            take = min(left, owned)
            left -= take
            if seller is None:
                leaving.append((org, product_id, warehouse_id, take))
            else:
                needs[org].append(
                    {"product_id": product_id, "quantity": take, "warehouse_id": warehouse_id}
                )
                leaving.append((seller, product_id, warehouse_id, take))
    transfers = []
    for org, lines in needs.items():
        per_warehouse: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
        for line in lines:
            per_warehouse[line["warehouse_id"]].append(line)
        for warehouse_id, group in per_warehouse.items():
            assert seller is not None
            transfers.append(
                create_intercompany_document(
                    session,
                    kind="transfer",
                    sender_organization_id=org,
                    receiver_organization_id=seller,
                    warehouse_id=warehouse_id,
                    lines=group,
                    documented_at=shipment.shipped_at,
                    comment=f"Автоматически при отгрузке {shipment.number}",
                    shipment_id=shipment.id,
                )
            )
    for org, product_id, warehouse_id, qty in leaving:
        _move(
            session,
            organization_id=org,
            product_id=product_id,
            qty=-qty,
            document_type="shipment",
            document_id=shipment.id,
            moved_at=shipment.shipped_at,
            warehouse_id=warehouse_id,
        )
    session.flush()
    return transfers


# Commission


def commission_lines(session: Session, document_id: int) -> list[CommissionDocumentLine]:
    return live_children(
        session,
        CommissionDocumentLine.commission_document_id,
        document_id,
        CommissionDocumentLine.line_number,
    )


def _fee(
    values: Mapping[str, Any], amount: Decimal, fee_percent: Decimal | None, n: int
) -> Decimal:
    given = values.get("fee_amount")
    if given is not None:
        fee = money(given, f"lines[{n}].fee_amount")
    elif fee_percent is not None:
        fee = (amount * fee_percent / 100).quantize(CENT)
    else:
        fee = Decimal(0)
    if fee > amount:
        raise ValidationFailed(
            "commission.fee_above_amount",
            f"Line {n}: the commission fee {fee} exceeds the sale amount {amount}.",
            field="fee_amount",
            params={"line": n},
        )
    return fee


def _commission_warehouse(session: Session, kind: str, warehouse_id: int | None) -> int | None:
    """The warehouse a kind that moves goods needs; None for the other kinds."""
    if kind not in WAREHOUSE_KINDS:
        return None
    if warehouse_id is None:
        raise ValidationFailed(
            "commission.warehouse_required",
            "This document needs the warehouse the goods leave or sit at.",
            field="warehouse_id",
        )
    require_reference(session, Warehouse, warehouse_id, "warehouse_id")
    return warehouse_id


def create_commission_document(
    session: Session,
    *,
    kind: str,
    organization_id: int,
    partner_id: int,
    lines: Sequence[Mapping[str, Any]],
    warehouse_id: int | None = None,
    fee_percent: Decimal | int | str | None = None,
    amount: Decimal | int | str | None = None,
    documented_at: dt.datetime | None = None,
    comment: str | None = None,
) -> CommissionDocument:
    """A commission document of `organization_id` with the commissioner or committent
    `partner_id` (see the module docstring for each kind's movements). Line prices default to
    the product's base price (cost price for a write-off); a sales line's fee is given or is
    `fee_percent` of its amount."""
    if kind not in COMMISSION_KINDS:
        raise ValidationFailed(
            "commission.kind", f"kind must be one of {', '.join(COMMISSION_KINDS)}.", field="kind"
        )
    require_reference(session, Organization, organization_id, "organization_id")
    require_reference(session, Partner, partner_id, "partner_id")
    warehouse_id = _commission_warehouse(session, kind, warehouse_id)
    pct = None if fee_percent is None else percent(fee_percent, "fee_percent")
    if kind in PAYMENT_KINDS:
        return _commission_payment(
            session, kind, organization_id, partner_id, lines, amount, documented_at, comment
        )
    _require_lines(lines)
    moment = documented_at or utc_now()
    document = CommissionDocument(
        number=next_number(session, CommissionDocument, COMMISSION_PREFIXES[kind]),
        kind=kind,
        organization_id=organization_id,
        partner_id=partner_id,
        warehouse_id=warehouse_id,
        documented_at=moment,
        total_amount=Decimal(0),
        fee_amount=Decimal(0),
        comment=clean_text(comment),
    )
    session.add(document)
    session.flush()
    total = fees = Decimal(0)
    for n, values in enumerate(lines, start=1):
        product = _product(session, values.get("product_id"), n)
        qty = quantity(values.get("quantity", 0), f"lines[{n}].quantity")
        default = product.cost_price if kind == "commissioner_writeoff" else product.base_price
        given = values.get("price")
        price = Decimal(default) if given is None else money(given, f"lines[{n}].price")
        amount = (qty * price).quantize(CENT)
        fee = _fee(values, amount, pct, n) if kind in SALES_KINDS else Decimal(0)
        buyer_id = values.get("buyer_partner_id") if kind in SALES_KINDS else None
        require_reference(session, Partner, buyer_id, f"lines[{n}].buyer_partner_id")
        _commission_movements(session, document, product.id, qty, n)
        session.add(
            CommissionDocumentLine(
                commission_document_id=document.id,
                line_number=n,
                product_id=product.id,
                quantity=qty,
                price=price,
                amount=amount,
                fee_amount=fee,
                buyer_partner_id=buyer_id,
                buyer_name=clean_text(values.get("buyer_name")) if kind in SALES_KINDS else None,
            )
        )
        total += amount
        fees += fee
    document.total_amount = total
    document.fee_amount = fees
    session.flush()
    return document


def _commission_payment(
    session: Session,
    kind: str,
    organization_id: int,
    partner_id: int,
    lines: Sequence[Mapping[str, Any]],
    amount: Decimal | int | str | None,
    documented_at: dt.datetime | None,
    comment: str | None,
) -> CommissionDocument:
    if lines:
        raise ValidationFailed(
            "commission.payment_has_no_lines", "A payment has no lines.", field="lines"
        )
    paid = money(amount if amount is not None else 0, "amount")
    if paid <= 0:
        raise ValidationFailed(
            "commission.payment_amount", "A payment needs an amount above 0.", field="amount"
        )
    document = CommissionDocument(
        number=next_number(session, CommissionDocument, COMMISSION_PREFIXES[kind]),
        kind=kind,
        organization_id=organization_id,
        partner_id=partner_id,
        warehouse_id=None,
        documented_at=documented_at or utc_now(),
        total_amount=paid,
        fee_amount=Decimal(0),
        comment=clean_text(comment),
    )
    session.add(document)
    session.flush()
    return document


def _commission_movements(
    session: Session, document: CommissionDocument, product_id: int, qty: Decimal, n: int
) -> None:
    org, partner, warehouse = document.organization_id, document.partner_id, document.warehouse_id
    common = {
        "organization_id": org,
        "product_id": product_id,
        "document_type": document.kind,
        "document_id": document.id,
        "moved_at": document.documented_at,
    }
    if document.kind == "to_commissioner":
        assert warehouse is not None
        _require_owned(session, org, product_id, qty, n, warehouse_id=warehouse)
        # The goods physically leave our warehouse.
        set_stock(session, product_id=product_id, warehouse_id=warehouse, delta=-qty)
        _move(session, qty=-qty, warehouse_id=warehouse, **common)
        _move(session, qty=qty, commissioner_id=partner, **common)
    elif document.kind in ("commissioner_sales", "commissioner_writeoff"):
        _require_owned(session, org, product_id, qty, n, commissioner_id=partner)
        _move(session, qty=-qty, commissioner_id=partner, **common)
    elif document.kind == "from_committent":
        _move(session, qty=qty, warehouse_id=warehouse, committent_id=partner, **common)
    else:  # committent_report
        _require_owned(
            session, org, product_id, qty, n, warehouse_id=warehouse, committent_id=partner
        )
        _move(session, qty=-qty, warehouse_id=warehouse, committent_id=partner, **common)


# Deleting (soft): a mistaken document is taken back with its movements


def _movements_of(session: Session, document_type: str, document_id: int) -> list[StockMovement]:
    return list(
        session.scalars(
            select(StockMovement).where(
                StockMovement.document_type == document_type,
                StockMovement.document_id == document_id,
                StockMovement.deleted_at.is_(None),
            )
        )
    )


def _take_back(session: Session, movements: list[StockMovement], now: dt.datetime) -> None:
    """Soft-delete `movements`, refused when goods they brought in have moved on since."""
    for movement in movements:
        if Decimal(movement.quantity) <= 0:
            continue
        held = owned_quantity(
            session,
            movement.organization_id,
            movement.product_id,
            warehouse_id=movement.warehouse_id,
            commissioner_id=movement.commissioner_id,
            committent_id=movement.committent_id,
        )
        if held < Decimal(movement.quantity):
            raise TransitionNotAllowed(
                "ownership.document_in_use",
                "The goods this document brought have moved on since; delete the later "
                "documents first.",
                params={"held": str(held), "quantity": str(movement.quantity)},
            )
    for movement in movements:
        movement.deleted_at = movement.updated_at = now


def delete_intercompany_document(
    session: Session, document: IntercompanyDocument, *, expected_version: int | None = None
) -> None:
    """Take back a Передача or Возврат entered by an operator; an automatic transfer belongs
    to its shipment and stays."""
    check_version(document, expected_version)
    if document.is_automatic:
        raise TransitionNotAllowed(
            "intercompany.automatic",
            "An automatic transfer belongs to its shipment and cannot be deleted.",
        )
    now = utc_now()
    _take_back(session, _movements_of(session, f"intercompany_{document.kind}", document.id), now)
    for line in intercompany_lines(session, document.id):
        line.deleted_at = line.updated_at = now
    soft_delete(document, expected_version, now)
    session.flush()


def delete_commission_document(
    session: Session, document: CommissionDocument, *, expected_version: int | None = None
) -> None:
    """Take back a commission document: its goods return where they were (the goods handed to a
    commissioner return to the warehouse's on-hand)."""
    check_version(document, expected_version)
    now = utc_now()
    movements = _movements_of(session, document.kind, document.id)
    _take_back(session, movements, now)
    if document.kind == "to_commissioner":
        for movement in movements:
            if movement.warehouse_id is not None:
                set_stock(
                    session,
                    product_id=movement.product_id,
                    warehouse_id=movement.warehouse_id,
                    delta=-Decimal(movement.quantity),
                )
    for line in commission_lines(session, document.id):
        line.deleted_at = line.updated_at = now
    soft_delete(document, expected_version, now)
    session.flush()
