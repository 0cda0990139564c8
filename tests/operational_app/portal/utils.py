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
from sqlalchemy import select
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


@dataclass
class PartnerDocuments:
    """One partner's rows of every portal table (ids per model) and the texts that identify
    them (document numbers, names), for isolation checks."""

    partner: Partner
    ids: dict[type, list[int]]
    markers: list[str]


def create_partner_documents(
    db: Session, partner: Partner, *, product_id: int, warehouse_id: int, agreement_id: int
) -> PartnerDocuments:
    """A rich set of `partner`'s documents through the domain (ORM where no domain function
    exists yet): two orders with lines (one shipped, partly paid, with a payment schedule; one
    submitted), a claim with an attachment, a return request with a line and an attachment, a
    sent commercial offer, contact persons, a delivery address and a contact data change."""
    import datetime as dt
    from decimal import Decimal

    from operational_app.db import models
    from operational_app.domain import claims, offers, orders, partners
    from tests.operational_app.utils.factories import legal_entity_inn

    def line(qty: str) -> dict[str, object]:
        return {"product_id": product_id, "warehouse_id": warehouse_id, "quantity": Decimal(qty)}

    shipped = orders.create_order(
        db, partner_id=partner.id, agreement_id=agreement_id, lines=[line("4")]
    )
    orders.submit_order(db, shipped)
    orders.release_to_shipping(db, shipped)
    orders.generate_payment_schedule(db, shipped)
    order_line = orders.order_lines(db, shipped.id)[0]
    shipment = orders.record_shipment(
        db, shipped, [{"order_line_id": order_line.id, "quantity": 3}]
    )
    payment = orders.record_payment(db, shipped, Decimal("50.00"))
    in_work = orders.create_order(
        db, partner_id=partner.id, agreement_id=agreement_id, lines=[line("2")]
    )
    orders.submit_order(db, in_work)
    claim = claims.create_claim(
        db,
        partner_id=partner.id,
        customer_order_id=shipped.id,
        shipment_id=shipment.id,
        claimed_amount=Decimal("10.00"),
        description=f"Бой стекла {partner.name}",
    )
    reason = db.scalars(select(models.ReturnReason).limit(1)).first() or models.ReturnReason(
        name="Брак"
    )
    db.add(reason)
    db.flush()
    shipment_line = db.scalars(
        select(models.ShipmentLine).where(models.ShipmentLine.shipment_id == shipment.id)
    ).first()
    return_request = models.ReturnRequest(
        number=f"ТЕСТ-ВЗ-{partner.id}",
        partner_id=partner.id,
        customer_order_id=shipped.id,
        return_reason_id=reason.id,
        source="portal",
        comment="Возврат",
        total_amount=Decimal("10.00"),
    )
    db.add(return_request)
    db.flush()
    return_line = models.ReturnRequestLine(
        return_request_id=return_request.id,
        line_number=1,
        shipment_line_id=shipment_line.id,
        product_id=product_id,
        quantity=Decimal("1"),
        price=Decimal("10.00"),
        amount=Decimal("10.00"),
    )
    attachments = [
        models.Attachment(
            owner_type=owner_type,
            owner_id=owner_id,
            file_name=f"photo-{partner.id}.jpg",
            content_type="image/jpeg",
            size_bytes=3,
            sha256="0" * 64,
        )
        for owner_type, owner_id in (("claim", claim.id), ("return_request", return_request.id))
    ]
    offer = offers.create_offer(
        db,
        partner_id=partner.id,
        agreement_id=agreement_id,
        valid_until=dt.date(2099, 1, 1),
        lines=[{"product_id": product_id, "quantity": Decimal("5")}],
    )
    offers.send_offer(db, offer)
    contacts = [
        models.ContactPerson(
            partner_id=partner.id,
            full_name=f"Контакт {partner.id}-{n}",
            phone=f"+7 900 000-{partner.id % 100:02d}-{n:02d}",
            email=f"contact{partner.id}-{n}@example.com",
        )
        for n in (1, 2)
    ]
    address = models.DeliveryAddress(
        partner_id=partner.id, address=f"г. Тверь, ул. Складская, д. {partner.id}", is_default=True
    )
    db.add_all([return_line, *attachments, *contacts, address])
    db.flush()
    counterparty = partners.create_counterparty(
        db,
        partner_id=partner.id,
        legal_form="legal_entity",
        inn=legal_entity_inn(),
        kpp="770701001",
        legal_name=f"ООО «Юрлицо {partner.id}»",
    )
    change = models.ContactDataChange(
        partner_id=partner.id,
        entity="contact_person",
        entity_id=contacts[0].id,
        action="updated",
        field="phone",
        old_value="+7 900 000-00-00",
        new_value=contacts[0].phone,
    )
    db.add(change)
    db.commit()
    from operational_app.portal.scope import PortalScope

    ids: dict[type, list[int]] = {}
    for model in (
        models.Partner,
        models.Counterparty,
        models.ContactPerson,
        models.DeliveryAddress,
        models.ContactDataChange,
        models.CustomerOrder,
        models.CustomerOrderLine,
        models.PaymentScheduleItem,
        models.Shipment,
        models.ShipmentLine,
        models.Payment,
        models.Claim,
        models.ReturnRequest,
        models.ReturnRequestLine,
        models.CommercialOffer,
        models.CommercialOfferLine,
        models.Attachment,
    ):
        scope = PortalScope(partner_id=partner.id, user_id=0)
        ids[model] = sorted(db.scalars(scope.select(model).with_only_columns(model.id)))
    markers = [
        partner.name,
        shipped.number,
        in_work.number,
        shipment.number,
        payment.number,
        claim.number,
        return_request.number,
        offer.number,
        address.address,
        counterparty.legal_name,
        counterparty.inn,
        *(contact.full_name for contact in contacts),
        *(contact.email for contact in contacts),
    ]
    return PartnerDocuments(partner=partner, ids=ids, markers=markers)
