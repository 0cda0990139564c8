"""Portal API: commercial offers sent to the customer, under /api/portal. Every query goes
through PortalScope (drafts are never visible); accepting and rejecting go through the same
domain rules as an operator's (domain/offers.py), with the portal user as `decided_by_id`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.api.deps import IdPath, Limit, Offset, SessionDep
from operational_app.api.schemas import Input, Paged, Public, UtcTimestamp, Version, text
from operational_app.db.models import CommercialOffer, CommercialOfferLine, Product, utc_now
from operational_app.domain import offers as offer_service
from operational_app.domain.queries import _page
from operational_app.portal.deps import CurrentCustomer, Customer

router = APIRouter(tags=["portal"])


def request_now() -> dt.datetime:
    """ "Now" of a portal request (naive UTC); tests override this dependency to pin the date."""
    return utc_now()


Now = Annotated[dt.datetime, Depends(request_now)]


class OfferDecision(Input):
    version: Version | None = None


class OfferRejection(OfferDecision):
    reason: text(2000, min_length=0) | None = None


class PortalOfferLine(Public):
    line_number: int
    product_id: int
    product_name: str
    quantity: Decimal
    price: Decimal
    discount_percent: Decimal
    price_adjustment: Decimal
    amount: Decimal


class PortalOffer(Public):
    id: int
    number: str
    status: str
    offered_at: UtcTimestamp | None
    valid_until: dt.date | None
    decided_at: UtcTimestamp | None
    total_amount: Decimal
    comment: str | None
    version: int
    is_expired: bool
    can_decide: bool


class PortalOfferDetail(PortalOffer):
    lines: list[PortalOfferLine]
    order_ids: list[int]


_OFFER_COLUMNS = (
    "id",
    "number",
    "status",
    "offered_at",
    "valid_until",
    "decided_at",
    "total_amount",
    "comment",
    "version",
)
_LINE_COLUMNS = (
    "line_number",
    "product_id",
    "quantity",
    "price",
    "discount_percent",
    "price_adjustment",
    "amount",
)


def offer_summary(offer: CommercialOffer, now: dt.datetime) -> PortalOffer:
    """The offer as the customer sees it; `is_expired` also for a sent offer past valid_until
    that nobody has expired yet (as of `now`)."""
    today = now.date()
    return PortalOffer.model_validate(
        {
            **{column: getattr(offer, column) for column in _OFFER_COLUMNS},
            "is_expired": offer.status == "expired"
            or (offer.status == "sent" and offer_service.is_overdue(offer, today)),
            "can_decide": offer_service.can_decide(offer, today),
        }
    )


def offer_lines(session: Session, customer: Customer, offer: CommercialOffer) -> list[dict]:
    statement = (
        select(CommercialOfferLine, Product.name)
        .join(Product, Product.id == CommercialOfferLine.product_id)
        .where(CommercialOfferLine.commercial_offer_id == offer.id)
        .order_by(CommercialOfferLine.line_number)
    )
    rows = session.execute(customer.scope.where(statement, CommercialOfferLine)).all()
    return [
        {**{column: getattr(line, column) for column in _LINE_COLUMNS}, "product_name": name}
        for line, name in rows
    ]


def offer_detail(
    session: Session, customer: Customer, offer: CommercialOffer, now: dt.datetime
) -> PortalOfferDetail:
    orders = [order.id for order in offer_service.offer_orders(session, offer.id)]
    return PortalOfferDetail.model_validate(
        {
            **offer_summary(offer, now).model_dump(),
            "lines": offer_lines(session, customer, offer),
            "order_ids": orders,
        }
    )


@router.get("/offers", response_model=Paged[PortalOffer])
def list_offers(
    session: SessionDep, customer: CurrentCustomer, now: Now, limit: Limit = 50, offset: Offset = 0
) -> Any:
    """List the commercial offers made to the customer (Коммерческие предложения), newest first.

    `can_decide` says whether the offer may still be accepted or rejected (sent and not past
    `valid_until`); `is_expired` is also true for a sent offer past its date."""
    page = _page(
        session,
        customer.scope.select(CommercialOffer),
        (CommercialOffer.offered_at.desc(), CommercialOffer.id.desc()),
        limit,
        offset,
    )
    return {"items": [offer_summary(offer, now) for offer in page.items], "total": page.total}


@router.get("/offers/{offer_id}", response_model=PortalOfferDetail)
def get_offer(session: SessionDep, customer: CurrentCustomer, now: Now, offer_id: IdPath) -> Any:
    """Read one offer made to the customer, with lines and the orders it became.

    Another partner's offer is 404, as a missing one."""
    offer = customer.scope.get(session, CommercialOffer, offer_id)
    return offer_detail(session, customer, offer, now)


def locked_offer(session: Session, customer: Customer, offer_id: int) -> CommercialOffer:
    """The customer's offer, its row locked for the decision (PostgreSQL): of two acceptances
    at once the second waits and then finds it accepted. SQLite writers take turns anyway, and
    the offer's version refuses a decision made on a copy read before the other's commit."""
    offer = session.scalars(
        customer.scope.select(CommercialOffer)
        .where(CommercialOffer.id == offer_id)
        .with_for_update()
    ).first()
    if offer is None:
        return customer.scope.get(session, CommercialOffer, offer_id)  # the scope's NotFound
    return offer


def accept(
    session: Session,
    customer: Customer,
    offer_id: int,
    *,
    version: int | None,
    now: dt.datetime,
) -> CommercialOffer:
    offer = locked_offer(session, customer, offer_id)
    offer_service.accept_offer(
        session, offer, expected_version=version, now=now, decided_by_id=customer.user.id
    )
    session.commit()
    return offer


def reject(
    session: Session,
    customer: Customer,
    offer_id: int,
    *,
    version: int | None,
    reason: str | None,
    now: dt.datetime,
) -> CommercialOffer:
    offer = locked_offer(session, customer, offer_id)
    offer_service.reject_offer(
        session,
        offer,
        expected_version=version,
        now=now,
        decided_by_id=customer.user.id,
        reason=reason,
    )
    session.commit()
    return offer


@router.post("/offers/{offer_id}/accept", response_model=PortalOfferDetail)
def accept_offer(
    session: SessionDep,
    customer: CurrentCustomer,
    now: Now,
    offer_id: IdPath,
    body: OfferDecision | None = None,
) -> Any:
    """Accept the offer: it becomes a customer order (see `order_ids`), as when the manager
    accepts it. Refused (409) once decided or past valid_until."""
    offer = accept(session, customer, offer_id, version=body.version if body else None, now=now)
    return offer_detail(session, customer, offer, now)


@router.post("/offers/{offer_id}/reject", response_model=PortalOfferDetail)
def reject_offer(
    session: SessionDep,
    customer: CurrentCustomer,
    now: Now,
    offer_id: IdPath,
    body: OfferRejection | None = None,
) -> Any:
    """Decline the offer, optionally saying why (kept in the offer's comment)."""
    offer = reject(
        session,
        customer,
        offer_id,
        version=body.version if body else None,
        reason=body.reason if body else None,
        now=now,
    )
    return offer_detail(session, customer, offer, now)
