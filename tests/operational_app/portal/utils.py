"""Portal test helpers: customers (portal users of a partner), signing them in through the
portal's form, bearer access, and a walk over every route the app serves.

Stable names other portal tests use: `create_customer`, `portal_sign_in`, `customer_bearer`,
`walk_routes`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import fastapi.routing
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from operational_app import auth
from operational_app.db.models import ContactPerson, Partner, User
from tests.operational_app.utils.factories import create_random_partner
from tests.operational_app.utils.users import bearer, create_token, csrf_from

PASSWORD = "portal-Secret-2026!"
_serial = itertools.count(1)


def create_customer(
    db: Session,
    partner: Partner | None = None,
    *,
    password: str | None = None,
    login: str | None = None,
    contact: ContactPerson | None = None,
) -> tuple[User, Partner, ContactPerson]:
    """A committed portal user (role customer) of `partner` (a new one by default), acting as
    `contact` (a new contact person of the partner by default). A password is hashed only when
    given."""
    number = next(_serial)
    if partner is None:
        partner = create_random_partner(db)
        db.flush()
    if contact is None:
        contact = ContactPerson(
            partner_id=partner.id,
            full_name=f"Клиентов Клиент {number}",
            email=f"client{number}@example.com",
            role="Закупщик",
        )
        db.add(contact)
        db.flush()
    user = User(
        login=login or f"client-{partner.id}-{number}",
        full_name=contact.full_name,
        email=contact.email,
        role="customer",
        partner_id=partner.id,
        contact_person_id=contact.id,
        password_hash=auth.hash_password(password) if password else None,
    )
    db.add(user)
    db.commit()
    return user, partner, contact


def portal_sign_in(client: TestClient, login: str, password: str, next_url: str = "/portal") -> str:
    """Sign in through /portal/login; returns the session's CSRF token (from the home page)."""
    page = client.get("/portal/login")
    response = client.post(
        "/portal/login",
        data={
            "login": login,
            "password": password,
            "next": next_url,
            "csrf_token": csrf_from(page.text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    home = client.get("/portal")
    assert home.status_code == 200, home.text
    return csrf_from(home.text)


def customer_bearer(db: Session, user: User) -> dict[str, str]:
    """Headers giving API access as `user` (no CSRF needed with a bearer token)."""
    return bearer(create_token(db, user))


@dataclass(frozen=True)
class RouteInfo:
    path: str
    methods: frozenset[str]
    route: APIRoute


def walk_routes(app: FastAPI) -> Iterator[RouteInfo]:
    """Every API route of `app` with its full path, however deeply routers are included
    (FastAPI nests included routers instead of copying their routes)."""
    # Private and recent (FastAPI nests included routers since 0.16x); absent before.
    included = getattr(fastapi.routing, "_IncludedRouter", ())

    def walk(routes: list, prefix: str) -> Iterator[RouteInfo]:
        for route in routes:
            if isinstance(route, included):
                inner = prefix + (route.include_context.prefix or "")
                yield from walk(route.original_router.routes, inner)
            elif isinstance(route, APIRoute):
                yield RouteInfo(prefix + route.path, frozenset(route.methods or ()), route)

    yield from walk(list(app.routes), "")
