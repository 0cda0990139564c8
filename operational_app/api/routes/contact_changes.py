"""Изменения контактных данных из личного кабинета (issue 19): what customers changed in the
portal, for operators to review. Under /api/v1."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter

from operational_app.api.deps import CurrentUser, IdFilter, IdPath, Limit, Offset, SessionDep
from operational_app.api.schemas import Id, Input, Paged, Public
from operational_app.db.models import ContactDataChange, Partner
from operational_app.domain import contact_data
from operational_app.domain.common import get_or_404

router = APIRouter(tags=["contact_changes"])


class ContactChangePublic(Public):
    id: int
    partner_id: int
    entity: str
    entity_id: int
    action: str
    field: str | None
    old_value: str | None
    new_value: str | None
    changed_at: dt.datetime
    changed_by_id: int | None
    reviewed_at: dt.datetime | None
    reviewed_by_id: int | None
    version: int


class ReviewRequest(Input):
    """Mark reviewed: the listed changes, or every unreviewed change of `partner_id`."""

    change_ids: list[Id] | None = None
    partner_id: Id | None = None


class Reviewed(Public):
    reviewed: list[int]


@router.get("/contact-changes", response_model=Paged[ContactChangePublic])
def list_contact_changes(
    session: SessionDep,
    partner_id: IdFilter = None,
    reviewed: bool | None = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    """Changes of contact data customers made in the portal; unreviewed ones by default
    (`reviewed=true` for the reviewed ones), oldest first."""
    page = contact_data.list_changes(
        session,
        partner_id=partner_id,
        unreviewed=None if reviewed is None else not reviewed,
        limit=limit,
        offset=offset,
    )
    return {"items": list(page.items), "total": page.total}


@router.post("/contact-changes/review", response_model=Reviewed)
def review_contact_changes(session: SessionDep, user: CurrentUser, body: ReviewRequest) -> Any:
    """Mark changes reviewed: the listed `change_ids`, or every unreviewed change of `partner_id`.

    One of the two is required (`contact_changes.nothing_chosen`). Returns the ids marked now."""
    if body.partner_id is not None:
        get_or_404(session, Partner, body.partner_id)
    rows = contact_data.mark_reviewed(
        session,
        reviewed_by_id=user.id,
        partner_id=body.partner_id,
        change_ids=body.change_ids,
    )
    session.commit()
    return {"reviewed": [row.id for row in rows]}


@router.post("/contact-changes/{change_id}/review", response_model=ContactChangePublic)
def review_contact_change(session: SessionDep, user: CurrentUser, change_id: IdPath) -> Any:
    """Mark one contact data change reviewed (Просмотрено)."""
    change = get_or_404(session, ContactDataChange, change_id)
    contact_data.mark_reviewed(session, reviewed_by_id=user.id, change_ids=[change.id])
    session.commit()
    return change
