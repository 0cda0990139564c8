"""/api/v1/claims and /api/v1/interactions: transitions, 403/404/409/422 paths, never 500."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.operational_app.utils.engagement import contact, order_with_shipment
from tests.operational_app.utils.factories import (
    Classifiers,
    create_random_deal,
    create_random_partner,
)
from tests.operational_app.utils.users import bearer, create_token, create_user

API = "/api/v1"


def test_claim_flow_over_the_api(client: TestClient, db: Session):
    partner = create_random_partner(db)
    order, shipment = order_with_shipment(db, partner.id)
    body = {"partner_id": partner.id, "source": "discrepancy_act", "claimed_amount": "99.90"}
    missing = client.post(f"{API}/claims", json=body)
    assert (missing.status_code, missing.json()["rule"]) == (422, "claim.shipment_required")
    created = client.post(f"{API}/claims", json={**body, "shipment_id": shipment.id})
    assert created.status_code == 201, created.text
    claim = created.json()
    assert (claim["customer_order_id"], claim["status"]) == (order.id, "registered")
    cid = claim["id"]
    assert (
        client.post(f"{API}/claims/{cid}/resolve", json={"result": "satisfied"}).status_code == 409
    )
    taken = client.post(f"{API}/claims/{cid}/take", json={"version": claim["version"]})
    assert taken.status_code == 200
    stale = client.patch(
        f"{API}/claims/{cid}", json={"version": claim["version"], "description": "x"}
    )
    assert (stale.status_code, stale.json()["rule"]) == (409, "stale_version")
    task = client.post(
        f"{API}/claims/{cid}/tasks", json={"title": "Осмотр", "due_date": "2026-04-01"}
    )
    assert task.status_code == 201
    blocked = client.post(f"{API}/claims/{cid}/resolve", json={"result": "satisfied"})
    assert (blocked.status_code, blocked.json()["rule"]) == (409, "claim.open_tasks")
    no_result = client.post(f"{API}/claims/{cid}/resolve", json={"force": True})
    assert (no_result.status_code, no_result.json()["rule"]) == (422, "claim.result_required")
    bad_result = client.post(f"{API}/claims/{cid}/resolve", json={"result": "maybe"})
    assert bad_result.status_code == 422
    tid = task.json()["id"]
    assert client.post(f"{API}/claims/{cid}/tasks/{tid}/complete").status_code == 200
    resolved = client.post(f"{API}/claims/{cid}/resolve", json={"result": "satisfied"})
    assert resolved.status_code == 200
    detail = resolved.json()
    assert (detail["status"], detail["result"]) == ("resolved", "satisfied")
    assert detail["resolved_at"] and detail["tasks"][0]["status"] == "done"
    assert client.get(f"{API}/claims", params={"status": "resolved"}).json()["total"] == 1
    assert client.get(f"{API}/claims", params={"status": "in_work"}).json()["total"] == 0
    # An administrator (the test client) may reopen; a manager may not.
    manager = create_user(db, "manager")
    as_manager = bearer(create_token(db, manager))
    refused = client.post(f"{API}/claims/{cid}/reopen", headers=as_manager)
    assert (refused.status_code, refused.json()["rule"]) == (
        403,
        "claim.reopen_requires_administrator",
    )
    assert client.post(f"{API}/claims/{cid}/reopen").json()["status"] == "in_work"


def test_claim_errors_are_4xx(client: TestClient, db: Session):
    partner = create_random_partner(db)
    assert client.get(f"{API}/claims/999999").status_code == 404
    assert client.post(f"{API}/claims/999999/take").status_code == 404
    for body in (
        {"partner_id": partner.id, "claimed_amount": -1},
        {"partner_id": partner.id, "source": "fax"},
        {"partner_id": partner.id, "claim_reason_id": 424242},
        {"partner_id": 2**64},
        {"partner_id": partner.id, "unknown": 1},
    ):
        assert client.post(f"{API}/claims", json=body).status_code == 422, body
    assert client.get(f"{API}/claims", params={"sort": "drop table"}).status_code == 422
    assert client.get(f"{API}/claims", params={"sort": "-nonsense"}).status_code == 200


def test_interaction_flow_and_subject_rules(
    client: TestClient, db: Session, classifiers: Classifiers
):
    partner, other = create_random_partner(db), create_random_partner(db)
    deal = create_random_deal(db, classifiers, partner_id=partner.id)
    foreign = contact(db, other.id)
    body = {
        "kind": "meeting",
        "partner_id": partner.id,
        "summary": "Встреча",
        "planned_at": "2026-03-02T12:00:00+03:00",
        "subject_type": "deal",
        "subject_id": deal.id,
    }
    mismatch = client.post(f"{API}/interactions", json={**body, "contact_person_id": foreign.id})
    assert (mismatch.status_code, mismatch.json()["rule"]) == (
        422,
        "interaction.contact_of_other_partner",
    )
    created = client.post(f"{API}/interactions", json=body)
    assert created.status_code == 201, created.text
    item = created.json()
    assert (item["planned_at"], item["deal_id"], item["subject_id"]) == (
        "2026-03-02T09:00:00",
        deal.id,
        deal.id,
    )
    iid = item["id"]
    assert client.post(f"{API}/interactions/{iid}/complete", json={}).status_code == 422
    assert client.post(f"{API}/interactions/{iid}/review").status_code == 409
    assert client.post(f"{API}/interactions/{iid}/cancel").status_code == 200
    again = client.post(
        f"{API}/interactions/{iid}/complete", json={"done_at": "2026-03-02T10:00:00"}
    )
    assert (again.status_code, again.json()["rule"]) == (409, "interaction.cancelled_is_final")
    listed = client.get(f"{API}/interactions", params={"deal_id": deal.id, "status": "cancelled"})
    assert listed.json()["total"] == 1
    assert client.get(f"{API}/interactions", params={"kind": "fax"}).status_code == 422
    assert client.delete(f"{API}/interactions/{iid}", params={"version": 1}).status_code == 409
    assert client.delete(f"{API}/interactions/{iid}").status_code == 200
    assert client.get(f"{API}/interactions/{iid}").status_code == 404


def test_a_moment_outside_the_calendar_in_utc_is_422_not_500(client: TestClient, db: Session):
    """Year 1 at +01:00 is year 0 in UTC: found by the fuzzer as an OverflowError (a 500)."""
    partner = create_random_partner(db)
    for planned_at in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:30:00-01:00"):
        body = {"kind": "sms", "partner_id": partner.id, "planned_at": planned_at, "summary": "0"}
        response = client.post(f"{API}/interactions", json=body)
        assert response.status_code == 422, response.text
    inside = {"kind": "sms", "partner_id": partner.id, "summary": "0"}
    assert (
        client.post(
            f"{API}/interactions", json={**inside, "planned_at": "2026-01-01T00:30:00+01:00"}
        ).json()["planned_at"]
        == "2025-12-31T23:30:00"
    )
