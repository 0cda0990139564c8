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
    return Paged[OfferPublic](
        items=[OfferPublic.model_validate(o) for o in page.items], total=page.total
    )


@router.post("/offers/expire-overdue", response_model=ExpiredOffers)
def expire_overdue(session: SessionDep) -> ExpiredOffers:
    expired = service.expire_overdue(session)
    session.commit()
    return ExpiredOffers(expired=[offer.id for offer in expired])


@router.get("/offers/{offer_id}", response_model=OfferDetail)
def get_offer(session: SessionDep, offer_id: IdPath) -> OfferDetail:
    return offer_detail(session, get_or_404(session, CommercialOffer, offer_id))


@router.post("/offers", response_model=OfferDetail, status_code=status.HTTP_201_CREATED)
def create_offer(session: SessionDep, body: OfferCreate) -> OfferDetail:
    values = body.model_dump(exclude={"lines"})
    lines = [line.model_dump(exclude_none=True) for line in body.lines]
    offer = service.create_offer(session, **values, lines=lines)
    session.commit()
    return offer_detail(session, offer)


@router.patch("/offers/{offer_id}", response_model=OfferDetail)
def update_offer(session: SessionDep, offer_id: IdPath, body: OfferUpdate) -> OfferDetail:
    offer = get_or_404(session, CommercialOffer, offer_id)
    service.update_offer(session, offer, body.changes(), expected_version=body.version)
    session.commit()
    return offer_detail(session, offer)


@router.delete("/offers/{offer_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_offer(session: SessionDep, offer_id: IdPath, body: DeleteBody | None = None) -> None:
    offer = get_or_404(session, CommercialOffer, offer_id)
    service.delete_offer(session, offer, expected_version=body.version if body else None)
    session.commit()


@router.post(
    "/offers/{offer_id}/lines", response_model=OfferDetail, status_code=status.HTTP_201_CREATED
)
def add_offer_line(session: SessionDep, offer_id: IdPath, body: OfferLineInput) -> OfferDetail:
    offer = get_or_404(session, CommercialOffer, offer_id)
    service.add_line(session, offer, body.model_dump(exclude_none=True))
    session.commit()
    return offer_detail(session, offer)


@router.patch("/offers/{offer_id}/lines/{line_id}", response_model=OfferDetail)
def update_offer_line(
    session: SessionDep, offer_id: IdPath, line_id: IdPath, body: OfferLineUpdate
) -> OfferDetail:
    offer = get_or_404(session, CommercialOffer, offer_id)
    line = service.get_line(session, offer, line_id)
    service.update_line(session, offer, line, body.changes(), expected_version=body.version)
    session.commit()
    return offer_detail(session, offer)


@router.delete("/offers/{offer_id}/lines/{line_id}", response_model=OfferDetail)
def delete_offer_line(
    session: SessionDep, offer_id: IdPath, line_id: IdPath, body: DeleteBody | None = None
) -> OfferDetail:
    offer = get_or_404(session, CommercialOffer, offer_id)
    line = service.get_line(session, offer, line_id)
    service.delete_line(session, offer, line, expected_version=body.version if body else None)
    session.commit()
    return offer_detail(session, offer)


@router.post("/offers/{offer_id}/send", response_model=OfferDetail)
def send_offer(session: SessionDep, offer_id: IdPath, body: Action | None = None) -> OfferDetail:
    offer = get_or_404(session, CommercialOffer, offer_id)
    service.send_offer(session, offer, expected_version=body.version if body else None)
    session.commit()
    return offer_detail(session, offer)


@router.post("/offers/{offer_id}/accept", response_model=OfferDetail)
def accept_offer(
    session: SessionDep, user: CurrentUser, offer_id: IdPath, body: OfferAccept | None = None
) -> OfferDetail:
    """The offer becomes accepted and its customer order is created (see `order_ids`)."""
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
    offer = get_or_404(session, CommercialOffer, offer_id)
    service.reject_offer(
        session, offer, expected_version=body.version if body else None, decided_by_id=user.id
    )
    session.commit()
    return offer_detail(session, offer)


@router.post("/offers/{offer_id}/expire", response_model=OfferDetail)
def expire_offer(session: SessionDep, offer_id: IdPath, body: Action | None = None) -> OfferDetail:
    offer = get_or_404(session, CommercialOffer, offer_id)
    service.expire_offer(session, offer, expected_version=body.version if body else None)
    session.commit()
    return offer_detail(session, offer)
