"""/api/v1/organizations: administrators list, create and edit our organizations."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.db.models import Organization
from tests.operational_app.utils.factories import legal_entity_inn
from tests.operational_app.utils.users import bearer, create_token, create_user

API = "/api/v1/organizations"
GUID = "6a1f0c3e-2b4d-4e5f-8a9b-0c1d2e3f4a5b"
PLANT = "0f8fad5b-d9cb-469f-a165-70867728950e"


def _body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "name": "ООО «Наша компания»",
        "inn": legal_entity_inn(),
        "kpp": "770101001",
        "fsrar_id": "010000000001",
        "additional_fsrar_ids": ["010000000002"],
        "vetis_business_entity_guid": GUID,
        "vetis_enterprise_guids": [PLANT.upper()],
    }
    body.update(overrides)
    return body


def _count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Organization)) or 0


def test_create_get_list_and_patch(client: TestClient, db: Session):
    created = client.post(API, json=_body())
    assert created.status_code == 201, created.text
    data = created.json()
    assert data["additional_fsrar_ids"] == ["010000000002"]
    assert data["vetis_enterprise_guids"] == [PLANT]
    assert data["gismt_participant_inn"] is None and data["version"] == 1
    url = f"{API}/{data['id']}"
    assert client.get(url).json()["inn"] == data["inn"]
    assert [o["id"] for o in client.get(API).json()] == [data["id"]]
    patched = client.patch(url, json={"version": 1, "additional_fsrar_ids": []})
    assert patched.status_code == 200, patched.text
    assert patched.json()["additional_fsrar_ids"] == [] and patched.json()["version"] == 2
    assert patched.json()["fsrar_id"] == "010000000001"  # not given: kept
    stale = client.patch(url, json={"version": 1, "name": "Чужая правка"})
    assert (stale.status_code, stale.json()["rule"]) == (409, "stale_version")
    assert client.patch(url, json={"version": 2, "name": None}).status_code == 422
    assert client.patch(url, json={"name": "без версии"}).status_code == 422
    assert client.get(f"{API}/999999").status_code == 404


def test_bad_identities_are_422_and_store_nothing(client: TestClient, db: Session):
    for overrides, rule in [
        ({"inn": "7701000000"}, "inn.checksum"),
        ({"fsrar_id": "1"}, "organization.fsrar_id"),
        ({"vetis_enterprise_guids": ["nope"]}, "organization.guid"),
        ({"kpp": None}, "kpp.required"),
    ]:
        refused = client.post(API, json=_body(**overrides))
        assert (refused.status_code, refused.json()["rule"]) == (422, rule), refused.text
    assert client.post(API, json=_body(unknown="x")).status_code == 422
    assert client.post(API, json=_body(vetis_enterprise_guids=[PLANT] * 201)).status_code == 422
    assert _count(db) == 0


def test_only_administrators(client: TestClient, db: Session):
    manager = bearer(create_token(db, create_user(db, "manager")))
    assert client.get(API, headers=manager).status_code == 403
    assert client.post(API, json=_body(), headers=manager).status_code == 403
    assert _count(db) == 0
