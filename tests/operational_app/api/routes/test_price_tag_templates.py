"""/api/v1/price-tag-templates: operators create, edit and delete the templates the price tags
print with; the bounds of the layout, the unique name and the optimistic lock are kept."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

API = "/api/v1/price-tag-templates"


def _names(client: TestClient) -> set[str]:
    return {template["name"] for template in client.get(API).json()}


def test_create_edit_and_delete(client: TestClient, db: Session) -> None:
    before = _names(client)  # the templates migration 0016 seeds, unless a test emptied them
    created = client.post(API, json={"name": "Акция 2×5", "columns": 2, "rows": 5})
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["columns"], body["rows"], body["show_old_price"], body["show_barcode"]) == (
        2,
        5,
        True,
        True,
    )
    changed = client.patch(
        f"{API}/{body['id']}", json={"version": body["version"], "show_barcode": False, "rows": 6}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["show_barcode"] is False and changed.json()["rows"] == 6
    stale = client.patch(f"{API}/{body['id']}", json={"version": body["version"], "rows": 4})
    assert stale.status_code == 409
    assert _names(client) == before | {"Акция 2×5"}
    assert client.delete(f"{API}/{body['id']}").status_code == 204
    assert _names(client) == before
    assert client.get(f"{API}/{body['id']}").status_code == 404


def test_bounds_and_unique_name(client: TestClient, db: Session) -> None:
    assert client.post(API, json={"name": "A", "columns": 5, "rows": 5}).status_code == 422
    assert client.post(API, json={"name": "A", "columns": 2, "rows": 0}).status_code == 422
    assert client.post(API, json={"name": "A", "columns": 2, "rows": 5}).status_code == 201
    taken = client.post(API, json={"name": "A", "columns": 1, "rows": 1})
    assert taken.status_code == 422 and taken.json()["rule"] == "price_tag_template.name_taken"
