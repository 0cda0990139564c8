"""Магазины, Кассы ККТ, loyalty programmes and discount cards (issue 21): CRUD; the rules live
in operational_app/domain/retail and operational_app/domain/loyalty."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy import select

from operational_app.api.deps import IdFilter, IdPath, Limit, Offset, SessionDep
from operational_app.api.schemas import Paged
from operational_app.api.schemas_retail import (
    CashRegisterCreate,
    CashRegisterPublic,
    CashRegisterUpdate,
    DiscountCardCreate,
    DiscountCardPublic,
    DiscountCardUpdate,
    LoyaltyProgrammeCreate,
    LoyaltyProgrammePublic,
    LoyaltyProgrammeUpdate,
    PointAdjustmentCreate,
    PointAdjustmentPublic,
    StoreCreate,
    StorePublic,
    StoreUpdate,
)
from operational_app.api.schemas_sales import DeleteBody
from operational_app.db.models import (
    CashRegister,
    DiscountCard,
    LoyaltyPointAdjustment,
    LoyaltyProgramme,
    Store,
)
from operational_app.domain import loyalty
from operational_app.domain import retail as service
from operational_app.domain.common import get_or_404
from operational_app.domain.listing import page

router = APIRouter(tags=["retail"])


@router.get("/stores", response_model=Paged[StorePublic])
def list_stores(session: SessionDep, limit: Limit = 50, offset: Offset = 0) -> Paged[StorePublic]:
    """List stores (Магазины) not marked deleted, by name, paged."""
    query = select(Store).where(Store.deleted_at.is_(None))
    stores = page(
        session,
        query,
        sort=None,
        columns={"name": Store.name},
        default="name",
        tiebreak=Store.id,
        limit=limit,
        offset=offset,
    )
    return Paged[StorePublic].of(stores.items, stores.total)


@router.get("/stores/{store_id}", response_model=StorePublic)
def get_store(session: SessionDep, store_id: IdPath) -> Store:
    """Read a store (Магазин); 404 when missing or deleted."""
    return get_or_404(session, Store, store_id)


@router.post("/stores", response_model=StorePublic, status_code=status.HTTP_201_CREATED)
def create_store(session: SessionDep, body: StoreCreate) -> Store:
    """Create a store (Магазин): it sells from one warehouse for one organisation.

    The name is required and unique among live stores (422 `store.name_taken`); the organisation
    and warehouse must exist (422 `reference.unknown`)."""
    store = service.create_store(session, **body.model_dump())
    session.commit()
    return store


@router.patch("/stores/{store_id}", response_model=StorePublic)
def update_store(session: SessionDep, store_id: IdPath, body: StoreUpdate) -> Store:
    """Change a store's fields (PATCH).

    The rules of create apply. Send the `version` you read: an older one is 409 `stale_version`."""
    store = get_or_404(session, Store, store_id)
    service.update_store(session, store, body.changes(), expected_version=body.version)
    session.commit()
    return store


@router.delete("/stores/{store_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_store(session: SessionDep, store_id: IdPath, body: DeleteBody | None = None) -> None:
    """Delete a store (пометка удаления: a soft delete).

    Refused while it has cash registers not deleted (409 `store.has_cash_registers`). The optional
    body's `version` must be current (409 `stale_version`)."""
    store = get_or_404(session, Store, store_id)
    service.delete_store(session, store, expected_version=body.version if body else None)
    session.commit()


@router.get("/cash-registers", response_model=Paged[CashRegisterPublic])
def list_cash_registers(
    session: SessionDep, store_id: IdFilter = None, limit: Limit = 50, offset: Offset = 0
) -> Paged[CashRegisterPublic]:
    """List cash registers (Кассы ККТ) not marked deleted, by registration number, paged;
    `store_id` keeps one store's."""
    query = select(CashRegister).where(CashRegister.deleted_at.is_(None))
    if store_id is not None:
        query = query.where(CashRegister.store_id == store_id)
    registers = page(
        session,
        query,
        sort=None,
        columns={"registration_number": CashRegister.registration_number},
        default="registration_number",
        tiebreak=CashRegister.id,
        limit=limit,
        offset=offset,
    )
    return Paged[CashRegisterPublic].of(registers.items, registers.total)


@router.get("/cash-registers/{register_id}", response_model=CashRegisterPublic)
def get_cash_register(session: SessionDep, register_id: IdPath) -> CashRegister:
    """Read a cash register (Касса ККТ); 404 when missing or deleted."""
    return get_or_404(session, CashRegister, register_id)


