"""Коммерческие предложения клиентам: priced lines, statuses, and the order an offer becomes.

Statuses: draft → sent → accepted | rejected | expired. A draft or sent offer whose valid_until
has passed expires (the `expire` action, or `expire_overdue` for all of them at once); an
expired offer cannot be accepted. Accepting creates the customer order in the same transaction.

Line amount = quantity × (price + price_adjustment) × (1 − discount%/100), rounded to kopecks;
the price defaults to the agreement price (base price less the agreement discount).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.db.models import (
    Agreement,
    CommercialOffer,
    CommercialOfferLine,
    CustomerOrder,
    Deal,
    Organization,
    Partner,
    Product,
    User,
    Warehouse,
    utc_now,
)
from operational_app.domain.agreements import agreement_price, require_applicable
from operational_app.domain.common import clean_text, live_children, require_reference
from operational_app.domain.errors import (
    NotFound,
    TransitionNotAllowed,
    ValidationFailed,
    check_version,
)
from operational_app.domain.orders import line_amount, order_from_offer
from operational_app.domain.products import (
    money,
    next_number,
    percent,
    quantity,
    soft_delete,
)

NUMBER_PREFIX = "КП-"
HEADER_FIELDS = (
    "agreement_id",
    "deal_id",
    "organization_id",
    "manager_id",
    "valid_until",
    "comment",
)
LINE_FIELDS = ("product_id", "quantity", "price", "discount_percent", "price_adjustment")
OPEN_STATUSES = ("draft", "sent")
# How a customer's reason for rejecting an offer is appended to its comment (data, in Russian).
REJECTION_REASON_PREFIX = "Причина отказа клиента: "


def offer_lines(session: Session, offer_id: int) -> list[CommercialOfferLine]:
    return live_children(
        session,
        CommercialOfferLine.commercial_offer_id,
        offer_id,
        CommercialOfferLine.line_number,
    )


def get_line(session: Session, offer: CommercialOffer, line_id: int) -> CommercialOfferLine:
    line = session.get(CommercialOfferLine, line_id)
    if line is None or line.deleted_at is not None or line.commercial_offer_id != offer.id:
        raise NotFound(
            "offer_line.not_found",
            f"Offer {offer.number} has no line {line_id}.",
            params={"id": line_id},
        )
    return line


def offer_orders(session: Session, offer_id: int) -> list[CustomerOrder]:
    return list(
        session.scalars(
            select(CustomerOrder).where(
                CustomerOrder.commercial_offer_id == offer_id, CustomerOrder.deleted_at.is_(None)
            )
        )
    )


def _require_status(offer: CommercialOffer, allowed: tuple[str, ...], action: str) -> None:
    if offer.status not in allowed:
        raise TransitionNotAllowed(
            "offer.status_forbids",
            f"Offer {offer.number} is {offer.status}; {action} needs status "
            f"{' or '.join(allowed)}.",
            params={"status": offer.status, "action": action, "allowed": ", ".join(allowed)},
        )


def _agreement(session: Session, offer: CommercialOffer) -> Agreement | None:
    return session.get(Agreement, offer.agreement_id) if offer.agreement_id else None


def _apply_line(
    session: Session,
    line: CommercialOfferLine,
    values: Mapping[str, Any],
    agreement: Agreement | None,
) -> None:
    if "product_id" in values:
        product = require_reference(session, Product, values["product_id"], "product_id")
        if product is None:
            raise ValidationFailed(
                "text.required",
                "product_id is required.",
                field="product_id",
                params={"field": "product_id"},
            )
        line.product_id = product.id
        if values.get("price") is None:
            line.price = agreement_price(product, agreement)
    if values.get("price") is not None:
        line.price = money(values["price"], "price")
    if "quantity" in values:
        line.quantity = quantity(values["quantity"])
    if values.get("discount_percent") is not None:
        line.discount_percent = percent(values["discount_percent"], "discount_percent")
    if values.get("price_adjustment") is not None:
        line.price_adjustment = money(
            values["price_adjustment"], "price_adjustment", allow_negative=True
        )
    unit_price = Decimal(line.price) + Decimal(line.price_adjustment)
    if unit_price < 0:
        raise ValidationFailed(
            "offer_line.negative_price",
            "The price adjustment takes the price below zero.",
            field="price_adjustment",
        )
    line.amount = line_amount(Decimal(line.quantity), unit_price, Decimal(line.discount_percent))


def _new_line(
    session: Session,
    offer: CommercialOffer,
    values: Mapping[str, Any],
    number: int,
    agreement: Agreement | None,
) -> CommercialOfferLine:
    for field in ("product_id", "quantity"):
        if values.get(field) is None:
            raise ValidationFailed(
                "text.required", f"{field} is required.", field=field, params={"field": field}
            )
    line = CommercialOfferLine(
        commercial_offer_id=offer.id,
        line_number=number,
        discount_percent=Decimal(0),
        price_adjustment=Decimal(0),
    )
    _apply_line(session, line, values, agreement)
    session.add(line)
    return line


def _recalculate(session: Session, offer: CommercialOffer) -> None:
    session.flush()
    offer.total_amount = sum(
        (Decimal(line.amount) for line in offer_lines(session, offer.id)), Decimal(0)
    )


def _apply_header(session: Session, offer: CommercialOffer, values: Mapping[str, Any]) -> None:
    if "agreement_id" in values:
        offer.agreement_id = values["agreement_id"]
        require_applicable(session, offer.agreement_id, offer.partner_id, utc_now().date())
    if "deal_id" in values:
        deal = require_reference(session, Deal, values["deal_id"], "deal_id")
        if deal is not None and deal.partner_id != offer.partner_id:
            raise ValidationFailed(
                "offer.deal_of_other_partner",
                "The deal belongs to another partner.",
                field="deal_id",
            )
        offer.deal_id = values["deal_id"]
    if "organization_id" in values:
        require_reference(session, Organization, values["organization_id"], "organization_id")
        offer.organization_id = values["organization_id"]
    if "manager_id" in values:
        require_reference(session, User, values["manager_id"], "manager_id")
        offer.manager_id = values["manager_id"]
    if "valid_until" in values:
        offer.valid_until = values["valid_until"]
    if "comment" in values:
        offer.comment = clean_text(values["comment"])


def create_offer(
    session: Session,
    *,
    partner_id: int,
    agreement_id: int | None = None,
    deal_id: int | None = None,
    organization_id: int | None = None,
    manager_id: int | None = None,
    valid_until: dt.date | None = None,
    comment: str | None = None,
    lines: Iterable[Mapping[str, Any]] = (),
    now: dt.datetime | None = None,
) -> CommercialOffer:
    now = now or utc_now()
    require_reference(session, Partner, partner_id, "partner_id")
    offer = CommercialOffer(
        partner_id=partner_id,
        status="draft",
        total_amount=Decimal(0),
        created_at=now,
        updated_at=now,
    )
    _apply_header(
        session,
        offer,
        {
            "agreement_id": agreement_id,
            "deal_id": deal_id,
            "organization_id": organization_id,
            "manager_id": manager_id,
            "valid_until": valid_until,
            "comment": comment,
        },
    )
    offer.number = next_number(session, CommercialOffer, NUMBER_PREFIX)
    session.add(offer)
    session.flush()
    agreement = _agreement(session, offer)
    for number, values in enumerate(lines, start=1):
        _new_line(session, offer, values, number, agreement)
    _recalculate(session, offer)
    session.flush()
    return offer


def update_offer(
    session: Session,
    offer: CommercialOffer,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> CommercialOffer:
    check_version(offer, expected_version)
    _require_status(offer, ("draft",), "editing")
    _apply_header(session, offer, {k: v for k, v in changes.items() if k in HEADER_FIELDS})
    offer.updated_at = utc_now()
    session.flush()
    return offer


def delete_offer(
    session: Session, offer: CommercialOffer, *, expected_version: int | None = None
) -> None:
    _require_status(offer, ("draft",), "deleting")
    soft_delete(offer, expected_version)
    session.flush()


def add_line(
    session: Session,
    offer: CommercialOffer,
    values: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> CommercialOfferLine:
    check_version(offer, expected_version)
    _require_status(offer, ("draft",), "changing lines")
    number = (
        session.scalar(
            select(func.max(CommercialOfferLine.line_number)).where(
                CommercialOfferLine.commercial_offer_id == offer.id
            )
        )
        or 0
    ) + 1
    line = _new_line(session, offer, values, number, _agreement(session, offer))
    _recalculate(session, offer)
    offer.updated_at = utc_now()
    session.flush()
    return line


def update_line(
    session: Session,
    offer: CommercialOffer,
    line: CommercialOfferLine,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> CommercialOfferLine:
    check_version(line, expected_version)
    _require_status(offer, ("draft",), "changing lines")
    _apply_line(
        session,
        line,
        {k: v for k, v in changes.items() if k in LINE_FIELDS},
        _agreement(session, offer),
    )
    _recalculate(session, offer)
    offer.updated_at = utc_now()
    session.flush()
    return line


def delete_line(
    session: Session,
    offer: CommercialOffer,
    line: CommercialOfferLine,
    *,
    expected_version: int | None = None,
) -> None:
    check_version(line, expected_version)
    _require_status(offer, ("draft",), "changing lines")
    line.deleted_at = utc_now()
    _recalculate(session, offer)
    offer.updated_at = utc_now()
    session.flush()


def _is_overdue(offer: CommercialOffer, today: dt.date) -> bool:
    return offer.valid_until is not None and offer.valid_until < today


def is_overdue(offer: CommercialOffer, today: dt.date) -> bool:
    """valid_until has passed as of `today` (the offer may still say `sent` until it expires)."""
    return _is_overdue(offer, today)


def can_decide(offer: CommercialOffer, today: dt.date) -> bool:
    """Whether the customer may still accept or reject it: sent and not past valid_until."""
    return offer.status == "sent" and not _is_overdue(offer, today)


def send_offer(
    session: Session,
    offer: CommercialOffer,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> CommercialOffer:
    now = now or utc_now()
    check_version(offer, expected_version)
    _require_status(offer, ("draft",), "sending")
    if not offer_lines(session, offer.id):
        raise ValidationFailed("offer.no_lines", f"Offer {offer.number} has no lines.")
    if _is_overdue(offer, now.date()):
        raise TransitionNotAllowed(
            "offer.overdue",
            f"Offer {offer.number} was valid until {offer.valid_until}; it can only expire.",
            params={"valid_until": str(offer.valid_until)},
        )
    offer.status = "sent"
    offer.offered_at = now
    offer.updated_at = now
    session.flush()
    return offer


def accept_offer(
    session: Session,
    offer: CommercialOffer,
    *,
    warehouse_id: int | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
    decided_by_id: int | None = None,
) -> CustomerOrder:
    """The customer accepted: the offer closes and its order is created, all or nothing.

    `decided_by_id`: who accepted (the portal user when the customer did it themselves). A
    second acceptance of the same offer (a double click, two tabs) is refused by the status
    rule, or, when both read `sent` at once, by the offer's version: one order either way."""
    now = now or utc_now()
    check_version(offer, expected_version)
    _require_status(offer, ("sent",), "accepting")
    if _is_overdue(offer, now.date()):
        raise TransitionNotAllowed(
            "offer.overdue",
            f"Offer {offer.number} was valid until {offer.valid_until}; it can only expire.",
            params={"valid_until": str(offer.valid_until)},
        )
    require_reference(session, Warehouse, warehouse_id, "warehouse_id")
    order = order_from_offer(
        session, offer, offer_lines(session, offer.id), warehouse_id=warehouse_id, now=now
    )
    offer.status = "accepted"
    offer.decided_at = now
    offer.decided_by_id = decided_by_id
    offer.updated_at = now
    session.flush()
    return order


