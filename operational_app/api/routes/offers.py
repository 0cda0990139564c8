"""Коммерческие предложения: CRUD, lines, and the actions send / accept / reject / expire."""

from __future__ import annotations

from fastapi import APIRouter, status

from operational_app.api.deps import (
    CurrentUser,
    IdFilter,
    IdPath,
    Limit,
    Offset,
    SearchText,
    SessionDep,
)
from operational_app.api.schemas import Paged
from operational_app.api.schemas_sales import (
    Action,
    DeleteBody,
    ExpiredOffers,
    OfferAccept,
    OfferCreate,
    OfferDetail,
    OfferLineInput,
    OfferLinePublic,
    OfferLineUpdate,
    OfferPublic,
    OfferStatus,
    OfferUpdate,
)
from operational_app.db.models import CommercialOffer
from operational_app.domain import offers as service
from operational_app.domain import sales_queries
from operational_app.domain.common import get_or_404

router = APIRouter(tags=["offers"])


def offer_detail(session: SessionDep, offer: CommercialOffer) -> OfferDetail:
    return OfferDetail.model_validate(
        {
            **OfferPublic.model_validate(offer).model_dump(),
            "lines": [
                OfferLinePublic.model_validate(line)
                for line in service.offer_lines(session, offer.id)
            ],
            "order_ids": [order.id for order in service.offer_orders(session, offer.id)],
        }
    )