@router.post(
    "/cash-registers", response_model=CashRegisterPublic, status_code=status.HTTP_201_CREATED
)
def create_cash_register(session: SessionDep, body: CashRegisterCreate) -> CashRegister:
    """Register a cash register (Касса ККТ) at a store.

    The store must exist (422 `reference.unknown`). The registration number (РН ККТ) is 16 digits
    (422 `registration_number.format`) and unique, deleted registers included (422
    `cash_register.number_taken`); it ties the store's receipts to it. The fiscal drive number is
    16 digits (`fiscal_drive_number.format`), the ОФД's ИНН 10 (`ofd_inn.format`)."""
    register = service.create_cash_register(session, **body.model_dump())
    session.commit()
    return register


@router.patch("/cash-registers/{register_id}", response_model=CashRegisterPublic)
def update_cash_register(
    session: SessionDep, register_id: IdPath, body: CashRegisterUpdate
) -> CashRegister:
    """Change a cash register's fields (PATCH), e.g. a new fiscal drive.

    The rules of create apply. Send the `version` you read: an older one is 409 `stale_version`."""
    register = get_or_404(session, CashRegister, register_id)
    service.update_cash_register(session, register, body.changes(), expected_version=body.version)
    session.commit()
    return register


@router.delete("/cash-registers/{register_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_cash_register(
    session: SessionDep, register_id: IdPath, body: DeleteBody | None = None
) -> None:
    """Delete a cash register (пометка удаления: a soft delete); its registration number stays
    taken. The optional body's `version` must be current (409 `stale_version`)."""
    register = get_or_404(session, CashRegister, register_id)
    service.delete_cash_register(session, register, expected_version=body.version if body else None)
    session.commit()


# Программы лояльности, дисконтные карты, ручные корректировки баллов


@router.get("/loyalty-programmes", response_model=Paged[LoyaltyProgrammePublic])
def list_loyalty_programmes(
    session: SessionDep, limit: Limit = 50, offset: Offset = 0
) -> Paged[LoyaltyProgrammePublic]:
    """Программы лояльности, by name (deleted ones left out)."""
    programmes = page(
        session,
        select(LoyaltyProgramme).where(LoyaltyProgramme.deleted_at.is_(None)),
        sort=None,
        columns={"name": LoyaltyProgramme.name},
        default="name",
        tiebreak=LoyaltyProgramme.id,
        limit=limit,
        offset=offset,
    )
    return Paged[LoyaltyProgrammePublic].of(programmes.items, programmes.total)


@router.get("/loyalty-programmes/{programme_id}", response_model=LoyaltyProgrammePublic)
def get_loyalty_programme(session: SessionDep, programme_id: IdPath) -> LoyaltyProgramme:
    """One loyalty programme; 404 when it does not exist or was deleted."""
    return get_or_404(session, LoyaltyProgramme, programme_id)


@router.post(
    "/loyalty-programmes",
    response_model=LoyaltyProgrammePublic,
    status_code=status.HTTP_201_CREATED,
)
def create_loyalty_programme(session: SessionDep, body: LoyaltyProgrammeCreate) -> LoyaltyProgramme:
    """Create a Программа лояльности: a discount (a fixed % off) or bonus programme (points
    accrued as a % of what is paid, redeemable up to a share of a receipt, valid for a number of
    days after the last purchase).

    422 with `loyalty_programme.name_taken`, `loyalty_programme.kind`, `<field>.range` (percents
    outside 0–100, a non-positive point value or validity) or `loyalty_programme.discount_accrues`
    (a discount programme cannot accrue points)."""
    programme = loyalty.create_programme(session, **body.model_dump())
    session.commit()
    return programme


@router.patch("/loyalty-programmes/{programme_id}", response_model=LoyaltyProgrammePublic)
def update_loyalty_programme(
    session: SessionDep, programme_id: IdPath, body: LoyaltyProgrammeUpdate
) -> LoyaltyProgramme:
    """Change a loyalty programme's fields; `version` is required (409 when the programme
    changed meanwhile). The same 422 rules as creating."""
    programme = get_or_404(session, LoyaltyProgramme, programme_id)
    loyalty.update_programme(session, programme, body.changes(), expected_version=body.version)
    session.commit()
    return programme


