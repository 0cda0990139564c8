"""Read-side queries shared by the JSON API and the web pages (lists with filters and paging)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from operational_app.db.models import (
    CUSTOMER_ROLE,
    BusinessRegion,
    Counterparty,
    Deal,
    DealKind,
    LossReason,
    Partner,
    SalesStage,
    User,
)

RowT = TypeVar("RowT")


@dataclass(frozen=True)
class Page(Generic[RowT]):
    items: Sequence[RowT]
    total: int


def _page(
    session: Session,
    query: Select[Any],
    order_by: Any,
    limit: int,
    offset: int,
    *,
    rows_by_id_of: Any = None,
) -> Page:
    """One page of `query` in `order_by` order, and the total.

    With `rows_by_id_of` (the listed model), the page's ids are found first and only those
    rows are read (a deferred join): skipping `offset` rows then walks an index of the order's
    columns alone, where reading whole rows to skip them costs a table lookup per skipped row
    (bench/README.md has the figures).
    """
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    if rows_by_id_of is None:
        items = session.scalars(query.order_by(*order_by).limit(limit).offset(offset)).all()
    else:
        page_ids = (
            query.with_only_columns(rows_by_id_of.id)
            .order_by(*order_by)
            .limit(limit)
            .offset(offset)
            .subquery()
        )
        items = session.scalars(
            select(rows_by_id_of)
            .join(page_ids, rows_by_id_of.id == page_ids.c.id)
            .order_by(*order_by)
        ).all()
    return Page(items=items, total=total or 0)


def list_partners(
    session: Session,
    *,
    q: str | None = None,
    kind: str | None = None,
    business_region_id: int | None = None,
    manager_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[Partner]:
    query = select(Partner).where(Partner.deleted_at.is_(None))
    if q:
        # The name search also finds a partner by its counterparty's ИНН or legal name.
        by_counterparty = select(Counterparty.partner_id).where(
            Counterparty.deleted_at.is_(None),
            Counterparty.inn.startswith(q.strip(), autoescape=True)
            | Counterparty.legal_name.icontains(q.strip(), autoescape=True),
        )
        query = query.where(
            Partner.name.icontains(q.strip(), autoescape=True) | Partner.id.in_(by_counterparty)
        )
    if kind:
        query = query.where(Partner.kind == kind)
    if business_region_id is not None:
        query = query.where(Partner.business_region_id == business_region_id)
    if manager_id is not None:
        query = query.where(Partner.manager_id == manager_id)
    return _page(session, query, (Partner.name, Partner.id), limit, offset)


def list_counterparties(
    session: Session,
    *,
    q: str | None = None,
    partner_id: int | None = None,
    legal_form: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[Counterparty]:
    query = select(Counterparty).where(Counterparty.deleted_at.is_(None))
    if q:
        query = query.where(
            Counterparty.legal_name.icontains(q.strip(), autoescape=True)
            | Counterparty.inn.startswith(q.strip(), autoescape=True)
        )
    if partner_id is not None:
        query = query.where(Counterparty.partner_id == partner_id)
    if legal_form:
        query = query.where(Counterparty.legal_form == legal_form)
    return _page(session, query, (Counterparty.legal_name, Counterparty.id), limit, offset)


def list_deals(
    session: Session,
    *,
    q: str | None = None,
    status: str | None = None,
    partner_id: int | None = None,
    manager_id: int | None = None,
    deal_kind_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[Deal]:
    query = select(Deal).where(Deal.deleted_at.is_(None))
    if q:
        query = query.where(
            Deal.name.icontains(q.strip(), autoescape=True)
            | Deal.number.icontains(q.strip(), autoescape=True)
        )
    if status:
        query = query.where(Deal.status == status)
    if partner_id is not None:
        query = query.where(Deal.partner_id == partner_id)
    if manager_id is not None:
        query = query.where(Deal.manager_id == manager_id)
    if deal_kind_id is not None:
        query = query.where(Deal.deal_kind_id == deal_kind_id)
    # Newest first: operators look at what they just entered. The order is that of the index of
    # live deals (ix_deals_live_created_at_id), which holds the ids a page needs.
    order = (Deal.created_at.desc(), Deal.id.desc())
    return _page(session, query, order, limit, offset, rows_by_id_of=Deal)


def live(session: Session, model: Any, *order_by: Any) -> list[Any]:
    """All live rows of a classifier, for select boxes."""
    return list(
        session.scalars(select(model).where(model.deleted_at.is_(None)).order_by(*order_by))
    )


def business_regions(session: Session) -> list[BusinessRegion]:
    return live(session, BusinessRegion, BusinessRegion.name)


def users(session: Session) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(
                User.deleted_at.is_(None),
                User.is_active.is_(True),
                # Staff only: portal users (issue 19) are no managers or responsibles.
                User.role != CUSTOMER_ROLE,
            )
            .order_by(User.full_name)
        )
    )


def loss_reasons(session: Session) -> list[LossReason]:
    return live(session, LossReason, LossReason.name)


def deal_kinds(session: Session) -> list[DealKind]:
    return live(session, DealKind, DealKind.name)


def stages_by_kind(session: Session) -> dict[int, list[SalesStage]]:
    grouped: dict[int, list[SalesStage]] = {}
    for stage in live(session, SalesStage, SalesStage.deal_kind_id, SalesStage.sequence):
        grouped.setdefault(stage.deal_kind_id, []).append(stage)
    return grouped


def partner_choices(session: Session, limit: int = 500) -> list[Partner]:
    return list(
        session.scalars(
            select(Partner).where(Partner.deleted_at.is_(None)).order_by(Partner.name).limit(limit)
        )
    )
