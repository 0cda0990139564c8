"""Commercial offers in the portal: the customer sees the offers sent to them (never drafts,
never another partner's), accepts one into the same order an operator's acceptance creates,
rejects one with a reason, cannot accept an expired one, and a double acceptance creates one
order. Runs on SQLite and PostgreSQL; "today" is pinned through the portal's request_now."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from operational_app.db.models import CommercialOffer, CustomerOrder, CustomerOrderLine, User
from operational_app.domain import offers
from operational_app.domain.errors import StaleVersion, TransitionNotAllowed
from operational_app.portal.api.offers import request_now
from tests.operational_app.utils.factories import create_random_partner
from tests.operational_app.utils.sales import Sales, create_sales
from tests.operational_app.utils.users import bearer, create_token

SENT = dt.datetime(2026, 4, 1, 10, 0)
NOW = dt.datetime(2026, 4, 10, 12, 0)
VALID = dt.date(2026, 4, 30)
PAST = dt.date(2026, 4, 5)


def _customer(db: Session, partner_id: int, login: str) -> User:
    user = User(login=login, full_name=f"Клиент {login}", role="customer", partner_id=partner_id)
    db.add(user)
    db.commit()
    return user


def _offer(
    db: Session, sales: Sales, *, valid_until: dt.date = VALID, send: bool = True, partner_id=None
) -> CommercialOffer:
    offer = offers.create_offer(
        db,
        partner_id=partner_id or sales.partner.id,
        agreement_id=sales.agreement.id,
        valid_until=valid_until,
        comment="Цены на весну",
        lines=[
            {
                "product_id": sales.product.id,
                "quantity": Decimal(3),
                "discount_percent": Decimal(5),
            }
        ],
        now=SENT,
    )
    if send:
        offers.send_offer(db, offer, now=SENT)
    db.commit()
    return offer


@pytest.fixture
def sales(db: Session) -> Sales:
    return create_sales(db, stock=50)


@pytest.fixture
def customer(db: Session, sales: Sales) -> User:
    return _customer(db, sales.partner.id, "buyer")


@pytest.fixture
def portal(anon_client: TestClient, db: Session, customer: User) -> Iterator[TestClient]:
    """The app as the customer (bearer token), with the portal's "now" pinned to NOW."""
    anon_client.headers.update(bearer(create_token(db, customer)))
    anon_client.app.dependency_overrides[request_now] = lambda: NOW  # type: ignore[attr-defined]
    yield anon_client
    anon_client.app.dependency_overrides.pop(request_now, None)  # type: ignore[attr-defined]


def _orders_of(db: Session, offer_id: int) -> list[CustomerOrder]:
    db.expire_all()
    return list(
        db.scalars(select(CustomerOrder).where(CustomerOrder.commercial_offer_id == offer_id))
    )


def test_the_list_shows_sent_offers_of_this_customer_only(
    db: Session, sales: Sales, portal: TestClient
) -> None:
    sent = _offer(db, sales)
    draft = _offer(db, sales, send=False)
    foreign = _offer(db, sales, partner_id=create_random_partner(db).id)
    expired = _offer(db, sales, valid_until=PAST)
    listed = portal.get("/api/portal/offers")
    assert listed.status_code == 200, listed.text
    by_id = {item["id"]: item for item in listed.json()["items"]}
    assert set(by_id) == {sent.id, expired.id}
    assert by_id[sent.id]["can_decide"] is True
    assert (by_id[expired.id]["is_expired"], by_id[expired.id]["can_decide"]) == (True, False)
    for hidden in (draft, foreign):
        assert portal.get(f"/api/portal/offers/{hidden.id}").status_code == 404
        assert portal.post(f"/api/portal/offers/{hidden.id}/accept").status_code == 404
    page = portal.get("/portal/offers")
    assert page.status_code == 200
    assert sent.number in page.text and expired.number in page.text
    assert draft.number not in page.text and foreign.number not in page.text


def test_the_card_shows_lines_totals_and_validity(
    db: Session, sales: Sales, portal: TestClient
) -> None:
    offer = _offer(db, sales)
    detail = portal.get(f"/api/portal/offers/{offer.id}").json()
    [line] = detail["lines"]
    assert line["product_name"] == sales.product.name
    assert Decimal(line["amount"]) == Decimal(detail["total_amount"]) == offer.total_amount
    assert detail["valid_until"] == VALID.isoformat()
    page = portal.get(f"/portal/offers/{offer.id}")
    assert page.status_code == 200
    assert 'id="accept-offer"' in page.text and 'id="reject-offer"' in page.text
    assert sales.product.name in page.text


def test_accepting_creates_the_order_an_operator_acceptance_would(
    db: Session, sales: Sales, portal: TestClient, customer: User
) -> None:
    offer = _offer(db, sales)
    twin = _offer(db, sales)
    response = portal.post(f"/api/portal/offers/{offer.id}/accept", json={"version": offer.version})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "accepted" and len(body["order_ids"]) == 1
    # The operator's acceptance of an identical offer, for comparison.
    offers.accept_offer(db, db.get(CommercialOffer, twin.id), now=NOW)
    db.commit()
    [mine] = _orders_of(db, offer.id)
    [theirs] = _orders_of(db, twin.id)
    fields = ("partner_id", "agreement_id", "status", "manager_id", "organization_id")
    assert [getattr(mine, f) for f in fields] == [getattr(theirs, f) for f in fields]
    lines = {
        order.id: [
            (line.product_id, line.quantity, line.price, line.amount)
            for line in db.scalars(
                select(CustomerOrderLine).where(CustomerOrderLine.customer_order_id == order.id)
            )
        ]
        for order in (mine, theirs)
    }
    assert lines[mine.id] == lines[theirs.id] and lines[mine.id]
    stored = db.get(CommercialOffer, offer.id)
    assert (stored.status, stored.decided_by_id, stored.decided_at) == (
        "accepted",
        customer.id,
        NOW,
    )


