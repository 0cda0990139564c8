"""/api/v1 inter-company and commission documents (issue 22): the whole group scenario through
the API, the ownership ledger it leaves, the automatic transfer on shipment, and refusals."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.db.models import IntercompanyDocument, StockLevel, StockMovement
from tests.operational_app.utils.intercompany import API, build_group


def _positions(client: TestClient) -> dict[tuple, Decimal]:
    rows = client.get(f"{API}/stock-positions").json()
    return {
        (
            row["organization_id"],
            row["committent_id"],
            row["holder_kind"],
            row["warehouse_id"] or row["commissioner_id"],
            row["product_id"],
        ): Decimal(row["quantity"])
        for row in rows
    }


def test_every_document_kind_moves_ownership_as_expected(client: TestClient, db: Session):
    group = build_group(client)
    assert _positions(client) == group.expected_positions
    # The shipment passed Alfa's 20 X to Beta by itself, at the transfer price (cost + 10%).
    automatic = client.get(
        f"{API}/intercompany-documents", params={"organization_id": group.alfa}
    ).json()
    assert automatic["total"] == 3
    auto = [d for d in automatic["items"] if d["is_automatic"]]
    assert len(auto) == 1 and auto[0]["shipment_id"] == group.shipment_id
    detail = client.get(f"{API}/intercompany-documents/{auto[0]['id']}").json()
    assert (detail["sender_organization_id"], detail["receiver_organization_id"]) == (
        group.alfa,
        group.beta,
    )
    assert [(line["quantity"], line["price"]) for line in detail["lines"]] == [("20.000", "66.00")]
    assert Decimal(detail["total_amount"]) == Decimal("1320.00")
    # A return without a price takes the transfer price too.
    assert Decimal(group.documents["return"]["total_amount"]) == Decimal("44.00")
    sales = group.documents["commissioner_sales"]
    assert (Decimal(sales["total_amount"]), Decimal(sales["fee_amount"])) == (
        group.commissioner_sales,
        group.commissioner_fee,
    )
    assert sales["lines"][0]["buyer_name"] == "ИП Сидоров"
    assert sales["number"].startswith("ОКП-")
    writeoff = group.documents["commissioner_writeoff"]
    assert Decimal(writeoff["total_amount"]) == group.writeoff_amount  # at cost
    # Goods handed to the commissioner left the warehouse's on-hand; committent goods never
    # entered it: 110 X in − 30 shipped − 20 to the commissioner; 40 Y.
    on_hand = dict(
        db.execute(
            select(StockLevel.product_id, StockLevel.quantity_on_hand).where(
                StockLevel.warehouse_id == group.warehouse
            )
        ).all()
    )
    assert on_hand == {group.goods: Decimal(60), group.parts: Decimal(40)}
    payment = group.documents["commissioner_payment"]
    assert (payment["number"][:4], payment["lines"]) == ("ПОК-", [])
    assert Decimal(payment["total_amount"]) == group.commissioner_paid
    listed = client.get(f"{API}/commission-documents", params={"kind": "committent_report"}).json()
    assert [d["id"] for d in listed["items"]] == [group.documents["committent_report"]["id"]]


def test_refusals_store_nothing(client: TestClient, db: Session):
    group = build_group(client)
    movements = db.scalar(select(func.count()).select_from(StockMovement))
    documents = db.scalar(select(func.count()).select_from(IntercompanyDocument))
    w = group.warehouse

    def post(path: str, body: dict) -> tuple[int, str]:
        response = client.post(f"{API}{path}", json=body)
        return response.status_code, response.json().get("rule", "")

    # Beta owns 3 Y at the warehouse: it cannot pass on 4.
    lines = [{"product_id": group.parts, "quantity": "4"}]
    body = {
        "sender_organization_id": group.beta,
        "receiver_organization_id": group.alfa,
        "warehouse_id": w,
        "lines": lines,
    }
    assert post("/intercompany-documents", body) == (409, "ownership.above_owned")
    same = {**body, "receiver_organization_id": group.beta}
    assert post("/intercompany-documents", same) == (422, "intercompany.same_organization")
    assert post("/intercompany-documents", {**body, "lines": []})[0] == 422
    # The commissioner holds 7 X of Alfa's.
    report = {
        "kind": "commissioner_sales",
        "organization_id": group.alfa,
        "partner_id": group.commissioner,
        "lines": [{"product_id": group.goods, "quantity": "8"}],
    }
    assert post("/commission-documents", report) == (409, "ownership.above_owned")
    fee_too_big = {
        **report,
        "lines": [{"product_id": group.goods, "quantity": "1", "price": "10", "fee_amount": "11"}],
    }
    assert post("/commission-documents", fee_too_big) == (422, "commission.fee_above_amount")
    no_warehouse = {**report, "kind": "to_commissioner"}
    assert post("/commission-documents", no_warehouse) == (422, "commission.warehouse_required")
    assert post("/commission-documents", {**report, "partner_id": 999999}) == (
        422,
        "reference.unknown",
    )
    payment = {"kind": "commissioner_payment", "organization_id": group.alfa}
    payment["partner_id"] = group.commissioner
    assert post("/commission-documents", payment) == (422, "commission.payment_amount")
    with_lines = {**payment, "amount": "5", "lines": report["lines"]}
    assert post("/commission-documents", with_lines) == (422, "commission.payment_has_no_lines")
    assert db.scalar(select(func.count()).select_from(StockMovement)) == movements
    assert db.scalar(select(func.count()).select_from(IntercompanyDocument)) == documents
    assert client.get(f"{API}/commission-documents/999999").status_code == 404


def test_deleting_a_document_takes_its_movements_back(client: TestClient, db: Session):
    group = build_group(client)
    before = _positions(client)
    # The manual transfer's 5 Y went on: 2 came back by the return, Beta holds 3 of them.
    transfer = group.documents["transfer"]
    refused = client.request("DELETE", f"{API}/intercompany-documents/{transfer['id']}")
    assert (refused.status_code, refused.json()["rule"]) == (409, "ownership.document_in_use")
    # The return can go: Alfa still holds the 2 Y it brought back.
    returned = group.documents["return"]
    stale = client.request(
        "DELETE", f"{API}/intercompany-documents/{returned['id']}", json={"version": 9}
    )
    assert stale.status_code == 409 and stale.json()["rule"] == "stale_version"
    gone = client.request("DELETE", f"{API}/intercompany-documents/{returned['id']}")
    assert gone.status_code == 204
    after = _positions(client)
    key_alfa = (group.alfa, None, "warehouse", group.warehouse, group.parts)
    key_beta = (group.beta, None, "warehouse", group.warehouse, group.parts)
    assert after[key_alfa] == before[key_alfa] - 2 and after[key_beta] == before[key_beta] + 2
    assert client.get(f"{API}/intercompany-documents/{returned['id']}").status_code == 404
    # An automatic transfer belongs to its shipment.
    auto = [
        d for d in client.get(f"{API}/intercompany-documents").json()["items"] if d["is_automatic"]
    ][0]
    refused = client.request("DELETE", f"{API}/intercompany-documents/{auto['id']}")
    assert (refused.status_code, refused.json()["rule"]) == (409, "intercompany.automatic")
    # The write-off goes: the commissioner holds the unit again.
    writeoff = group.documents["commissioner_writeoff"]
    assert (
        client.request("DELETE", f"{API}/commission-documents/{writeoff['id']}").status_code == 204
    )
    key = (group.alfa, None, "commissioner", group.commissioner, group.goods)
    assert _positions(client)[key] == before[key] + 1
    # Handing over to the commissioner cannot be taken back: it sold part of the goods.
    handed = group.documents["to_commissioner"]
    refused = client.request("DELETE", f"{API}/commission-documents/{handed['id']}")
    assert refused.status_code == 409
