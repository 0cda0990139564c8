"""Marketing events carry a kind and a cost; a deal may name the event it came from."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.operational_app.utils.factories import Classifiers, create_random_partner

EVENTS = "/api/v1/classifiers/marketing-events"


def test_event_kind_and_cost(client: TestClient, db: Session) -> None:
    created = client.post(
        EVENTS,
        json={
            "name": "Выставка «Склад-Логистика»",
            "starts_on": "2026-03-10",
            "ends_on": "2026-03-12",
            "kind": "exhibition",
            "cost": "250000",
        },
    )
    assert created.status_code == 201, created.text
    event = created.json()
    assert (event["kind"], event["cost"]) == ("exhibition", "250000.00")
    bad_kind = client.post(
        EVENTS,
        json={"name": "X", "starts_on": "2026-03-10", "ends_on": "2026-03-10", "kind": "party"},
    )
    assert bad_kind.status_code == 422
    negative = client.patch(f"{EVENTS}/{event['id']}", json={"version": 1, "cost": "-1"})
    assert negative.status_code == 422
    cleared = client.patch(f"{EVENTS}/{event['id']}", json={"version": 1, "kind": None})
    assert cleared.status_code == 200 and cleared.json()["kind"] is None
    assert cleared.json()["cost"] == "250000.00"


def test_a_deal_names_its_marketing_event(
    client: TestClient, db: Session, classifiers: Classifiers
) -> None:
    event = client.post(
        EVENTS, json={"name": "Вебинар", "starts_on": "2026-03-10", "ends_on": "2026-03-10"}
    ).json()
    partner = create_random_partner(db)
    body = {"partner_id": partner.id, "deal_kind_id": classifiers.kind.id, "name": "Склад"}
    deal = client.post("/api/v1/deals", json=body | {"marketing_event_id": event["id"]})
    assert deal.status_code == 201, deal.text
    assert deal.json()["marketing_event_id"] == event["id"]
    unknown = client.post("/api/v1/deals", json=body | {"marketing_event_id": 999999})
    assert (unknown.status_code, unknown.json()["rule"]) == (422, "reference.unknown")
    plain = client.post("/api/v1/deals", json=body).json()
    linked = client.patch(
        f"/api/v1/deals/{plain['id']}",
        json={"version": plain["version"], "marketing_event_id": event["id"]},
    )
    assert linked.status_code == 200 and linked.json()["marketing_event_id"] == event["id"]


def test_the_new_deal_form_names_the_event(
    client: TestClient, db: Session, classifiers: Classifiers
) -> None:
    event = client.post(
        EVENTS,
        json={"name": "День открытых дверей", "starts_on": "2026-03-10", "ends_on": "2026-03-10"},
    ).json()
    form = client.get("/deals/new")
    assert f'<option value="{event["id"]}"' in form.text
    partner = create_random_partner(db)
    created = client.post(
        "/deals",
        data={
            "name": "Склад",
            "partner_id": str(partner.id),
            "deal_kind_id": str(classifiers.kind.id),
            "marketing_event_id": str(event["id"]),
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    deal_id = int(created.headers["location"].rsplit("/", 1)[1])
    assert client.get(f"/api/v1/deals/{deal_id}").json()["marketing_event_id"] == event["id"]
