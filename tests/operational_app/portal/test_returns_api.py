"""Return requests through /api/portal (customers) and /api/v1/return-requests (operators):
returnable quantities, own orders only, cancel, decisions, debt; SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.db.models import ReturnRequest
from operational_app.domain import orders
from tests.operational_app.portal.claims_returns_utils import (
    PNG,
    reasons,
    shipment_line_id,
    two_customers,
)
from tests.operational_app.utils.users import bearer, create_token, create_user


@pytest.fixture
def world(db: Session):
    mine, other, sales = two_customers(db)
    _, return_reason = reasons(db)
    return mine, other, return_reason


def _count(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(ReturnRequest))


def _register(client: TestClient, customer, reason, qty, line_id=None, order_id=None, db=None):
    return client.post(
        "/api/portal/returns",
        json={
            "customer_order_id": order_id or customer.order.id,
            "return_reason_id": reason.id,
            "lines": [{"shipment_line_id": line_id, "quantity": str(qty)}],
            "comment": "Бой при доставке",
        },
        headers=customer.headers,
    )


def test_customer_sees_returnable_lines_and_registers_a_return(
    db: Session, anon_client: TestClient, world
):
    mine, other, reason = world
    lines = anon_client.get(
        "/api/portal/return-lines",
        params={"customer_order_id": mine.order.id},
        headers=mine.headers,
    )
    assert lines.status_code == 200
    [line] = lines.json()
    assert Decimal(line["shipped"]) == 3 and Decimal(line["returnable"]) == 3
    created = _register(anon_client, mine, reason, 2, line["shipment_line_id"])
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["status"], body["source"], body["order_number"]) == (
        "registered",
        "portal",
        mine.order.number,
    )
    assert Decimal(body["total_amount"]) == Decimal(line["price"]) * 2
    row = db.get(ReturnRequest, body["id"])
    assert row.registered_by_id == mine.user.id and row.partner_id == mine.partner_id
    again = anon_client.get(
        "/api/portal/return-lines",
        params={"customer_order_id": mine.order.id},
        headers=mine.headers,
    ).json()
    assert Decimal(again[0]["returnable"]) == 1
    refused = _register(anon_client, mine, reason, 2, line["shipment_line_id"])
    assert refused.status_code == 422
    assert refused.json()["rule"] == "return.above_returnable"
    # The other customer sees neither the request nor the order's lines.
    assert (
        anon_client.get(f"/api/portal/returns/{row.id}", headers=other.headers).status_code == 404
    )
    assert (
        anon_client.get(
            "/api/portal/return-lines",
            params={"customer_order_id": mine.order.id},
            headers=other.headers,
        ).status_code
        == 404
    )


def test_another_partners_order_or_lines_are_refused(db: Session, anon_client: TestClient, world):
    mine, other, reason = world
    before = _count(db)
    foreign_line = shipment_line_id(db, other.order)
    response = _register(anon_client, mine, reason, 1, foreign_line, order_id=other.order.id)
    assert response.status_code == 422
    assert response.json()["field"] == "customer_order_id"
    # Own order, but a line shipped to someone else.
    response = _register(anon_client, mine, reason, 1, foreign_line)
    assert response.status_code == 422
    assert response.json()["rule"] == "return.line_not_of_order"
    assert _count(db) == before


def test_customer_cancels_while_registered_only(
    db: Session, anon_client: TestClient, client, world
):
    mine, _, reason = world
    line = shipment_line_id(db, mine.order)
    first = _register(anon_client, mine, reason, 1, line).json()
    cancelled = anon_client.post(f"/api/portal/returns/{first['id']}/cancel", headers=mine.headers)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    second = _register(anon_client, mine, reason, 1, line).json()
    assert client.post(f"/api/v1/return-requests/{second['id']}/approve").status_code == 200
    refused = anon_client.post(f"/api/portal/returns/{second['id']}/cancel", headers=mine.headers)
    assert refused.status_code == 409


def test_operators_process_portal_returns_and_a_received_one_reduces_debt(
    db: Session, anon_client: TestClient, client: TestClient, world
):
    mine, _, reason = world
    line = shipment_line_id(db, mine.order)
    created = _register(anon_client, mine, reason, 2, line).json()
    listed = client.get("/api/v1/return-requests", params={"source": "portal"}).json()
    assert [item["id"] for item in listed["items"]] == [created["id"]]
    debt_before = orders.partner_debt(db, mine.partner_id).debt
    url = f"/api/v1/return-requests/{created['id']}"
    assert client.post(f"{url}/receive").status_code == 409
    assert client.post(f"{url}/reject", json={"comment": ""}).status_code == 422
    stale = client.post(f"{url}/approve", json={"version": created["version"] + 5})
    assert stale.status_code == 409 and stale.json()["rule"] == "stale_version"
    approved = client.post(f"{url}/approve", json={"version": created["version"]})
    assert approved.status_code == 200 and approved.json()["first_response_at"] is not None
    db.expire_all()
    assert orders.partner_debt(db, mine.partner_id).debt == debt_before
    received = client.post(f"{url}/receive")
    assert received.status_code == 200 and received.json()["status"] == "received"
    db.expire_all()
    after = orders.partner_debt(db, mine.partner_id)
    assert after.debt == debt_before - Decimal(created["total_amount"])
    # The same debt on the order card and in the order list (the partner has this one order).
    detail = client.get(f"/api/v1/orders/{mine.order.id}").json()
    listed = client.get("/api/v1/orders", params={"partner_id": mine.partner_id}).json()
    assert Decimal(detail["debt"]) == Decimal(listed["items"][0]["debt"]) == after.debt
    portal_view = anon_client.get(f"/api/portal/returns/{created['id']}", headers=mine.headers)
    assert portal_view.json()["status"] == "received"


def test_operator_registers_a_return_for_a_customer(db: Session, client: TestClient, world):
    mine, _, reason = world
    line = shipment_line_id(db, mine.order)
    response = client.post(
        "/api/v1/return-requests",
        json={
            "partner_id": mine.partner_id,
            "customer_order_id": mine.order.id,
            "return_reason_id": reason.id,
            "lines": [{"shipment_line_id": line, "quantity": "1"}],
        },
    )
    assert response.status_code == 201, response.text
    assert response.json()["source"] == "operator"
    rejected = client.post(
        f"/api/v1/return-requests/{response.json()['id']}/reject",
        json={"comment": "Товар без упаковки"},
    )
    assert rejected.status_code == 200
    assert rejected.json()["decision_comment"] == "Товар без упаковки"


def test_files_of_a_return_request(db: Session, anon_client: TestClient, client, world):
    mine, other, reason = world
    created = _register(anon_client, mine, reason, 1, shipment_line_id(db, mine.order)).json()
    upload = anon_client.post(
        f"/api/portal/returns/{created['id']}/attachments",
        files=[("files", ("фото брака.png", PNG, "image/png"))],
        headers=mine.headers,
    )
    assert upload.status_code == 201, upload.text
    attachment_id = upload.json()[0]["id"]
    own = f"/api/portal/returns/{created['id']}/attachments/{attachment_id}"
    assert anon_client.get(own, headers=mine.headers).content == PNG
    assert anon_client.get(own, headers=other.headers).status_code == 404
    operator = client.get(f"/api/v1/return-requests/{created['id']}")
    assert [a["file_name"] for a in operator.json()["attachments"]] == ["фото брака.png"]
    download = client.get(f"/returns/{created['id']}/attachments/{attachment_id}")
    assert download.content == PNG


def test_customers_cannot_reach_the_operators_returns(db: Session, anon_client, world):
    mine, _, _ = world
    assert anon_client.get("/api/v1/return-requests", headers=mine.headers).status_code == 403


def test_a_customer_may_not_decide(db: Session, anon_client: TestClient, world):
    """The decision routes are operators' only; a customer's token is refused before them."""
    mine, _, reason = world
    created = _register(anon_client, mine, reason, 1, shipment_line_id(db, mine.order)).json()
    for action in ("approve", "receive"):
        response = anon_client.post(
            f"/api/v1/return-requests/{created['id']}/{action}", headers=mine.headers
        )
        assert response.status_code == 403
    operator = create_user(db, "operator")
    headers = bearer(create_token(db, operator))
    response = anon_client.post(f"/api/v1/return-requests/{created['id']}/approve", headers=headers)
    assert response.status_code == 200
