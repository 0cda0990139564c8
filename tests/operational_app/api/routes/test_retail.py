"""/api/v1/stores and /api/v1/cash-registers: create, read, change, delete, and the rules
(16-digit РН ККТ and ФН, unique registration number, a store with registers is not deleted)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from operational_app.db.models import Organization, Warehouse
from tests.operational_app.utils.factories import legal_entity_inn


def _store(client: TestClient, db: Session, name: str = "Магазин «Центр»") -> dict:
    organization = Organization(name="ООО «Розница»", inn=legal_entity_inn())
    warehouse = Warehouse(name=f"Склад {name}")
    db.add_all([organization, warehouse])
    db.commit()
    response = client.post(
        "/api/v1/stores",
        json={"name": name, "organization_id": organization.id, "warehouse_id": warehouse.id},
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_store_and_register_lifecycle(client: TestClient, db: Session) -> None:
    store = _store(client, db)
    created = client.post(
        "/api/v1/cash-registers",
        json={
            "store_id": store["id"],
            "registration_number": "0007795807005569",
            "fiscal_drive_number": "9960440300000001",
            "ofd_name": "ООО «Такском»",
            "ofd_inn": "7704211201",
        },
    )
    assert created.status_code == 201, created.text
    register = created.json()
    listed = client.get("/api/v1/cash-registers", params={"store_id": store["id"]}).json()
    assert [item["registration_number"] for item in listed["items"]] == ["0007795807005569"]
    changed = client.patch(
        f"/api/v1/cash-registers/{register['id']}",
        json={"version": register["version"], "fiscal_drive_number": "9960440300000002"},
    )
    assert changed.status_code == 200 and changed.json()["fiscal_drive_number"].endswith("02")
    refused = client.delete(f"/api/v1/stores/{store['id']}")
    assert refused.status_code == 409 and "cash_registers" in refused.text
    assert client.delete(f"/api/v1/cash-registers/{register['id']}").status_code == 204
    assert client.delete(f"/api/v1/stores/{store['id']}").status_code == 204
    assert client.get(f"/api/v1/stores/{store['id']}").status_code == 404


def test_register_rules(client: TestClient, db: Session) -> None:
    store = _store(client, db)
    body = {"store_id": store["id"], "registration_number": "0007795807005569"}
    assert client.post("/api/v1/cash-registers", json=body).status_code == 201
    duplicate = client.post("/api/v1/cash-registers", json=body)
    assert duplicate.status_code == 422 and "number_taken" in duplicate.text
    short = client.post("/api/v1/cash-registers", json={**body, "registration_number": "12345"})
    assert short.status_code == 422 and "16 digits" in short.text
    bad_inn = client.post(
        "/api/v1/cash-registers",
        json={**body, "registration_number": "0007795807005570", "ofd_inn": "77042112"},
    )
    assert bad_inn.status_code == 422
    unknown = client.post(
        "/api/v1/cash-registers",
        json={**body, "store_id": 999_999, "registration_number": "1" * 16},
    )
    assert unknown.status_code == 422
