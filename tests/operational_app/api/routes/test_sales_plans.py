"""/api/v1/sales-plans: managers write, the grain is unique, references must be live."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.operational_app.utils.factories import Classifiers
from tests.operational_app.utils.users import bearer, create_token, create_user

API = "/api/v1/sales-plans"


def _plan(classifiers: Classifiers, **changes: object) -> dict[str, object]:
    return {
        "period_month": "2026-03-17",
        "manager_id": classifiers.manager.id,
        "business_region_id": classifiers.region.id,
        "deal_kind_id": classifiers.kind.id,
        "planned_amount": "150000.00",
        "planned_won_deals": 3,
        **changes,
    }


def test_plan_crud_and_grain(client: TestClient, db: Session, classifiers: Classifiers):
    created = client.post(API, json=_plan(classifiers))
    assert created.status_code == 201, created.text
    plan = created.json()
    # Any day names its month: the plan is stored on the first day.
    assert plan["period_month"] == "2026-03-01"
    assert (plan["planned_amount"], plan["planned_won_deals"]) == ("150000.00", 3)

    duplicate = client.post(API, json=_plan(classifiers, period_month="2026-03-02"))
    assert (duplicate.status_code, duplicate.json()["rule"]) == (422, "sales_plan.duplicate")
    other_kind = client.post(
        API, json=_plan(classifiers, deal_kind_id=classifiers.non_process_kind.id)
    )
    assert other_kind.status_code == 201

    listed = client.get(API, params={"month_from": "2026-03-01", "month_to": "2026-03-31"})
    assert listed.json()["total"] == 2
    by_kind = client.get(API, params={"deal_kind_id": classifiers.kind.id}).json()
    assert [p["id"] for p in by_kind["items"]] == [plan["id"]]
    assert client.get(API, params={"month_from": "2026-04-01"}).json()["total"] == 0

    stale = client.patch(f"{API}/{plan['id']}", json={"version": 9, "planned_won_deals": 4})
    assert stale.status_code == 409
    moved = client.patch(
        f"{API}/{plan['id']}", json={"version": plan["version"], "planned_amount": "90000"}
    )
    assert moved.json()["planned_amount"] == "90000.00"
    null = client.patch(f"{API}/{plan['id']}", json={"version": 2, "manager_id": None})
    assert null.status_code == 422

    deleted = client.delete(f"{API}/{plan['id']}")
    assert deleted.json()["deleted_at"]
    assert client.get(f"{API}/{plan['id']}").status_code == 404
    # The deleted plan still holds its cell: it is restored, not entered again.
    again = client.post(API, json=_plan(classifiers))
    assert (again.status_code, again.json()["rule"]) == (422, "sales_plan.duplicate")
    restored = client.post(f"{API}/{plan['id']}/restore")
    assert restored.status_code == 200 and restored.json()["deleted_at"] is None


def test_plan_rules(client: TestClient, db: Session, classifiers: Classifiers):
    negative = client.post(API, json=_plan(classifiers, planned_amount="-1"))
    assert negative.status_code == 422
    unknown = client.post(API, json=_plan(classifiers, business_region_id=999999))
    assert (unknown.status_code, unknown.json()["rule"]) == (422, "reference.unknown")
    missing = client.post(API, json={"period_month": "2026-03-01"})
    assert missing.status_code == 422


def test_writes_need_a_manager(client: TestClient, db: Session, classifiers: Classifiers):
    operator = bearer(create_token(db, create_user(db, "operator")))
    refused = client.post(API, json=_plan(classifiers), headers=operator)
    assert refused.status_code == 403
    manager = bearer(create_token(db, create_user(db, "manager")))
    created = client.post(API, json=_plan(classifiers), headers=manager)
    assert created.status_code == 201
    assert client.get(API, headers=operator).json()["total"] == 1