def reject_offer(
    session: Session,
    offer: CommercialOffer,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
    decided_by_id: int | None = None,
    reason: str | None = None,
) -> CommercialOffer:
    """The customer declined. `reason` (optional, the customer's words) is kept in the offer's
    comment after REJECTION_REASON_PREFIX: the comment is frozen once the offer was sent."""
    now = now or utc_now()
    check_version(offer, expected_version)
    _require_status(offer, ("sent",), "rejecting")
    reason = clean_text(reason)
    if reason is not None:
        note = REJECTION_REASON_PREFIX + reason
        offer.comment = f"{offer.comment}\n{note}" if offer.comment else note
    offer.status = "rejected"
    offer.decided_at = now
    offer.decided_by_id = decided_by_id
    offer.updated_at = now
    session.flush()
    return offer


def expire_offer(
    session: Session,
    offer: CommercialOffer,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> CommercialOffer:
    now = now or utc_now()
    check_version(offer, expected_version)
    _require_status(offer, OPEN_STATUSES, "expiring")
    if not _is_overdue(offer, now.date()):
        raise TransitionNotAllowed(
            "offer.not_overdue",
            f"Offer {offer.number} is valid until {offer.valid_until or '—'}; it has not expired.",
            params={"valid_until": str(offer.valid_until or "—")},
        )
    offer.status = "expired"
    offer.decided_at = now
    offer.updated_at = now
    session.flush()
    return offer


def expire_overdue(session: Session, *, now: dt.datetime | None = None) -> list[CommercialOffer]:
    """Expire every draft or sent offer whose valid_until has passed; returns them."""
    now = now or utc_now()
    overdue = list(
        session.scalars(
            select(CommercialOffer).where(
                CommercialOffer.deleted_at.is_(None),
                CommercialOffer.status.in_(OPEN_STATUSES),
                CommercialOffer.valid_until < now.date(),
            )
        )
    )
    for offer in overdue:
        offer.status = "expired"
        offer.decided_at = now
        offer.updated_at = now
    session.flush()
    return overdue