@router.get("/offers", response_model=Paged[OfferPublic])
def list_offers(
    session: SessionDep,
    q: SearchText = None,
    status: OfferStatus | None = None,
    partner_id: IdFilter = None,
    deal_id: IdFilter = None,
    agreement_id: IdFilter = None,
    sort: SearchText = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Paged[OfferPublic]:
    """List commercial offers (Коммерческие предложения клиентам), filtered, sorted and paged.

    `q` matches the number or comment; filter by `status` (draft, sent, accepted, rejected,
    expired), `partner_id`, `deal_id`, `agreement_id`. `sort` is one of number, status,
    valid_until, total_amount, created_at (`-` for descending); the default is newest first."""
    page = sales_queries.list_offers(
        session,
        q=q,
        status=status,
        partner_id=partner_id,
        deal_id=deal_id,
        agreement_id=agreement_id,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return Paged[OfferPublic].of(page.items, page.total)


@router.post("/offers/expire-overdue", response_model=ExpiredOffers)
def expire_overdue(session: SessionDep) -> ExpiredOffers:
    """Expire every draft or sent offer whose `valid_until` has passed; returns them.

    Offers still valid are untouched; /offers/{id}/expire does the same for one offer."""
    expired = service.expire_overdue(session)
    session.commit()
    return ExpiredOffers(expired=[offer.id for offer in expired])


@router.get("/offers/{offer_id}", response_model=OfferDetail)
def get_offer(session: SessionDep, offer_id: IdPath) -> OfferDetail:
    """Read an offer with its lines and the orders created from it (`order_ids`)."""
    return offer_detail(session, get_or_404(session, CommercialOffer, offer_id))


@router.post("/offers", response_model=OfferDetail, status_code=status.HTTP_201_CREATED)
def create_offer(session: SessionDep, body: OfferCreate) -> OfferDetail:
    """Create a draft commercial offer (Коммерческое предложение клиенту) with its lines.

    Line prices default to the agreement's price (base price less its discount); the agreement must
    serve the partner and be valid today (`agreement.other_partner`, `agreement.not_valid_on`); a
    deal must be the partner's (`offer.deal_of_other_partner`). Totals are computed."""
    values = body.model_dump(exclude={"lines"})
    lines = [line.model_dump(exclude_none=True) for line in body.lines]
    offer = service.create_offer(session, **values, lines=lines)
    session.commit()
    return offer_detail(session, offer)


@router.patch("/offers/{offer_id}", response_model=OfferDetail)
def update_offer(session: SessionDep, offer_id: IdPath, body: OfferUpdate) -> OfferDetail:
    """Change a draft offer's header (PATCH).

    Only a draft (409 `offer.status_forbids`). Send the `version` you read: an older one is 409
    `stale_version`."""
    offer = get_or_404(session, CommercialOffer, offer_id)
    service.update_offer(session, offer, body.changes(), expected_version=body.version)
    session.commit()
    return offer_detail(session, offer)


@router.delete("/offers/{offer_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_offer(session: SessionDep, offer_id: IdPath, body: DeleteBody | None = None) -> None:
    """Delete a draft offer (a soft delete); any other status is 409 `offer.status_forbids`."""
    offer = get_or_404(session, CommercialOffer, offer_id)
    service.delete_offer(session, offer, expected_version=body.version if body else None)
    session.commit()


@router.post(
    "/offers/{offer_id}/lines", response_model=OfferDetail, status_code=status.HTTP_201_CREATED
)
def add_offer_line(session: SessionDep, offer_id: IdPath, body: OfferLineInput) -> OfferDetail:
    """Add a line to a draft offer; the totals are recomputed.

    The price defaults to the agreement's price; a negative resulting price is
    `offer_line.negative_price`. Only a draft (409 `offer.status_forbids`)."""
    offer = get_or_404(session, CommercialOffer, offer_id)
    service.add_line(session, offer, body.model_dump(exclude_none=True))
    session.commit()
    return offer_detail(session, offer)


@router.patch("/offers/{offer_id}/lines/{line_id}", response_model=OfferDetail)
def update_offer_line(
    session: SessionDep, offer_id: IdPath, line_id: IdPath, body: OfferLineUpdate
) -> OfferDetail:
    """Change a line of a draft offer (PATCH); the totals are recomputed.

    Only a draft (409 `offer.status_forbids`); a line of another offer is 404
    (`offer_line.not_found`). `version` is the offer's: an older one is 409 `stale_version`."""
    offer = get_or_404(session, CommercialOffer, offer_id)
    line = service.get_line(session, offer, line_id)
    service.update_line(session, offer, line, body.changes(), expected_version=body.version)
    session.commit()
    return offer_detail(session, offer)


@router.delete("/offers/{offer_id}/lines/{line_id}", response_model=OfferDetail)
def delete_offer_line(
    session: SessionDep, offer_id: IdPath, line_id: IdPath, body: DeleteBody | None = None
) -> OfferDetail:
    """Remove a line from a draft offer; the totals are recomputed.

    Only a draft (409 `offer.status_forbids`). The optional body's `version` is the offer's."""
    offer = get_or_404(session, CommercialOffer, offer_id)
    line = service.get_line(session, offer, line_id)
    service.delete_line(session, offer, line, expected_version=body.version if body else None)
    session.commit()
    return offer_detail(session, offer)


@router.post("/offers/{offer_id}/send", response_model=OfferDetail)
def send_offer(session: SessionDep, offer_id: IdPath, body: Action | None = None) -> OfferDetail:
    """Send a draft offer to the customer: draft → sent.

    It needs at least one line (`offer.no_lines`) and must not be past `valid_until`
    (`offer.overdue`). Once sent the offer is frozen; the customer may accept or reject it on the
    portal until it expires."""
    offer = get_or_404(session, CommercialOffer, offer_id)
    service.send_offer(session, offer, expected_version=body.version if body else None)
    session.commit()
    return offer_detail(session, offer)


@router.post("/offers/{offer_id}/accept", response_model=OfferDetail)
def accept_offer(
    session: SessionDep, user: CurrentUser, offer_id: IdPath, body: OfferAccept | None = None
) -> OfferDetail:
    """The offer becomes accepted and its customer order is created (see `order_ids`).

    Sent → accepted, all or nothing: the order (Заказ клиента) copies the lines with the price
    adjustment folded in; `warehouse_id`, when given, is set on its lines. Only a sent offer
    (409 `offer.status_forbids`; a second acceptance is refused the same way) not past
    `valid_until` (`offer.overdue`)."""
    offer = get_or_404(session, CommercialOffer, offer_id)
    service.accept_offer(
        session,
        offer,
        warehouse_id=body.warehouse_id if body else None,
        expected_version=body.version if body else None,
        decided_by_id=user.id,
    )
    session.commit()
    return offer_detail(session, offer)


@router.post("/offers/{offer_id}/reject", response_model=OfferDetail)
def reject_offer(
    session: SessionDep, user: CurrentUser, offer_id: IdPath, body: Action | None = None
) -> OfferDetail:
    """Record that the customer declined a sent offer: sent → rejected.

    The optional reason is kept in the offer's comment. Only a sent offer (409
    `offer.status_forbids`)."""
    offer = get_or_404(session, CommercialOffer, offer_id)
    service.reject_offer(
        session, offer, expected_version=body.version if body else None, decided_by_id=user.id
    )
    session.commit()
    return offer_detail(session, offer)


@router.post("/offers/{offer_id}/expire", response_model=OfferDetail)
def expire_offer(session: SessionDep, offer_id: IdPath, body: Action | None = None) -> OfferDetail:
    """Expire one draft or sent offer whose `valid_until` has passed: → expired.

    An offer still valid is refused (`offer.not_overdue`); other statuses are 409
    `offer.status_forbids`."""
    offer = get_or_404(session, CommercialOffer, offer_id)
    service.expire_offer(session, offer, expected_version=body.version if body else None)
    session.commit()
    return offer_detail(session, offer)
