"""Operator pages: Изменения контактных данных из личного кабинета (issue 19). Customers'
edits of contact persons and delivery addresses apply at once; operators see them on the
partner card and in one list across partners, and mark them reviewed."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.api.deps import CurrentUser, SessionDep
from operational_app.api.schemas import MAX_ID
from operational_app.db.models import ContactDataChange, Partner, User
from operational_app.domain import contact_data
from operational_app.domain.common import get_or_404

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 100
CARD_LIMIT = 100


def _id(value: Any) -> int | None:
    if isinstance(value, str) and value.strip().isdigit() and value.isascii():
        number = int(value)
        return number if 0 < number <= MAX_ID else None
    return None


def _user_names(session: Session, rows: list[ContactDataChange]) -> dict[int, str]:
    ids = {row.changed_by_id for row in rows} | {row.reviewed_by_id for row in rows}
    ids.discard(None)
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())


def partner_block(session: Session, partner_id: int) -> dict[str, Any]:
    """The partner card's delivery addresses and contact data changes (newest first)."""
    changes = contact_data.partner_changes(session, partner_id, limit=CARD_LIMIT)
    return {
        "addresses": contact_data.delivery_addresses(session, partner_id),
        "changes": changes,
        "unreviewed": contact_data.count_unreviewed(session, partner_id),
        "user_names": _user_names(session, changes),
        "titles": contact_data.change_titles(session, changes),
    }


@router.get("/contact-changes")
def contact_changes_list(
    request: Request, session: SessionDep, offset: str | None = None
) -> Response:
    start = min(_id(offset) or 0, 2**31 - 1)
    page = contact_data.list_changes(session, unreviewed=True, limit=PAGE_SIZE, offset=start)
    partner_ids = {row.partner_id for row in page.items}
    partners = (
        dict(
            session.execute(
                select(Partner.id, Partner.name).where(Partner.id.in_(partner_ids))
            ).all()
        )
        if partner_ids
        else {}
    )
    return request.app.state.templates.TemplateResponse(
        request,
        "partners/contact_changes.html",
        {
            "page": page,
            "offset": start,
            "page_size": PAGE_SIZE,
            "partner_names": partners,
            "user_names": _user_names(session, list(page.items)),
            "titles": contact_data.change_titles(session, page.items),
        },
    )


@router.post("/contact-changes/review")
async def contact_changes_review(
    request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    """Mark one change (`change_id`) or every unreviewed change of a partner (`partner_id`)
    reviewed; back to the partner card or the list (`back`)."""
    form = await request.form()
    change_id = _id(form.get("change_id"))
    partner_id = _id(form.get("partner_id"))
    if partner_id is not None:
        get_or_404(session, Partner, partner_id)
    if change_id is not None:
        contact_data.mark_reviewed(session, reviewed_by_id=user.id, change_ids=[change_id])
    else:
        contact_data.mark_reviewed(session, reviewed_by_id=user.id, partner_id=partner_id)
    session.commit()
    back = form.get("back")
    if back == "card" and partner_id is not None:
        return RedirectResponse(f"/partners/{partner_id}#contact-changes", status_code=303)
    return RedirectResponse("/contact-changes", status_code=303)
