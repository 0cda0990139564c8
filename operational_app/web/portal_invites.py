"""Operator pages for portal invites (issue 19): on a contact person's card a manager invites
them to the customer portal (the link is shown once, on the response) and revokes unused
invites. The card itself is web/contacts.contact_card; this module adds its invite section."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from operational_app.api.deps import IdPath, ManagerUser, SessionDep
from operational_app.db.models import ContactPerson
from operational_app.domain.common import get_or_404
from operational_app.domain.errors import DomainError
from operational_app.i18n import translate
from operational_app.portal import invites
from operational_app.web import contacts

router = APIRouter(include_in_schema=False)


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number <= 2**31 - 1 else None


@router.post("/portal-invites")
async def invite_create(request: Request, session: SessionDep, user: ManagerUser) -> Response:
    values = await request.form()
    contact_id = _int(
        values.get("contact_id") if isinstance(values.get("contact_id"), str) else None
    )
    if contact_id is None:
        raise DomainError("input.invalid", "contact_id: a contact person's id is required.")
    contact = get_or_404(session, ContactPerson, contact_id)
    ttl_raw = values.get("ttl_days")
    ttl_days = _int(ttl_raw if isinstance(ttl_raw, str) else None) or invites.DEFAULT_TTL.days
    lang = request.app.state.settings.lang
    errors: dict[str, str] = {}
    link = None
    try:
        _, token = invites.create_invite(
            session, contact.id, user.id, ttl=dt.timedelta(days=ttl_days)
        )
        session.commit()
        link = invites.invite_link(request.app.state.settings.app_url, token)
    except DomainError as exc:
        session.rollback()
        errors["invite"] = translate(f"rule.{exc.rule}", lang, default=exc.message, **exc.params)
    response = contacts.contact_card_page(
        request,
        session,
        contact,
        new_invite_link=link,
        errors=errors,
        status_code=201 if link else 422,
    )
    # The link is on this response only.
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/portal-invites/{invite_id}/revoke")
def invite_revoke(
    request: Request, session: SessionDep, _: ManagerUser, invite_id: IdPath
) -> Response:
    invite = invites.revoke_invite(session, invite_id)
    session.commit()
    return RedirectResponse(f"/contacts/{invite.contact_person_id}#portal", status_code=303)
