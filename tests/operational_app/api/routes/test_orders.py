"""/api/v1 sales endpoints: the document flow end to end and the error contract (4xx, never 500)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from operational_app.db.models import CommercialOffer, User
from tests.operational_app.utils.sales import Sales, create_sales
from tests.operational_app.utils.users import bearer, create_token, create_user

API = "/api/v1"


@pytest.fixture
def sales(db: Session) -> Sales:
    return create_sales(db)


def new_order(client: TestClient, sales: Sales, discount: str = "0", qty: str = "4") -> dict:
    body = {
        "partner_id": sales.partner.id,
        "agreement_id": sales.agreement.id,
        "lines": [
            {
                "product_id": sales.product.id,
                "warehouse_id": sales.warehouse.id,
                "quantity": qty,
                "discount_percent": discount,
            }
        ],
    }
    response = client.post(f"{API}/orders", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def post(client: TestClient, url: str, body: dict | None = None, status: int = 200, **kw) -> dict:
    response = client.post(f"{API}{url}", json=body, **kw)
    assert response.status_code == status, response.text
    return response.json()


def test_full_order_flow_with_debt(client: TestClient, sales: Sales):
    order = new_order(client, sales)
    assert (order["total_amount"], order["status"], order["requires_approval"]) == (
        "360.00",
        "draft",
        False,
    )
    oid = order["id"]
    order = post(client, f"/orders/{oid}/reserve")
    assert order["lines"][0]["reserved_quantity"] == "4.000"
    order = post(client, f"/orders/{oid}/submit", {"version": order["version"]})
    assert order["status"] == "approved"
    assert [i["kind"] for i in order["payment_schedule"]] == ["prepayment", "credit"]
    post(client, f"/orders/{oid}/to-ship")
    line_id = order["lines"][0]["id"]
    order = post(
        client,
        f"/orders/{oid}/shipments",
        {"lines": [{"order_line_id": line_id, "quantity": 1}]},
        status=201,
    )
    assert (order["shipped_amount"], order["debt"], order["status"]) == (
        "90.00",
        "90.00",
        "to_ship",
    )
    order = post(client, f"/orders/{oid}/payments", {"amount": "50"}, status=201)
    assert order["debt"] == "40.00"
    order = post(client, f"/orders/{oid}/shipments", {}, status=201)
    assert (order["status"], order["debt"]) == ("shipped", "310.00")
    assert order["shipments"][1]["cost_amount"] == "180.00"
    refused = client.post(f"{API}/orders/{oid}/close")
    assert (refused.status_code, refused.json()["rule"]) == (409, "order.not_paid")
    post(client, f"/orders/{oid}/payments", {"amount": "310.00"}, status=201)
    assert post(client, f"/orders/{oid}/close")["status"] == "closed"
    debt = client.get(f"{API}/partners/{sales.partner.id}/debt").json()
    assert (debt["shipped_amount"], debt["paid_amount"], debt["debt"]) == (
        "360.00",
        "360.00",
        "0.00",
    )
    listed = client.get(f"{API}/orders", params={"partner_id": sales.partner.id}).json()
    assert listed["total"] == 1 and listed["items"][0]["paid_amount"] == "360.00"


def test_approval_above_limit_needs_manager_role(client: TestClient, db: Session, sales: Sales):
    order = new_order(client, sales, discount="7")
    assert order["requires_approval"] is True
    oid = order["id"]
    skipped = client.post(f"{API}/orders/{oid}/approve")
    assert (skipped.status_code, skipped.json()["rule"]) == (409, "order.approval_required")
    assert post(client, f"/orders/{oid}/submit")["status"] == "on_approval"
    operator = bearer(create_token(db, create_user(db, "operator")))
    denied = client.post(f"{API}/orders/{oid}/approve", headers=operator)
    assert denied.status_code == 403
    manager = bearer(create_token(db, create_user(db, "manager")))
    approved = post(client, f"/orders/{oid}/approve", headers=manager)
    assert approved["status"] == "approved" and approved["approved_by_id"]


def test_reserve_conflicts_and_moves(client: TestClient, sales: Sales):
    first = new_order(client, sales, qty="8")
    second = new_order(client, sales, qty="5")
    first_line, second_line = first["lines"][0]["id"], second["lines"][0]["id"]
    post(client, f"/orders/{first['id']}/lines/{first_line}/reserve")
    refused = client.post(
        f"{API}/orders/{second['id']}/lines/{second_line}/reserve", json={"quantity": "3"}
    )
    assert (refused.status_code, refused.json()["rule"]) == (409, "reserve.above_free_stock")
    moved = post(
        client,
        "/reserve-adjustments",
        {"from_line_id": first_line, "to_line_id": second_line, "quantity": "5"},
        status=201,
    )
    assert moved["quantity"] == "5.000"
    too_much = client.post(
        f"{API}/reserve-adjustments",
        json={"from_line_id": first_line, "to_line_id": second_line, "quantity": "1"},
    )
    assert too_much.status_code in (409, 422)
    stock = client.get(f"{API}/stock", params={"product_id": sales.product.id}).json()
    assert (stock["items"][0]["reserved"], stock["items"][0]["free"]) == ("8.000", "2.000")
    cancelled = post(client, f"/orders/{first['id']}/cancel")
    assert (
        cancelled["status"] == "cancelled" and cancelled["lines"][0]["reserved_quantity"] == "0.000"
    )


def test_offer_to_order(client: TestClient, sales: Sales, db: Session, admin: User):
    offer = post(
        client,
        "/offers",
        {
            "partner_id": sales.partner.id,
            "agreement_id": sales.agreement.id,
            "lines": [{"product_id": sales.product.id, "quantity": "2", "price_adjustment": "-10"}],
        },
        status=201,
    )
    assert offer["total_amount"] == "160.00"
    early = client.post(f"{API}/offers/{offer['id']}/accept")
    assert (early.status_code, early.json()["rule"]) == (409, "offer.status_forbids")
    post(client, f"/offers/{offer['id']}/send")
    accepted = post(client, f"/offers/{offer['id']}/accept", {"warehouse_id": sales.warehouse.id})
    assert accepted["status"] == "accepted"
    [order_id] = accepted["order_ids"]
    order = client.get(f"{API}/orders/{order_id}").json()
    assert (order["commercial_offer_id"], order["total_amount"]) == (offer["id"], "160.00")
    # The operator who recorded the customer's decision (a portal user when they decide there).
    assert db.get(CommercialOffer, offer["id"], populate_existing=True).decided_by_id == admin.id
    assert post(client, "/offers/expire-overdue") == {"expired": []}


def test_stale_version_is_409(client: TestClient, sales: Sales):
    order = new_order(client, sales)
    response = client.patch(
        f"{API}/orders/{order['id']}", json={"version": order["version"] + 5, "comment": "x"}
    )
    assert (response.status_code, response.json()["rule"]) == (409, "stale_version")
    product = client.get(f"{API}/products/{sales.product.id}").json()
    ok = client.patch(
        f"{API}/products/{sales.product.id}", json={"version": product["version"], "name": "Новое"}
    )
    assert ok.status_code == 200, ok.text
    stale = client.patch(
        f"{API}/products/{sales.product.id}", json={"version": product["version"], "name": "Старое"}
    )
    assert stale.status_code == 409


@pytest.mark.parametrize(
    ("method", "url", "body", "status"),
    [
        ("get", "/orders/999999", None, 404),
        ("get", "/offers/999999", None, 404),
        ("get", "/agreements/999999", None, 404),
        ("get", "/products/0", None, 422),
        ("get", "/orders?status=bogus", None, 422),
        ("get", "/orders?sort=%27;drop", None, 200),
        ("post", "/orders", {"partner_id": 1, "lines": [{"product_id": 1, "quantity": "-1"}]}, 422),
        ("post", "/orders", {"partner_id": 999999}, 422),
        ("post", "/orders", {"partner_id": 1, "ordered_at": "99999-01-01T00:00:00"}, 422),
        ("post", "/products", {"sku": "X", "name": "Y", "base_price": "1e20"}, 422),
        ("post", "/products", {"sku": "", "name": "Y"}, 422),
        (
            "post",
            "/agreements",
            {"name": "A", "valid_from": "2025-01-01", "discount_percent": 101},
            422,
        ),
        (
            "post",
            "/agreements",
            {"name": "A", "valid_from": "2025-01-01", "kind": "individual"},
            422,
        ),
        ("post", "/stock", {"product_id": 1, "warehouse_id": 1}, 422),
        (
            "post",
            "/reserve-adjustments",
            {"from_line_id": 1, "to_line_id": 2, "quantity": "1"},
            404,
        ),
        ("post", "/offers/999999/send", None, 404),
        ("post", "/orders/999999/shipments", {}, 404),
    ],
)
def test_error_contract(client: TestClient, method: str, url: str, body, status: int):
    kwargs = {"json": body} if body is not None else {}
    response = getattr(client, method)(f"{API}{url}", **kwargs)
    assert response.status_code == status, response.text


def test_order_state_errors_are_4xx(client: TestClient, sales: Sales):
    order = new_order(client, sales, qty="2")
    oid, line_id = order["id"], order["lines"][0]["id"]
    checks = [
        ("/to-ship", {}, 409),
        ("/shipments", {}, 409),
        ("/payments", {"amount": "1"}, 409),
        ("/close", {}, 409),
        (f"/lines/{line_id}/reserve", {"quantity": "3"}, 422),
        ("/lines/999999/reserve", {}, 404),
    ]
    for suffix, body, status in checks:
        response = client.post(f"{API}/orders/{oid}{suffix}", json=body)
        assert response.status_code == status, (suffix, response.text)
    post(client, f"/orders/{oid}/submit")
    post(client, f"/orders/{oid}/to-ship")
    over = client.post(
        f"{API}/orders/{oid}/shipments", json={"lines": [{"order_line_id": line_id, "quantity": 3}]}
    )
    assert (over.status_code, over.json()["rule"]) == (422, "shipment.above_ordered")
    overpay = client.post(f"{API}/orders/{oid}/payments", json={"amount": "1000"})
    assert (overpay.status_code, overpay.json()["rule"]) == (422, "payment.above_order")
    gone = client.delete(f"{API}/orders/{oid}")
    assert gone.status_code == 409


def test_crud_lists_and_soft_delete(client: TestClient, sales: Sales):
    warehouse = post(client, "/warehouses", {"name": "Запасной"}, status=201)
    assert client.get(f"{API}/warehouses", params={"q": "запас"}).json()["total"] == 1
    assert client.delete(f"{API}/warehouses/{warehouse['id']}").status_code == 204
    assert client.get(f"{API}/warehouses/{warehouse['id']}").status_code == 404
    stock = post(
        client,
        "/stock",
        {"product_id": sales.product.id, "warehouse_id": sales.warehouse.id, "delta": "5"},
    )
    assert stock["quantity_on_hand"] == "15.000"
    agreement = post(
        client,
        "/agreements",
        {
            "name": "Индивидуальное",
            "kind": "individual",
            "partner_id": sales.partner.id,
            "valid_from": "2025-01-01",
        },
        status=201,
    )
    found = client.get(
        f"{API}/agreements", params={"available_to_partner": sales.partner.id}
    ).json()
    assert {a["id"] for a in found["items"]} == {agreement["id"], sales.agreement.id}
    order = new_order(client, sales)
    draft = client.delete(f"{API}/orders/{order['id']}")
    assert draft.status_code == 204
    assert client.get(f"{API}/orders/{order['id']}").status_code == 404
