"""Portal invites for operators (issue 19): a manager invites a contact person to the customer
portal; the link is in this response only (its token is stored as a digest)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response, status
from pydantic import Field

from operational_app.api.deps import IdPath, ManagerUser, SessionDep
from operational_app.api.schemas import Input, Public
from operational_app.db.models import ContactPerson
from operational_app.domain.common import get_or_404
from operational_app.portal import invites

router = APIRouter(tags=["portal invites"])


class PortalInviteCreate(Input):
    ttl_days: Annotated[int, Field(ge=1, le=invites.MAX_TTL.days)] = invites.DEFAULT_TTL.days


class PortalInvitePublic(Public):
    id: int
    partner_id: int
    contact_person_id: int
    email: str | None
    expires_at: dt.datetime
    created_at: dt.datetime
    used_at: dt.datetime | None
    used_by_id: int | None
    revoked_at: dt.datetime | None
    status: str


class PortalInviteCreated(PortalInvitePublic):
    # The only time the link is shown: pass it to the contact person.
    link: str


def _public(invite: Any) -> dict[str, Any]:
    return {
        **{
            field: getattr(invite, field)
            for field in PortalInvitePublic.model_fields
            if field != "status"
        },
        "status": invites.invite_status(invite),
    }


@router.post(
    "/contacts/{contact_id}/portal-invites",
    response_model=PortalInviteCreated,
    status_code=status.HTTP_201_CREATED,
)
def create_portal_invite(
    request: Request,
    response: Response,
    session: SessionDep,
    user: ManagerUser,
    contact_id: IdPath,
    body: PortalInviteCreate | None = None,
) -> Any:
    """Invite a contact person to the customer portal (Личный кабинет клиента).

    Returns the invite with its `link`, shown this once (the server keeps only a hash): pass it to
    the person, who opens it to create their portal sign-in. Valid `ttl_days` days (1–90, default
    7; `invite.ttl`). Managers only (403 otherwise); a deleted contact is 404."""
    ttl = dt.timedelta(days=(body or PortalInviteCreate()).ttl_days)
    invite, token = invites.create_invite(session, contact_id, user.id, ttl=ttl)
    session.commit()
    response.headers["Cache-Control"] = "no-store"
    link = invites.invite_link(request.app.state.settings.app_url, token)
    return {**_public(invite), "link": link}


@router.get("/contacts/{contact_id}/portal-invites", response_model=list[PortalInvitePublic])
def list_portal_invites(session: SessionDep, _: ManagerUser, contact_id: IdPath) -> Any:
    """List a contact person's portal invites with their status.

    `status` is sent, used, revoked or expired. Managers only."""
    get_or_404(session, ContactPerson, contact_id)
    return [_public(invite) for invite in invites.invites_of_contact(session, contact_id)]


@router.post("/portal-invites/{invite_id}/revoke", response_model=PortalInvitePublic)
def revoke_portal_invite(session: SessionDep, _: ManagerUser, invite_id: IdPath) -> Any:
    """Revoke an unused portal invite; its link stops working.

    A used invite stays as it is (the account exists). Managers only."""
    invite = invites.revoke_invite(session, invite_id)
    session.commit()
    return _public(invite)
