"""Where the portal's routers are mounted: pages under /portal, the API under /api/portal.

Every router but the public one is included with `Depends(current_customer)`: a route needs
nothing more to be reachable by portal users only, and operators' routers refuse portal users
(api/deps.current_user), so the two never meet.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI

from operational_app.portal.api import account as account_api
from operational_app.portal.api import claims as claims_api
from operational_app.portal.api import contacts as contacts_api
from operational_app.portal.api import debt as debt_api
from operational_app.portal.api import offers as offers_api
from operational_app.portal.api import orders as orders_api
from operational_app.portal.api import returns as returns_api
from operational_app.portal.deps import current_customer
from operational_app.portal.pages import account, claims, contacts, debt, offers, orders, returns

PORTAL_PAGE_ROUTERS = [
    account.router,
    orders.router,
    debt.router,
    claims.router,
    returns.router,
    contacts.router,
    offers.router,
]
PORTAL_API_ROUTERS = [
    account_api.router,
    orders_api.router,
    debt_api.router,
    claims_api.router,
    returns_api.router,
    contacts_api.router,
    offers_api.router,
]


def include_portal(app: FastAPI) -> None:
    app.include_router(account.public_router)
    for router in PORTAL_PAGE_ROUTERS:
        app.include_router(router, dependencies=[Depends(current_customer)])
    portal_api = APIRouter(prefix="/api/portal", dependencies=[Depends(current_customer)])
    for router in PORTAL_API_ROUTERS:
        portal_api.include_router(router)
    app.include_router(portal_api)
