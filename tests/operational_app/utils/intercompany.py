"""A group of two organizations and a commissioner, every inter-company and commission document
kind entered through the API (/api/v1), and the figures the scenario must produce, computed here
by hand from the quantities and prices the scenario uses (not read back from the app).

Alfa owns the goods, Beta sells them; both keep goods at one warehouse. Beta's customer order
ships more than Beta owns, so the app passes the rest from Alfa to Beta (automatic Передача
товаров между организациями at cost + 10%). Alfa also hands goods to a commissioner, who reports
sales (fee 10%) and a write-off; Beta sells a committent's goods and reports to the committent.
Both settle by payments, and one mistaken transfer is entered and deleted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from fastapi.testclient import TestClient

from tests.operational_app.utils.factories import legal_entity_inn

API = "/api/v1"
DAY = dt.datetime(2026, 3, 2, 10, 0)
CENT = Decimal("0.01")


def _post(client: TestClient, path: str, body: dict) -> dict:
    response = client.post(f"{API}{path}", json=body)
    assert response.status_code in (200, 201), (path, response.text)
    return response.json()


def _at(days: int) -> str:
    return (DAY + dt.timedelta(days=days)).isoformat()


@dataclass
class Group:
    alfa: int
    beta: int
    commissioner: int
    committent: int
    customer: int
    warehouse: int
    goods: int  # X: base 100, cost 60
    parts: int  # Y: base 50, cost 20
    shipment_id: int = 0
    documents: dict[str, dict] = field(default_factory=dict)

    # Figures of the scenario, by hand.
    # Transfer price = cost × 1.10: X 66.00, Y 22.00.
    @property
    def expected_positions(self) -> dict[tuple, Decimal]:
        """(organization, committent, holder kind, holder id, product) → quantity."""
        w, c = self.warehouse, self.commissioner
        return {
            # Alfa at the warehouse: X 100 in − 20 to Beta − 20 to the commissioner; Y 40 − 5 + 2.
            (self.alfa, None, "warehouse", w, self.goods): Decimal(60),
            (self.alfa, None, "warehouse", w, self.parts): Decimal(37),
            # Beta: X 10 in + 20 from Alfa − 30 shipped = 0 (no position); Y 5 − 2 returned.
            (self.beta, None, "warehouse", w, self.parts): Decimal(3),
            # The commissioner holds Alfa's X: 20 − 12 sold − 1 written off.
            (self.alfa, None, "commissioner", c, self.goods): Decimal(7),
            # Beta holds the committent's Y: 15 received − 6 sold.
            (self.beta, self.committent, "warehouse", w, self.parts): Decimal(9),
        }

    # Inter-company: Alfa → Beta 20 X × 66 (automatic) + 5 Y × 25 (manual); Beta → Alfa 2 Y × 22.
    intercompany_from_alfa = Decimal("1320.00") + Decimal("125.00")
    intercompany_from_beta = Decimal("44.00")
    # External sales: Beta's shipment 30 X × 100; the commissioner's sales 12 X × 110 (fee 10%);
    # Beta's sales for the committent 6 Y × 55 (our fee 33: agency income only).
    shipment_amount = Decimal("3000.00")
    commissioner_sales = Decimal("1320.00")
    commissioner_fee = Decimal("132.00")
    writeoff_amount = Decimal("60.00")
    committent_sales = Decimal("330.00")
    committent_fee = Decimal("33.00")
    # Settlements: the commissioner pays Alfa 1000; Beta pays the committent 200.
    commissioner_paid = Decimal("1000.00")
    committent_paid = Decimal("200.00")

    @property
    def alfa_balance_with_beta(self) -> Decimal:
        return self.intercompany_from_alfa - self.intercompany_from_beta

    @property
    def group_revenue(self) -> Decimal:
        return self.shipment_amount + self.commissioner_sales + self.committent_fee

    @property
    def revenue_by_seller(self) -> dict[int, Decimal]:
        """Each organization's own revenue, inter-company sales (net of returns) included."""
        return {
            self.alfa: self.commissioner_sales + self.alfa_balance_with_beta,
            self.beta: self.shipment_amount + self.committent_fee,
        }

    @property
    def revenue_by_owner(self) -> dict[int, Decimal]:
        """External revenue by whose goods were sold: 20 of the 30 X shipped were Alfa's."""
        from_alfa = (self.shipment_amount * 20 / 30).quantize(CENT)
        return {
            self.alfa: from_alfa + self.commissioner_sales,
            self.beta: self.shipment_amount - from_alfa + self.committent_fee,
        }


