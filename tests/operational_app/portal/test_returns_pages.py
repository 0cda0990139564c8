"""Portal and operator pages of claims and returns: forms that keep what was typed on an error,
files, the customer's own documents only, decisions with CSRF and versions. SQLite and
PostgreSQL."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.db.models import Claim, ReturnRequest
from tests.operational_app.portal.claims_returns_utils import (
    EXE,
    PDF,
    reasons,
    shipment_line_id,
    two_customers,
)
from tests.operational_app.utils.users import create_user, csrf_from, sign_in


@pytest.fixture
def world(db: Session):
    mine, other, sales = two_customers(db)
    claim_reason, return_reason = reasons(db)
    return mine, other, claim_reason, return_reason


def _count(db: Session, model) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


def test_claim_form_lists_only_own_orders_and_registers_with_a_file(
    db: Session, anon_client: TestClient, world
):
    mine, other, claim_reason, _ = world
    page = anon_client.get("/portal/claims/new", headers=mine.headers)
    assert page.status_code == 200
    assert mine.order.number in page.text and other.order.number not in page.text
    response = anon_client.post(
        "/portal/claims",
        data={
            "claim_reason_id": str(claim_reason.id),
            "customer_order_id": str(mine.order.id),
            "claimed_amount": "1 200,50",
            "description": "Партия пришла с боем",
        },
        files=[("attachments", ("акт о браке.pdf", PDF, "application/pdf"))],
        headers=mine.headers,
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    claim = db.scalars(select(Claim).where(Claim.partner_id == mine.partner_id)).one()
    assert (claim.source, str(claim.claimed_amount)) == ("portal", "1200.50")
    card = anon_client.get(response.headers["location"], headers=mine.headers)
    assert "акт о браке.pdf" in card.text and claim.number in card.text
    link = re.search(r'href="(/portal/claims/\d+/attachments/\d+)"', card.text).group(1)
    assert anon_client.get(link, headers=mine.headers).content == PDF
    assert anon_client.get(link, headers=other.headers).status_code == 404
    # Operators see it among the portal claims, with the file on the claim card.
    operator = create_user(db, "operator")
    from tests.operational_app.utils.users import bearer, create_token

    headers = bearer(create_token(db, operator))
    listed = anon_client.get("/claims?source=portal", headers=headers)
    assert claim.number in listed.text
    operator_card = anon_client.get(f"/claims/{claim.id}", headers=headers)
    assert f"/claims/{claim.id}/attachments/" in operator_card.text


def test_a_refused_claim_form_keeps_the_typed_values(db: Session, anon_client: TestClient, world):
    mine, other, claim_reason, _ = world
    before = _count(db, Claim)
    response = anon_client.post(
        "/portal/claims",
        data={
            "claim_reason_id": str(claim_reason.id),
            "customer_order_id": str(other.order.id),
            "description": "Текст, который нельзя терять",
        },
        headers=mine.headers,
    )
    assert response.status_code == 422
    assert "Текст, который нельзя терять" in response.text
    response = anon_client.post(
        "/portal/claims",
        data={"claim_reason_id": str(claim_reason.id), "description": "Снова текст"},
        files=[("attachments", ("virus.pdf", EXE, "application/pdf"))],
        headers=mine.headers,
    )
    assert response.status_code == 422
    assert "virus.pdf" in response.text and "Снова текст" in response.text
    assert _count(db, Claim) == before


def test_return_form_shows_returnable_quantities_and_keeps_input_on_error(
    db: Session, anon_client: TestClient, world
):
    mine, other, _, return_reason = world
    line_id = shipment_line_id(db, mine.order)
    form = anon_client.get(
        f"/portal/returns/new?customer_order_id={mine.order.id}", headers=mine.headers
    )
    assert form.status_code == 200
    assert f'name="quantity_{line_id}"' in form.text
    assert 'data-returnable="3.000"' in form.text
    # Another partner's order shows no lines.
    foreign = anon_client.get(
        f"/portal/returns/new?customer_order_id={other.order.id}", headers=mine.headers
    )
    assert "quantity_" not in foreign.text
    values = {
        "customer_order_id": str(mine.order.id),
        "return_reason_id": str(return_reason.id),
        "comment": "Коробки мятые",
        f"quantity_{line_id}": "5",
    }
    refused = anon_client.post("/portal/returns", data=values, headers=mine.headers)
    assert refused.status_code == 422
    assert "Коробки мятые" in refused.text and 'value="5"' in refused.text
    junk = anon_client.post(
        "/portal/returns", data={**values, f"quantity_{line_id}": "много"}, headers=mine.headers
    )
    assert junk.status_code == 422
    assert 'value="много"' in junk.text and 'id="lines-error"' in junk.text
    assert _count(db, ReturnRequest) == 0
    created = anon_client.post(
        "/portal/returns",
        data={**values, f"quantity_{line_id}": "2"},
        headers=mine.headers,
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    card = anon_client.get(created.headers["location"], headers=mine.headers)
    assert "Коробки мятые" in card.text
    request_id = int(created.headers["location"].rsplit("/", 1)[1])
    listed = anon_client.get("/portal/returns", headers=mine.headers)
    assert f"/portal/returns/{request_id}" in listed.text
    assert (
        f"/portal/returns/{request_id}"
        not in anon_client.get("/portal/returns", headers=other.headers).text
    )
    cancelled = anon_client.post(
        f"/portal/returns/{request_id}/cancel", headers=mine.headers, follow_redirects=False
    )
    assert cancelled.status_code == 303
    db.expire_all()
    assert db.get(ReturnRequest, request_id).status == "cancelled"


def test_operator_processes_a_return_with_csrf_and_versions(
    db: Session, anon_client: TestClient, world
):
    mine, _, _, return_reason = world
    line_id = shipment_line_id(db, mine.order)
    anon_client.post(
        "/portal/returns",
        data={
            "customer_order_id": str(mine.order.id),
            "return_reason_id": str(return_reason.id),
            f"quantity_{line_id}": "1",
        },
        headers=mine.headers,
    )
    request = db.scalars(select(ReturnRequest)).one()
    operator = create_user(db, "operator", password="Оператор-пароль-1")
    csrf = sign_in(anon_client, operator.login, "Оператор-пароль-1")
    listed = anon_client.get("/returns?source=portal")
    assert request.number in listed.text
    card = anon_client.get(f"/returns/{request.id}")
    assert card.status_code == 200
    token = csrf_from(card.text)
    assert token == csrf
    url = f"/returns/{request.id}"
    no_csrf = anon_client.post(f"{url}/approve", data={"version": str(request.version)})
    assert no_csrf.status_code == 403
    no_comment = anon_client.post(
        f"{url}/reject", data={"version": str(request.version), "comment": " ", "csrf_token": csrf}
    )
    assert no_comment.status_code == 422
    stale = anon_client.post(
        f"{url}/approve", data={"version": str(request.version + 3), "csrf_token": csrf}
    )
    assert stale.status_code == 409
    approved = anon_client.post(
        f"{url}/approve",
        data={"version": str(request.version), "csrf_token": csrf},
        follow_redirects=False,
    )
    assert approved.status_code == 303
    db.expire_all()
    request = db.get(ReturnRequest, request.id)
    received = anon_client.post(
        f"{url}/receive",
        data={"version": str(request.version), "csrf_token": csrf},
        follow_redirects=False,
    )
    assert received.status_code == 303
    db.expire_all()
    assert db.get(ReturnRequest, request.id).status == "received"
    order_card = anon_client.get(f"/orders/{mine.order.id}")
    assert 'id="returned-amount"' in order_card.text


def test_operator_registers_a_return_from_the_order(db: Session, client: TestClient, world):
    mine, _, _, return_reason = world
    line_id = shipment_line_id(db, mine.order)
    form = client.get(f"/returns/new?customer_order_id={mine.order.id}")
    assert form.status_code == 200 and f'name="quantity_{line_id}"' in form.text
    refused = client.post(
        "/returns",
        data={"customer_order_id": str(mine.order.id), f"quantity_{line_id}": "1"},
    )
    assert refused.status_code == 422
    created = client.post(
        "/returns",
        data={
            "customer_order_id": str(mine.order.id),
            "return_reason_id": str(return_reason.id),
            f"quantity_{line_id}": "1",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    request = db.scalars(select(ReturnRequest)).one()
    assert (request.source, request.partner_id) == ("operator", mine.partner_id)
    partner_card = client.get(f"/partners/{mine.partner_id}")
    assert request.number in partner_card.text


def test_customers_never_reach_the_operator_returns_pages(
    db: Session, anon_client: TestClient, world
):
    mine, *_ = world
    response = anon_client.get("/returns", headers=mine.headers, follow_redirects=False)
    assert response.status_code in (303, 307, 403)
