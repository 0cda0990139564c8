"""FastAPI dependencies of the portal: the signed-in customer and their scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from operational_app import auth
from operational_app.api.deps import PASSWORD_CHANGE_PATHS, _authenticate, check_csrf
from operational_app.portal.scope import PortalScope

PORTAL_PASSWORD_CHANGE_PATHS = frozenset({"/portal/account/password", "/portal/logout"})


class CustomersOnly(auth.Forbidden):
    """An operator's session asked for a portal page: the portal shows one partner's records."""

    def __init__(self) -> None:
        super().__init__(
            "customers_only",
            "The portal is for customers' contact persons; operators use the application.",
        )


@dataclass(frozen=True)
class Customer:
    """The signed-in portal user and the scope every portal query goes through."""

    user: auth.SignedInUser
    scope: PortalScope


async def current_customer(
    request: Request, user: Annotated[auth.SignedInUser, Depends(_authenticate)]
) -> Customer:
    """The portal's only gate: a live portal user of a partner; CSRF as for operators."""
    if not user.is_customer or user.partner_id is None:
        raise CustomersOnly()
    if (
        user.must_change_password
        and request.url.path not in PORTAL_PASSWORD_CHANGE_PATHS | PASSWORD_CHANGE_PATHS
        and not request.app.state.settings.demo_mode
    ):
        raise auth.PasswordChangeRequired()
    await check_csrf(request)
    return Customer(
        user=user,
        scope=PortalScope(
            partner_id=user.partner_id,
            user_id=user.id,
            contact_person_id=user.contact_person_id,
        ),
    )


CurrentCustomer = Annotated[Customer, Depends(current_customer)]