def build_group(client: TestClient, tag: str = "") -> Group:
    """Create the group through the API and run every document kind. `tag` keeps names unique."""

    def org(name: str) -> int:
        return _post(
            client,
            "/organizations",
            {"name": name + tag, "inn": legal_entity_inn(), "kpp": "770101001"},
        )["id"]

    def partner(name: str, kind: str = "customer") -> int:
        return _post(client, "/partners", {"name": name + tag, "kind": kind})["id"]

    def product(sku: str, base: str, cost: str) -> int:
        body = {
            "sku": sku + tag,
            "name": f"Товар {sku}{tag}",
            "base_price": base,
            "cost_price": cost,
        }
        return _post(client, "/products", body)["id"]

    group = Group(
        alfa=org("ООО «Альфа»"),
        beta=org("ООО «Бета»"),
        commissioner=partner("ООО «Комиссионер»", "other"),
        committent=partner("ООО «Комитент»", "supplier"),
        customer=partner("ООО «Покупатель»"),
        warehouse=_post(client, "/warehouses", {"name": "Общий склад" + tag})["id"],
        goods=product("IC-X", "100", "60"),
        parts=product("IC-Y", "50", "20"),
    )
    a, b, w = group.alfa, group.beta, group.warehouse
    for organization, item, qty in (
        (a, group.goods, 100),
        (a, group.parts, 40),
        (b, group.goods, 10),
    ):
        _post(
            client,
            "/stock-receipts",
            {
                "organization_id": organization,
                "warehouse_id": w,
                "product_id": item,
                "quantity": str(qty),
                "received_at": _at(0),
            },
        )
    # Beta sells 30 X it owns only 10 of.
    order = _post(
        client,
        "/orders",
        {
            "partner_id": group.customer,
            "organization_id": b,
            "ordered_at": _at(1),
            "lines": [
                {"product_id": group.goods, "warehouse_id": w, "quantity": "30", "price": "100"}
            ],
        },
    )
    for step in ("submit", "to-ship"):
        order = _post(client, f"/orders/{order['id']}/{step}", {})
    shipped = _post(client, f"/orders/{order['id']}/shipments", {"shipped_at": _at(2)})
    group.shipment_id = shipped["shipments"][-1]["id"]

    def intercompany(kind: str, sender: int, receiver: int, lines: list[dict], day: int) -> dict:
        body = {
            "kind": kind,
            "sender_organization_id": sender,
            "receiver_organization_id": receiver,
            "warehouse_id": w,
            "documented_at": _at(day),
            "lines": lines,
        }
        return _post(client, "/intercompany-documents", body)

    group.documents["transfer"] = intercompany(
        "transfer", a, b, [{"product_id": group.parts, "quantity": "5", "price": "25"}], 3
    )
    group.documents["return"] = intercompany(
        "return", b, a, [{"product_id": group.parts, "quantity": "2"}], 4
    )

    def commission(
        kind: str, organization: int, partner_id: int, lines: list[dict], day: int, **extra
    ) -> dict:
        body = {
            "kind": kind,
            "organization_id": organization,
            "partner_id": partner_id,
            "documented_at": _at(day),
            "lines": lines,
            **extra,
        }
        return _post(client, "/commission-documents", body)

    c, k = group.commissioner, group.committent
    group.documents["to_commissioner"] = commission(
        "to_commissioner", a, c, [{"product_id": group.goods, "quantity": "20"}], 5, warehouse_id=w
    )
    group.documents["commissioner_sales"] = commission(
        "commissioner_sales",
        a,
        c,
        [{"product_id": group.goods, "quantity": "12", "price": "110", "buyer_name": "ИП Сидоров"}],
        6,
        fee_percent="10",
    )
    group.documents["commissioner_writeoff"] = commission(
        "commissioner_writeoff", a, c, [{"product_id": group.goods, "quantity": "1"}], 7
    )
    group.documents["from_committent"] = commission(
        "from_committent",
        b,
        k,
        [{"product_id": group.parts, "quantity": "15", "price": "40"}],
        8,
        warehouse_id=w,
    )
    group.documents["committent_report"] = commission(
        "committent_report",
        b,
        k,
        [
            {
                "product_id": group.parts,
                "quantity": "6",
                "price": "55",
                "fee_amount": "33",
                "buyer_partner_id": group.customer,
            }
        ],
        9,
        warehouse_id=w,
    )
    # A mistaken transfer, deleted: it must leave no trace in the ledger or the marts.
    mistaken = intercompany("transfer", a, b, [{"product_id": group.goods, "quantity": "1"}], 10)
    deleted = client.request("DELETE", f"{API}/intercompany-documents/{mistaken['id']}")
    assert deleted.status_code == 204, deleted.text
    group.documents["commissioner_payment"] = commission(
        "commissioner_payment", a, c, [], 10, amount="1000"
    )
    group.documents["committent_payment"] = commission(
        "committent_payment", b, k, [], 11, amount="200"
    )
    return group
