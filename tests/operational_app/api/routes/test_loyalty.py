"""/api/v1/loyalty-programmes, /api/v1/discount-cards and their manual points adjustments:
create, read, change, delete, and the rules (percent range, a discount programme accrues
nothing, unique card number, one holder, a programme with cards is not deleted)."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.operational_app.utils.factories import create_random_partner

BONUS = {
    "name": "Бонусная",
    "kind": "bonus",
    "accrual_percent": "5",
    "max_redemption_percent": "30",
    "point_value": "1",
    "points_validity_days": 365,
}


def _programme(client: TestClient, **overrides: object) -> dict:
    response = client.post("/api/v1/loyalty-programmes", json={**BONUS, **overrides})
    assert response.status_code == 201, response.text
    return response.json()


def test_programme_and_card_lifecycle(client: TestClient, db: Session) -> None:
    programme = _programme(client)
    assert Decimal(programme["accrual_percent"]) == 5 and programme["points_validity_days"] == 365
    partner = create_random_partner(db)
    created = client.post(
        "/api/v1/discount-cards",
        json={
            "number": "7700000000001",
            "programme_id": programme["id"],
            "partner_id": partner.id,
            "issued_on": "2026-11-01",
        },
    )
    assert created.status_code == 201, created.text
    card = created.json()
    listed = client.get("/api/v1/discount-cards", params={"programme_id": programme["id"]})
    assert [item["number"] for item in listed.json()["items"]] == ["7700000000001"]
    by_number = client.get("/api/v1/discount-cards", params={"number": "7700000000001"}).json()
    assert by_number["total"] == 1 and by_number["items"][0]["partner_id"] == partner.id
    blocked = client.patch(
        f"/api/v1/discount-cards/{card['id']}",
        json={"version": card["version"], "blocked_on": "2026-12-01"},
    )
    assert blocked.status_code == 200 and blocked.json()["blocked_on"] == "2026-12-01"

    adjustment = client.post(
        f"/api/v1/discount-cards/{card['id']}/point-adjustments",
        json={"points": "-40.5", "adjusted_on": "2026-12-02", "reason": "Списание по жалобе"},
    )
    assert adjustment.status_code == 201, adjustment.text
    adjustments = client.get(f"/api/v1/discount-cards/{card['id']}/point-adjustments").json()
    assert [Decimal(a["points"]) for a in adjustments] == [Decimal("-40.5")]
    zero = client.post(
        f"/api/v1/discount-cards/{card['id']}/point-adjustments",
        json={"points": "0", "adjusted_on": "2026-12-02", "reason": "ничего"},
    )
    assert zero.status_code == 422

    refused = client.delete(f"/api/v1/loyalty-programmes/{programme['id']}")
    assert refused.status_code == 409 and "has_cards" in refused.text
    assert client.delete(f"/api/v1/discount-cards/{card['id']}").status_code == 204
    assert client.delete(f"/api/v1/loyalty-programmes/{programme['id']}").status_code == 204
    assert client.get(f"/api/v1/loyalty-programmes/{programme['id']}").status_code == 404


def test_programme_rules(client: TestClient) -> None:
    over = client.post("/api/v1/loyalty-programmes", json={**BONUS, "accrual_percent": "101"})
    assert over.status_code == 422
    accruing_discount = client.post(
        "/api/v1/loyalty-programmes",
        json={
            "name": "Скидка",
            "kind": "discount",
            "discount_percent": "5",
            "accrual_percent": "3",
        },
    )
    assert accruing_discount.status_code == 422 and "discount_accrues" in accruing_discount.text
    programme = _programme(client)
    duplicate = client.post("/api/v1/loyalty-programmes", json=BONUS)
    assert duplicate.status_code == 422 and "name_taken" in duplicate.text
    stale = client.patch(
        f"/api/v1/loyalty-programmes/{programme['id']}",
        json={"version": programme["version"] + 1, "accrual_percent": "7"},
    )
    assert stale.status_code == 409
    changed = client.patch(
        f"/api/v1/loyalty-programmes/{programme['id']}",
        json={"version": programme["version"], "accrual_percent": "7"},
    )
    assert changed.status_code == 200 and Decimal(changed.json()["accrual_percent"]) == 7


def test_card_rules(client: TestClient, db: Session) -> None:
    programme = _programme(client)
    body = {"number": "7700000000002", "programme_id": programme["id"], "issued_on": "2026-11-01"}
    assert client.post("/api/v1/discount-cards", json=body).status_code == 201
    duplicate = client.post("/api/v1/discount-cards", json=body)
    assert duplicate.status_code == 422 and "number_taken" in duplicate.text
    unknown = client.post(
        "/api/v1/discount-cards", json={**body, "number": "77003", "programme_id": 999_999}
    )
    assert unknown.status_code == 422
    partner = create_random_partner(db)
    both = client.post(
        "/api/v1/discount-cards",
        json={**body, "number": "77004", "partner_id": partner.id, "contact_person_id": 1},
    )
    assert both.status_code == 422
    early = client.post(
        "/api/v1/discount-cards",
        json={**body, "number": "77005", "blocked_on": "2026-10-01"},
    )
    assert early.status_code == 422 and "blocked_before_issue" in early.text
