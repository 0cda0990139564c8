"""/api/v1/partners and /api/v1/counterparties."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.db.models import Counterparty, Partner
from tests.operational_app.utils.factories import (
    Classifiers,
    create_random_partner,
    legal_entity_inn,
    personal_inn,
)

API = "/api/v1"


def count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def partner_body(**counterparty: object) -> dict[str, object]:
    return {
        "name": "ООО Ромашка",
        "kind": "customer",
        "counterparty": {
            "legal_form": "legal_entity",
            "inn": legal_entity_inn(),
            "kpp": "773601001",
            "legal_name": "ООО «Ромашка»",
            **counterparty,
        },
    }


def test_create_partner_with_main_counterparty(client: TestClient, classifiers: Classifiers):
    body = partner_body()
    body.update(business_region_id=classifiers.region.id, manager_id=classifiers.manager.id)
    response = client.post(f"{API}/partners", json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["name"] == "ООО Ромашка" and created["version"] == 1
    assert created["business_region_id"] == classifiers.region.id
    [counterparty] = created["counterparties"]
    assert counterparty["inn"] == body["counterparty"]["inn"]
    fetched = client.get(f"{API}/partners/{created['id']}").json()
    assert fetched["counterparties"][0]["kpp"] == "773601001"


@pytest.mark.parametrize(
    ("counterparty", "rule"),
    [
        ({"inn": "7707083894"}, "inn.checksum"),
        ({"inn": "500100732259"}, "inn.length"),
        ({"kpp": None}, "kpp.required"),
        ({"kpp": "77-601001"}, "kpp.format"),
        ({"legal_form": "person", "inn": "7707083893", "kpp": None}, "inn.length"),
        ({"legal_form": "person", "inn": "500100732259"}, "kpp.forbidden"),
    ],
)
def test_identity_rules_are_422_and_store_nothing(
    client: TestClient, db: Session, counterparty: dict[str, object], rule: str
):
    response = client.post(f"{API}/partners", json=partner_body(**counterparty))
    assert response.status_code == 422
    assert response.json()["rule"] == rule
    assert response.json()["detail"]
    assert count(db, Partner) == 0 and count(db, Counterparty) == 0


def test_duplicate_inn_kpp_is_422_not_integrity_error(client: TestClient, db: Session):
    inn = legal_entity_inn()
    assert client.post(f"{API}/partners", json=partner_body(inn=inn)).status_code == 201
    again = client.post(f"{API}/partners", json=partner_body(inn=inn))
    assert again.status_code == 422
    assert again.json()["rule"] == "counterparty.duplicate"
    # A branch (same ИНН, another КПП) is a different counterparty.
    branch = client.post(f"{API}/partners", json=partner_body(inn=inn, kpp="773602001"))
    assert branch.status_code == 201
    assert count(db, Partner) == 2


def test_counterparty_endpoints(client: TestClient, db: Session):
    partner = create_random_partner(db)
    inn = personal_inn()
    body = {"partner_id": partner.id, "legal_form": "individual_entrepreneur", "inn": inn}
    body["legal_name"] = "ИП Сидоров"
    created = client.post(f"{API}/counterparties", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["kpp"] is None
    duplicate = client.post(f"{API}/counterparties", json=body)
    assert duplicate.json()["rule"] == "counterparty.duplicate"
    unknown = client.post(f"{API}/counterparties", json={**body, "partner_id": 999_999})
    assert (unknown.status_code, unknown.json()["rule"]) == (422, "reference.unknown")
    cp_id = created.json()["id"]
    # Switching the form to a legal entity makes the 12-digit ИНН wrong.
    patch = client.patch(
        f"{API}/counterparties/{cp_id}", json={"version": 1, "legal_form": "legal_entity"}
    )
    assert (patch.status_code, patch.json()["rule"]) == (422, "inn.length")
    ok = client.patch(f"{API}/counterparties/{cp_id}", json={"version": 1, "phone": "+7 900"})
    assert (ok.status_code, ok.json()["phone"], ok.json()["version"]) == (200, "+7 900", 2)
    listed = client.get(f"{API}/counterparties", params={"q": inn[:6]}).json()
    assert listed["total"] == 1


def test_list_paging_and_filters(client: TestClient, db: Session, classifiers: Classifiers):
    for index in range(7):
        create_random_partner(
            db,
            name=f"Партнёр {index:02d}",
            kind="supplier" if index % 3 == 0 else "customer",
            business_region_id=classifiers.region.id if index < 2 else None,
            manager_id=classifiers.other_manager.id if index == 5 else None,
        )
    create_random_partner(db, name="ООО Ромашка")
    # Ordered by name: "ООО Ромашка" sorts first.
    page = client.get(f"{API}/partners", params={"limit": 3, "offset": 3}).json()
    assert page["total"] == 8
    assert [item["name"] for item in page["items"]] == ["Партнёр 02", "Партнёр 03", "Партнёр 04"]
    assert client.get(f"{API}/partners", params={"kind": "supplier"}).json()["total"] == 3
    by_region = client.get(f"{API}/partners", params={"business_region_id": classifiers.region.id})
    assert by_region.json()["total"] == 2
    by_manager = client.get(f"{API}/partners", params={"manager_id": classifiers.other_manager.id})
    assert [item["name"] for item in by_manager.json()["items"]] == ["Партнёр 05"]
    # Case-insensitive on Cyrillic on both backends; LIKE wildcards are literal.
    assert client.get(f"{API}/partners", params={"q": "РОМАШ"}).json()["total"] == 1
    assert client.get(f"{API}/partners", params={"q": "%"}).json()["total"] == 0


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 501},
        {"offset": -1},
        {"limit": "ten"},
        {"kind": "alien"},
        {"manager_id": 2**70},
        {"q": "x" * 201},
    ],
)
def test_bad_list_parameters_are_422(client: TestClient, params: dict[str, object]):
    assert client.get(f"{API}/partners", params=params).status_code == 422


def test_get_unknown_or_absurd_id(client: TestClient):
    missing = client.get(f"{API}/partners/999999")
    assert (missing.status_code, missing.json()["rule"]) == (404, "partners.not_found")
    assert client.get(f"{API}/partners/{2**70}").status_code == 422
    assert client.get(f"{API}/partners/abc").status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        {"name": 123},
        {"name": ""},
        {"name": "   "},
        {"name": "a\x00b"},
        {"name": "x" * 201},
        {"name": "ok", "kind": "alien"},
        {"name": "ok", "unexpected": 1},
        {"name": "ok", "manager_id": "abc"},
        {"name": "ok", "manager_id": -1},
        {"name": "ok", "counterparty": {"legal_form": "llc", "inn": "1", "legal_name": "x"}},
    ],
)
def test_wrong_input_is_422(client: TestClient, db: Session, body: dict[str, object]):
    assert client.post(f"{API}/partners", json=body).status_code == 422
    assert count(db, Partner) == 0


def test_unknown_manager_reference_is_422(client: TestClient):
    response = client.post(f"{API}/partners", json={"name": "ok", "manager_id": 424242})
    assert (response.status_code, response.json()["rule"]) == (422, "reference.unknown")


def test_patch_with_version(client: TestClient, db: Session, classifiers: Classifiers):
    partner = create_random_partner(db, name="Старое имя")
    url = f"{API}/partners/{partner.id}"
    ok = client.patch(url, json={"version": 1, "name": "Новое имя", "kind": "other"})
    assert ok.status_code == 200
    assert (ok.json()["name"], ok.json()["kind"], ok.json()["version"]) == (
        "Новое имя",
        "other",
        2,
    )
    stale = client.patch(url, json={"version": 1, "name": "Чужая правка"})
    assert (stale.status_code, stale.json()["rule"]) == (409, "stale_version")
    assert client.get(url).json()["name"] == "Новое имя"
    assert client.patch(url, json={"version": 2, "name": None}).status_code == 422
    assert client.patch(url, json={"name": "без версии"}).status_code == 422
    # Nullable fields may be cleared explicitly.
    cleared = client.patch(url, json={"version": 2, "manager_id": None, "comment": "ок"})
    assert cleared.status_code == 200 and cleared.json()["comment"] == "ок"


def test_delete_counterparty_is_soft_and_checks_version(client: TestClient, db: Session):
    created = client.post(f"{API}/partners", json=partner_body(inn=legal_entity_inn()))
    partner_id = created.json()["id"]
    second = client.post(
        f"{API}/counterparties",
        json={
            "partner_id": partner_id,
            "legal_form": "individual_entrepreneur",
            "inn": personal_inn(),
            "legal_name": "ИП Второй",
        },
    ).json()
    url = f"{API}/counterparties/{second['id']}"
    stale = client.delete(url, params={"version": 7})
    assert (stale.status_code, stale.json()["rule"]) == (409, "stale_version")
    deleted = client.delete(url, params={"version": 1})
    assert deleted.status_code == 200, deleted.text
    assert client.get(url).status_code == 404
    assert client.delete(url).status_code == 404
    names = [
        cp["legal_name"]
        for cp in client.get(f"{API}/partners/{partner_id}").json()["counterparties"]
    ]
    assert names == ["ООО «Ромашка»"]
    # The row stays (orders keep pointing at it) and still holds its ИНН.
    row = db.get(Counterparty, second["id"])
    db.refresh(row)
    assert row.deleted_at is not None
    again = client.post(
        f"{API}/counterparties",
        json={
            "partner_id": partner_id,
            "legal_form": "individual_entrepreneur",
            "inn": second["inn"],
            "legal_name": "ИП Второй",
        },
    )
    assert (again.status_code, again.json()["rule"]) == (422, "counterparty.duplicate_deleted")
    assert "ИП Второй" in again.json()["detail"]
