"""/api/v1/gift-certificate-series and /api/v1/gift-certificates: create, read, change, delete,
and the rules (a fixed series needs a nominal and gives it to its certificates, an open series
has none and each certificate states its own, unique numbers, a series with certificates is not
deleted, no cancellation before the issue)."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient


def _series(client: TestClient, **overrides: object) -> dict:
    body = {"name": "Сертификат 3 000", "kind": "fixed", "nominal": "3000", "validity_days": 365}
    response = client.post("/api/v1/gift-certificate-series", json={**body, **overrides})
    assert response.status_code == 201, response.text
    return response.json()


def test_fixed_series_gives_its_nominal_and_the_register_lists_by_series(
    client: TestClient,
) -> None:
    series = _series(client)
    created = client.post(
        "/api/v1/gift-certificates",
        json={"number": "GC-000001", "series_id": series["id"], "issued_on": "2026-11-01"},
    )
    assert created.status_code == 201, created.text
    certificate = created.json()
    assert Decimal(certificate["nominal"]) == 3000
    other = client.post(
        "/api/v1/gift-certificates",
        json={
            "number": "GC-000002",
            "series_id": series["id"],
            "nominal": "5000",
            "issued_on": "2026-11-01",
        },
    )
    assert other.status_code == 422
    assert "gift_certificate.nominal_not_series" in other.text
    listed = client.get("/api/v1/gift-certificates", params={"series_id": series["id"]}).json()
    assert [item["number"] for item in listed["items"]] == ["GC-000001"]
    cancelled = client.patch(
        f"/api/v1/gift-certificates/{certificate['id']}",
        json={"version": certificate["version"], "cancelled_on": "2026-12-01"},
    )
    assert cancelled.status_code == 200 and cancelled.json()["cancelled_on"] == "2026-12-01"

    refused = client.request("DELETE", f"/api/v1/gift-certificate-series/{series['id']}", json={})
    assert refused.status_code == 409
    assert "gift_certificate_series.has_certificates" in refused.text
    gone = client.request("DELETE", f"/api/v1/gift-certificates/{certificate['id']}", json={})
    assert gone.status_code == 204
    assert client.get(f"/api/v1/gift-certificates/{certificate['id']}").status_code == 404
    deleted = client.request("DELETE", f"/api/v1/gift-certificate-series/{series['id']}", json={})
    assert deleted.status_code == 204


def test_series_rules(client: TestClient) -> None:
    no_nominal = client.post(
        "/api/v1/gift-certificate-series",
        json={"name": "Без номинала", "kind": "fixed", "validity_days": 30},
    )
    assert no_nominal.status_code == 422
    assert "gift_certificate_series.fixed_needs_nominal" in no_nominal.text
    open_with_nominal = client.post(
        "/api/v1/gift-certificate-series",
        json={"name": "Свободный", "kind": "open", "nominal": "100", "validity_days": 30},
    )
    assert open_with_nominal.status_code == 422
    assert "gift_certificate_series.open_has_nominal" in open_with_nominal.text
    zero_days = client.post(
        "/api/v1/gift-certificate-series",
        json={"name": "Ноль", "kind": "open", "validity_days": 0},
    )
    assert zero_days.status_code == 422
    series = _series(client, name="Свободный номинал", kind="open", nominal=None)
    taken = client.post(
        "/api/v1/gift-certificate-series",
        json={"name": "Свободный номинал", "kind": "open", "validity_days": 30},
    )
    assert taken.status_code == 422
    assert "gift_certificate_series.name_taken" in taken.text
    changed = client.patch(
        f"/api/v1/gift-certificate-series/{series['id']}",
        json={"version": series["version"], "validity_days": 180},
    )
    assert changed.status_code == 200 and changed.json()["validity_days"] == 180
    stale = client.patch(
        f"/api/v1/gift-certificate-series/{series['id']}",
        json={"version": series["version"], "validity_days": 90},
    )
    assert stale.status_code == 409


def test_open_series_certificate_states_its_nominal_and_numbers_are_unique(
    client: TestClient,
) -> None:
    series = _series(client, name="Открытая серия", kind="open", nominal=None)
    missing = client.post(
        "/api/v1/gift-certificates",
        json={"number": "OPEN-1", "series_id": series["id"], "issued_on": "2026-11-01"},
    )
    assert missing.status_code == 422
    assert "gift_certificate.nominal" in missing.text
    body = {
        "number": "OPEN-1",
        "series_id": series["id"],
        "nominal": "1234.50",
        "issued_on": "2026-11-01",
    }
    assert client.post("/api/v1/gift-certificates", json=body).status_code == 201
    again = client.post("/api/v1/gift-certificates", json=body)
    assert again.status_code == 422
    assert "gift_certificate.number_taken" in again.text
    early = client.post(
        "/api/v1/gift-certificates",
        json={**body, "number": "OPEN-2", "cancelled_on": "2026-10-01"},
    )
    assert early.status_code == 422
    assert "gift_certificate.cancelled_before_issue" in early.text
    unknown = client.post(
        "/api/v1/gift-certificates", json={**body, "number": "OPEN-3", "series_id": 999_999}
    )
    assert unknown.status_code == 422
