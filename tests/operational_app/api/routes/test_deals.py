"""/api/v1/deals: CRUD, the stage actions, and the error contract (4xx, never 500)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from operational_app.domain import deals as deal_service
from tests.operational_app.utils.factories import (
    Classifiers,
    create_random_deal,
    create_random_partner,
)

API = "/api/v1"


def new_deal(client: TestClient, db: Session, classifiers: Classifiers, **fields: object) -> dict:
    body = {
        "partner_id": create_random_partner(db).id,
        "deal_kind_id": classifiers.kind.id,
        "name": "Поставка оборудования",
        "potential_amount": "250000.50",
        "probability": 20,
        "manager_id": classifiers.manager.id,
        **fields,
    }
    response = client.post(f"{API}/deals", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_create_deal_opens_first_stage(client: TestClient, db: Session, classifiers: Classifiers):
    deal = new_deal(client, db, classifiers, planned_close_date="2026-12-31")
    assert deal["status"] == "in_progress"
    assert deal["current_stage_id"] == classifiers.stages[0].id
    assert deal["potential_amount"] == "250000.50"
    assert deal["number"].startswith("СД-")
    [row] = deal["stage_history"]
    assert (row["stage_id"], row["left_at"], row["was_skipped"]) == (
        classifiers.stages[0].id,
        None,
        False,
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"probability": 101},
        {"probability": -1},
        {"probability": "high"},
        {"potential_amount": -1},
        {"potential_amount": 1e13},
        {"potential_amount": "abc"},
        {"potential_amount": "NaN"},
        {"potential_amount": "1.005"},
        {"name": "\x00"},
        {"name": ""},
        {"name": "x" * 301},
        {"deal_kind_id": "one"},
        {"partner_id": 2**64},
        {"planned_close_date": "31.12.2026"},
        {"planned_close_date": "10000-01-01"},
    ],
)
def test_bad_deal_input_is_422(
    client: TestClient, db: Session, classifiers: Classifiers, fields: dict[str, object]
):
    body = {
        "partner_id": create_random_partner(db).id,
        "deal_kind_id": classifiers.kind.id,
        "name": "Сделка",
        **fields,
    }
    assert client.post(f"{API}/deals", json=body).status_code == 422
    assert client.get(f"{API}/deals").json()["total"] == 0


def test_unknown_partner_is_422_with_rule(client: TestClient, classifiers: Classifiers):
    body = {"partner_id": 777777, "deal_kind_id": classifiers.kind.id, "name": "Сделка"}
    response = client.post(f"{API}/deals", json=body)
    assert (response.status_code, response.json()["rule"]) == (422, "reference.unknown")


def test_advance_with_skipped_stages(client: TestClient, db: Session, classifiers: Classifiers):
    deal = new_deal(client, db, classifiers)
    target = classifiers.stages[3]
    response = client.post(f"{API}/deals/{deal['id']}/advance", json={"stage_id": target.id})
    assert response.status_code == 200, response.text
    moved = response.json()
    assert moved["current_stage_id"] == target.id
    assert [(r["stage_id"], r["was_skipped"]) for r in moved["stage_history"]] == [
        (classifiers.stages[0].id, False),
        (classifiers.stages[1].id, True),
        (classifiers.stages[2].id, True),
        (target.id, False),
    ]
    assert moved["version"] == deal["version"] + 1


def test_advance_backwards_and_unknown_stage(
    client: TestClient, db: Session, classifiers: Classifiers
):
    deal = new_deal(client, db, classifiers)
    url = f"{API}/deals/{deal['id']}/advance"
    client.post(url, json={"stage_id": classifiers.stages[2].id})
    backwards = client.post(url, json={"stage_id": classifiers.stages[1].id})
    assert backwards.status_code == 409
    assert backwards.json()["rule"] == "deal.stage_not_forward"
    assert classifiers.stages[1].name in backwards.json()["detail"]
    unknown = client.post(url, json={"stage_id": 99999})
    assert (unknown.status_code, unknown.json()["rule"]) == (422, "deal.stage_not_of_kind")
    assert client.post(url, json={}).status_code == 422
    assert client.post(url, json={"stage_id": "next"}).status_code == 422
    after = client.get(f"{API}/deals/{deal['id']}").json()
    assert after["current_stage_id"] == classifiers.stages[2].id
    assert len(after["stage_history"]) == 3


def test_lose_without_reason_changes_nothing(
    client: TestClient, db: Session, classifiers: Classifiers
):
    deal = new_deal(client, db, classifiers)
    url = f"{API}/deals/{deal['id']}/lose"
    for body, rule in (
        ({"comment": "дорого"}, "deal.loss_reason_required"),
        ({"loss_reason_id": 4242}, "deal.loss_reason_unknown"),
    ):
        response = client.post(url, json=body)
        assert (response.status_code, response.json()["rule"]) == (422, rule)
    assert client.post(url, json={"loss_reason_id": "x"}).status_code == 422
    after = client.get(f"{API}/deals/{deal['id']}").json()
    assert after == deal


def test_lose_then_reopen(client: TestClient, db: Session, classifiers: Classifiers):
    deal = new_deal(client, db, classifiers)
    reason = classifiers.loss_reasons[0]
    lost = client.post(
        f"{API}/deals/{deal['id']}/lose",
        json={"loss_reason_id": reason.id, "comment": "цена", "version": deal["version"]},
    )
    assert lost.status_code == 200
    assert (lost.json()["status"], lost.json()["loss_reason_id"], lost.json()["probability"]) == (
        "lost",
        reason.id,
        0,
    )
    assert lost.json()["stage_history"][0]["left_at"] is not None
    reopened = client.post(f"{API}/deals/{deal['id']}/reopen")
    assert reopened.status_code == 200
    body = reopened.json()
    assert (body["status"], body["loss_reason_id"], body["closed_at"]) == (
        "in_progress",
        None,
        None,
    )
    assert len(body["stage_history"]) == 2 and body["stage_history"][1]["left_at"] is None


def test_win_from_middle_then_reopen_is_409(
    client: TestClient, db: Session, classifiers: Classifiers
):
    deal = new_deal(client, db, classifiers)
    client.post(f"{API}/deals/{deal['id']}/advance", json={"stage_id": classifiers.stages[1].id})
    won = client.post(f"{API}/deals/{deal['id']}/win", json={})
    assert won.status_code == 200
    body = won.json()
    assert (body["status"], body["probability"]) == ("won", 100)
    assert body["current_stage_id"] == classifiers.stages[-1].id
    assert [r["was_skipped"] for r in body["stage_history"]] == [False, False, True, True, False]
    assert all(row["left_at"] for row in body["stage_history"])
    reopen = client.post(f"{API}/deals/{deal['id']}/reopen")
    assert (reopen.status_code, reopen.json()["rule"]) == (409, "deal.won_is_final")
    lose = client.post(
        f"{API}/deals/{deal['id']}/lose", json={"loss_reason_id": classifiers.loss_reasons[0].id}
    )
    assert (lose.status_code, lose.json()["rule"]) == (409, "deal.not_in_progress")


def test_non_process_deal_cannot_advance(client: TestClient, db: Session, classifiers: Classifiers):
    deal = new_deal(client, db, classifiers, deal_kind_id=classifiers.non_process_kind.id)
    assert deal["current_stage_id"] is None and deal["stage_history"] == []
    response = client.post(
        f"{API}/deals/{deal['id']}/advance", json={"stage_id": classifiers.stages[1].id}
    )
    assert (response.status_code, response.json()["rule"]) == (409, "deal.non_process_kind")
    assert client.post(f"{API}/deals/{deal['id']}/win").json()["status"] == "won"


def test_patch_and_stale_version(client: TestClient, db: Session, classifiers: Classifiers):
    deal = new_deal(client, db, classifiers)
    url = f"{API}/deals/{deal['id']}"
    patched = client.patch(url, json={"version": 1, "probability": 60, "potential_amount": 10})
    assert patched.status_code == 200
    assert (patched.json()["probability"], patched.json()["potential_amount"]) == (60, "10.00")
    stale = client.patch(url, json={"version": 1, "probability": 10})
    assert (stale.status_code, stale.json()["rule"]) == (409, "stale_version")
    stale_action = client.post(f"{url}/win", json={"version": 1})
    assert stale_action.status_code == 409
    assert client.get(url).json()["status"] == "in_progress"
    for bad in ({"version": 2, "probability": None}, {"version": 2, "status": "won"}):
        assert client.patch(url, json=bad).status_code == 422


def test_race_and_integrity_errors_map_to_409(
    client: TestClient, db: Session, classifiers: Classifiers, monkeypatch: pytest.MonkeyPatch
):
    deal = create_random_deal(db, classifiers)

    def lost_race(*_args: object, **_kwargs: object) -> None:
        raise StaleDataError("UPDATE statement on table 'deals' expected to update 1 row(s)")

    monkeypatch.setattr(deal_service, "win_deal", lost_race)
    race = client.post(f"{API}/deals/{deal.id}/win")
    assert (race.status_code, race.json()["rule"]) == (409, "stale_version")

    def duplicate(*_args: object, **_kwargs: object) -> None:
        raise IntegrityError("insert", {}, Exception("unique constraint failed"))

    monkeypatch.setattr(deal_service, "reopen_deal", duplicate)
    conflict = client.post(f"{API}/deals/{deal.id}/reopen")
    assert (conflict.status_code, conflict.json()["rule"]) == (409, "integrity")
    assert "nothing was saved" in conflict.json()["detail"]


def test_list_filters_and_paging(client: TestClient, db: Session, classifiers: Classifiers):
    partner = create_random_partner(db)
    deals = [
        create_random_deal(
            db,
            classifiers,
            partner_id=partner.id if index < 3 else create_random_partner(db).id,
            manager_id=classifiers.other_manager.id if index == 4 else classifiers.manager.id,
            staged=index != 5,
        )
        for index in range(6)
    ]
    deal_service.win_deal(db, deals[0].id)
    db.commit()

    def total(**params: object) -> int:
        response = client.get(f"{API}/deals", params=params)
        assert response.status_code == 200
        return response.json()["total"]

    assert total() == 6
    assert total(status="won") == 1 and total(status="in_progress") == 5
    assert total(partner_id=partner.id) == 3
    assert total(manager_id=classifiers.other_manager.id) == 1
    assert total(deal_kind_id=classifiers.non_process_kind.id) == 1
    assert total(partner_id=partner.id, status="won") == 1
    page = client.get(f"{API}/deals", params={"limit": 4, "offset": 4}).json()
    assert len(page["items"]) == 2 and page["total"] == 6
    assert client.get(f"{API}/deals", params={"status": "closed"}).status_code == 422
    assert client.get(f"{API}/deals/999999").status_code == 404


def test_classifier_lists(client: TestClient, classifiers: Classifiers):
    kinds = {kind["name"]: kind for kind in client.get(f"{API}/deal-kinds").json()}
    staged = kinds[classifiers.kind.name]
    assert [stage["sequence"] for stage in staged["stages"]] == [10, 20, 30, 40, 50]
    assert kinds[classifiers.non_process_kind.name]["stages"] == []
    reasons = [reason["name"] for reason in client.get(f"{API}/loss-reasons").json()]
    assert classifiers.deleted_loss_reason.name not in reasons and len(reasons) == 2
    assert len(client.get(f"{API}/business-regions").json()) == 2
    logins = {user["login"] for user in client.get(f"{API}/users").json()}
    assert logins == {"ivanov", "petrova", "test-admin"}  # test-admin: the client's user
