"""/api/v1/classifiers: administrators write, everyone reads; the rules answer 4xx."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.operational_app.utils.factories import Classifiers, create_random_deal
from tests.operational_app.utils.users import bearer, create_token, create_user

API = "/api/v1/classifiers"


def test_writes_need_an_administrator(client: TestClient, db: Session):
    manager = bearer(create_token(db, create_user(db, "manager")))
    refused = client.post(f"{API}/partner-roles", json={"name": "Дилер"}, headers=manager)
    assert refused.status_code == 403
    created = client.post(f"{API}/partner-roles", json={"name": "Дилер"})
    assert created.status_code == 201
    role = created.json()
    assert client.get(f"{API}/partner-roles", headers=manager).json()["total"] == 1
    assert client.delete(f"{API}/partner-roles/{role['id']}", headers=manager).status_code == 403
    duplicate = client.post(f"{API}/partner-roles", json={"name": "Дилер"})
    assert (duplicate.status_code, duplicate.json()["rule"]) == (422, "classifier.name_taken")
    stale = client.patch(f"{API}/partner-roles/{role['id']}", json={"version": 9, "name": "Y"})
    assert stale.status_code == 409
    assert client.delete(f"{API}/partner-roles/{role['id']}").json()["deleted_at"]
    assert client.get(f"{API}/partner-roles").json()["total"] == 0
    assert client.get(f"{API}/partner-roles", params={"include_deleted": True}).json()["total"] == 1
    assert client.get(f"{API}/no-such-thing").status_code == 404
    assert client.patch(f"{API}/partner-roles/999999", json={"version": 1}).status_code == 404


def test_claim_reason_cycle_and_stage_rules(
    client: TestClient, db: Session, classifiers: Classifiers
):
    group = client.post(f"{API}/claim-reasons", json={"name": "Качество"}).json()
    child = client.post(
        f"{API}/claim-reasons", json={"name": "Брак", "parent_id": group["id"]}
    ).json()
    cycle = client.patch(
        f"{API}/claim-reasons/{group['id']}",
        json={"version": group["version"], "parent_id": child["id"]},
    )
    assert (cycle.status_code, cycle.json()["rule"]) == (422, "claim_reason.cycle")
    create_random_deal(db, classifiers)
    first = classifiers.stages[0].id
    in_use = client.delete(f"{API}/sales-stages/{first}")
    assert (in_use.status_code, in_use.json()["rule"]) == (409, "sales_stage.in_use")
    ids = [s.id for s in classifiers.stages]
    reordered = client.post(
        f"{API}/sales-stages/reorder",
        json={"deal_kind_id": classifiers.kind.id, "stage_ids": ids[::-1]},
    )
    assert reordered.status_code == 200
    assert [s["sequence"] for s in reordered.json()] == [10, 20, 30, 40, 50]
    listed = client.get(f"{API}/sales-stages", params={"deal_kind_id": classifiers.kind.id}).json()
    assert [s["id"] for s in listed["items"]] == ids[::-1]
    bad = client.post(
        f"{API}/sales-stages/reorder",
        json={"deal_kind_id": classifiers.kind.id, "stage_ids": ids[:2]},
    )
    assert bad.status_code == 422
    events = client.post(
        f"{API}/marketing-events",
        json={"name": "Выставка", "starts_on": "2026-05-02", "ends_on": "2026-05-01"},
    )
    assert events.status_code == 422