@router.delete("/loyalty-programmes/{programme_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_loyalty_programme(
    session: SessionDep, programme_id: IdPath, body: DeleteBody | None = None
) -> None:
    """Delete a loyalty programme (softly); refused with 409 `loyalty_programme.has_cards` while
    cards still belong to it. `version` in the body is optional."""
    programme = get_or_404(session, LoyaltyProgramme, programme_id)
    loyalty.delete_programme(session, programme, expected_version=body.version if body else None)
    session.commit()


@router.get("/discount-cards", response_model=Paged[DiscountCardPublic])
def list_discount_cards(
    session: SessionDep,
    programme_id: IdFilter = None,
    partner_id: IdFilter = None,
    number: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Paged[DiscountCardPublic]:
    """Дисконтные карты by number, narrowed by programme, holder partner or an exact number."""
    query = select(DiscountCard).where(DiscountCard.deleted_at.is_(None))
    if programme_id is not None:
        query = query.where(DiscountCard.programme_id == programme_id)
    if partner_id is not None:
        query = query.where(DiscountCard.partner_id == partner_id)
    if number:
        query = query.where(DiscountCard.number == number.strip()[:40])
    cards = page(
        session,
        query,
        sort=None,
        columns={"number": DiscountCard.number},
        default="number",
        tiebreak=DiscountCard.id,
        limit=limit,
        offset=offset,
    )
    return Paged[DiscountCardPublic].of(cards.items, cards.total)


@router.get("/discount-cards/{card_id}", response_model=DiscountCardPublic)
def get_discount_card(session: SessionDep, card_id: IdPath) -> DiscountCard:
    """One discount card; 404 when it does not exist or was deleted."""
    return get_or_404(session, DiscountCard, card_id)


@router.post("/discount-cards", response_model=DiscountCardPublic, status_code=201)
def create_discount_card(session: SessionDep, body: DiscountCardCreate) -> DiscountCard:
    """Issue a Дисконтная карта in a programme: its number (as the cash register reads it into
    the receipt), and at most one holder, a partner or a contact person (or none: an anonymous
    card). `issued_on` defaults to today.

    422 with `discount_card.number_taken`, `discount_card.one_holder` or
    `discount_card.blocked_before_issue`."""
    card = loyalty.create_card(session, **body.model_dump())
    session.commit()
    return card


@router.patch("/discount-cards/{card_id}", response_model=DiscountCardPublic)
def update_discount_card(
    session: SessionDep, card_id: IdPath, body: DiscountCardUpdate
) -> DiscountCard:
    """Change a discount card (programme, holder, block it with `blocked_on`); `version` is
    required (409 when the card changed meanwhile). The same 422 rules as issuing."""
    card = get_or_404(session, DiscountCard, card_id)
    loyalty.update_card(session, card, body.changes(), expected_version=body.version)
    session.commit()
    return card


@router.delete("/discount-cards/{card_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_discount_card(
    session: SessionDep, card_id: IdPath, body: DeleteBody | None = None
) -> None:
    """Delete a discount card (softly); `version` in the body is optional. Receipts that named
    it stay as they are: the warehouse then shows the card as not registered."""
    card = get_or_404(session, DiscountCard, card_id)
    loyalty.delete_card(session, card, expected_version=body.version if body else None)
    session.commit()


@router.get(
    "/discount-cards/{card_id}/point-adjustments",
    response_model=list[PointAdjustmentPublic],
)
def list_point_adjustments(session: SessionDep, card_id: IdPath) -> list[LoyaltyPointAdjustment]:
    """A card's manual point adjustments, oldest first (the points ledger itself is built in the
    warehouse from the receipts that carry the card)."""
    card = get_or_404(session, DiscountCard, card_id)
    return list(
        session.scalars(
            select(LoyaltyPointAdjustment)
            .where(
                LoyaltyPointAdjustment.card_id == card.id,
                LoyaltyPointAdjustment.deleted_at.is_(None),
            )
            .order_by(LoyaltyPointAdjustment.adjusted_on, LoyaltyPointAdjustment.id)
        )
    )


@router.post(
    "/discount-cards/{card_id}/point-adjustments",
    response_model=PointAdjustmentPublic,
    status_code=status.HTTP_201_CREATED,
)
def create_point_adjustment(
    session: SessionDep, card_id: IdPath, body: PointAdjustmentCreate
) -> LoyaltyPointAdjustment:
    """Add a manual adjustment of a card's points (positive credits, negative debits), e.g. a
    goodwill credit or a correction; 422 `points.zero` for zero points."""
    card = get_or_404(session, DiscountCard, card_id)
    adjustment = loyalty.add_adjustment(session, card, **body.model_dump())
    session.commit()
    return adjustment