def test_a_double_accept_creates_one_order(db: Session, sales: Sales, portal: TestClient) -> None:
    offer = _offer(db, sales)
    card = portal.get(f"/portal/offers/{offer.id}")
    assert card.status_code == 200
    first = portal.post(
        f"/portal/offers/{offer.id}/accept",
        data={"version": str(offer.version)},
        follow_redirects=False,
    )
    assert first.status_code == 303
    # The second click (or the second tab) carries the same, now outdated, version.
    second = portal.post(f"/portal/offers/{offer.id}/accept", data={"version": str(offer.version)})
    assert second.status_code == 409
    assert "уже принято" in second.text
    again = portal.post(f"/api/portal/offers/{offer.id}/accept")
    assert again.status_code == 409
    assert again.json()["rule"] == "offer.status_forbids"
    assert len(_orders_of(db, offer.id)) == 1


def test_two_sessions_accepting_at_once_create_one_order(
    db: Session, engine: Engine, sales: Sales, customer: User
) -> None:
    offer = _offer(db, sales)
    with Session(engine) as first, Session(engine) as second:
        mine = first.get(CommercialOffer, offer.id)
        theirs = second.get(CommercialOffer, offer.id)
        assert mine.status == theirs.status == "sent"
        offers.accept_offer(first, mine, now=NOW, decided_by_id=customer.id)
        first.commit()
        with pytest.raises((StaleDataError, StaleVersion, TransitionNotAllowed)):
            offers.accept_offer(second, theirs, now=NOW, decided_by_id=customer.id)
            second.commit()
        second.rollback()
    assert len(_orders_of(db, offer.id)) == 1


def test_rejecting_keeps_the_reason(
    db: Session, sales: Sales, portal: TestClient, customer: User
) -> None:
    offer = _offer(db, sales)
    response = portal.post(
        f"/portal/offers/{offer.id}/reject",
        data={"version": str(offer.version), "reason": "Нашли дешевле"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    db.expire_all()
    stored = db.get(CommercialOffer, offer.id)
    assert (stored.status, stored.decided_by_id) == ("rejected", customer.id)
    assert stored.comment == "Цены на весну\n" + offers.REJECTION_REASON_PREFIX + "Нашли дешевле"
    assert _orders_of(db, offer.id) == []
    assert portal.post(f"/api/portal/offers/{offer.id}/accept").status_code == 409
    card = portal.get(f"/portal/offers/{offer.id}")
    assert 'id="accept-offer"' not in card.text and "Нашли дешевле" in card.text


def test_rejecting_without_a_reason_through_the_api(
    db: Session, sales: Sales, portal: TestClient
) -> None:
    offer = _offer(db, sales)
    response = portal.post(f"/api/portal/offers/{offer.id}/reject", json={})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "rejected"
    assert response.json()["comment"] == "Цены на весну"


def test_an_expired_offer_cannot_be_accepted_and_says_so(
    db: Session, sales: Sales, portal: TestClient
) -> None:
    offer = _offer(db, sales, valid_until=PAST)
    card = portal.get(f"/portal/offers/{offer.id}")
    assert card.status_code == 200
    assert 'id="offer-expired"' in card.text and 'id="accept-offer"' not in card.text
    refused = portal.post(f"/api/portal/offers/{offer.id}/accept")
    assert refused.status_code == 409
    assert refused.json()["rule"] == "offer.overdue"
    page = portal.post(f"/portal/offers/{offer.id}/accept", data={"version": str(offer.version)})
    assert page.status_code == 409 and "истёк 05.04.2026" in page.text
    offers.expire_overdue(db, now=NOW)  # the offer says `expired` now: the same answer
    db.commit()
    page = portal.post(f"/portal/offers/{offer.id}/accept", data={})
    assert page.status_code == 409 and "истёк 05.04.2026" in page.text
    assert _orders_of(db, offer.id) == []
    assert db.scalar(select(func.count()).select_from(CustomerOrder)) == 0


def test_a_stale_version_is_refused(db: Session, sales: Sales, portal: TestClient) -> None:
    offer = _offer(db, sales)
    refused = portal.post(f"/api/portal/offers/{offer.id}/reject", json={"version": 1})
    assert refused.status_code == 409
    assert refused.json()["rule"] == "stale_version"
    db.expire_all()
    assert db.get(CommercialOffer, offer.id).status == "sent"


def test_operators_cannot_use_the_portal_and_customers_not_the_operator_api(
    db: Session, sales: Sales, client: TestClient, customer: User
) -> None:
    offer = _offer(db, sales)
    assert client.post(f"/api/portal/offers/{offer.id}/accept").status_code == 403
    client.headers.update(bearer(create_token(db, customer)))
    assert client.post(f"/api/v1/offers/{offer.id}/accept").status_code == 403
    assert _orders_of(db, offer.id) == []
