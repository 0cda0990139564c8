"""Portal API: the signed-in customer (issue 19), under /api/portal. Every query goes through
PortalScope."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from operational_app.api.deps import SessionDep
from operational_app.api.schemas import Documented
from operational_app.db.models import ContactPerson, Partner
from operational_app.portal.deps import CurrentCustomer

router = APIRouter(tags=["portal"])


class PortalContactPublic(Documented):
    id: int
    full_name: str
    role: str | None
    phone: str | None
    email: str | None


class PortalMe(Documented):
    """Who is signed in: the portal user, their partner and the contact person they are."""

    login: str
    full_name: str
    partner_id: int
    partner_name: str
    contact: PortalContactPublic | None


@router.get("/me", response_model=PortalMe, summary="The signed-in portal user")
def me(session: SessionDep, customer: CurrentCustomer) -> Any:
    """Who is signed in: the portal user, their partner and the contact person they are.

    Every /api/portal operation acts for this partner only."""
    scope = customer.scope
    partner = scope.get(session, Partner, scope.partner_id)
    contact = None
    if scope.contact_person_id is not None:
        contact = session.scalars(
            scope.select(ContactPerson).where(ContactPerson.id == scope.contact_person_id)
        ).first()
    return {
        "login": customer.user.login,
        "full_name": customer.user.full_name,
        "partner_id": partner.id,
        "partner_name": partner.name,
        "contact": (
            {
                "id": contact.id,
                "full_name": contact.full_name,
                "role": contact.role,
                "phone": contact.phone,
                "email": contact.email,
            }
            if contact
            else None
        ),
    }
