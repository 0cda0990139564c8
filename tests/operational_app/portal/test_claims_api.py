"""Portal claims through /api/portal and the attachments of claims: registration by a customer
(source portal), the customer's own documents only, file types by content, sizes and counts,
names, downloads; operators see and process the claim. SQLite and PostgreSQL."""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.db.models import Attachment, Claim
from operational_app.domain import attachments
from tests.operational_app.portal.claims_returns_utils import (
    EXE,
    HTML,
    JPEG,
    PDF,
    PNG,
    TEXT,
    office_file,
    plain_zip,
    reasons,
    two_customers,
)


@pytest.fixture
def world(db: Session):
    mine, other, sales = two_customers(db)
    claim_reason, _ = reasons(db)
    return mine, other, claim_reason


def _storage(client: TestClient) -> Path:
    return attachments.storage_dir(client.app.state.settings.data_dir)


def _stored_files(client: TestClient) -> set[Path]:
    root = _storage(client)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def _claims(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Claim))


def _create(anon_client: TestClient, customer, reason, **fields):
    body = {"claim_reason_id": reason.id, "claimed_amount": "150.50", **fields}
    return anon_client.post("/api/portal/claims", json=body, headers=customer.headers)


def test_customer_registers_a_claim_that_operators_see_as_portal(
    db: Session, anon_client: TestClient, world, admin
):
    mine, _, reason = world
    response = _create(
        anon_client, mine, reason, customer_order_id=mine.order.id, description="Бой стекла"
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "registered"
    assert body["order_number"] == mine.order.number
    assert body["reason"] == reason.name
    assert [step["status"] for step in body["history"]] == ["registered"]
    claim = db.get(Claim, body["id"])
    assert (claim.source, claim.partner_id, claim.registered_by_id) == (
        "portal",
        mine.partner_id,
        mine.user.id,
    )
    listed = anon_client.get("/api/portal/claims", headers=mine.headers).json()
    assert [item["id"] for item in listed["items"]] == [claim.id]


def test_a_claim_about_another_partners_order_or_shipment_is_refused(
    db: Session, anon_client: TestClient, world
):
    mine, other, reason = world
    before = _claims(db)
    for field, value in (
        ("customer_order_id", other.order.id),
        ("customer_order_id", 10**9),
        ("claim_reason_id", 10**9),
    ):
        response = _create(anon_client, mine, reason, **{field: value})
        assert response.status_code == 422, response.text
        assert response.json()["field"] == field
    assert _claims(db) == before


def test_customers_never_see_each_others_claims(db: Session, anon_client: TestClient, world):
    mine, other, reason = world
    claim_id = _create(anon_client, mine, reason).json()["id"]
    assert (
        anon_client.get(f"/api/portal/claims/{claim_id}", headers=other.headers).status_code == 404
    )
    assert anon_client.get("/api/portal/claims", headers=other.headers).json()["total"] == 0
    upload = anon_client.post(
        f"/api/portal/claims/{claim_id}/attachments",
        files=[("files", ("a.png", PNG, "image/png"))],
        headers=other.headers,
    )
    assert upload.status_code == 404


def test_status_history_and_result_without_the_work_plan(
    db: Session, anon_client: TestClient, client: TestClient, world
):
    mine, _, reason = world
    claim_id = _create(anon_client, mine, reason).json()["id"]
    assert (
        client.post(f"/api/v1/claims/{claim_id}/tasks", json={"title": "Внутреннее"}).status_code
        == 201
    )
    assert client.post(f"/api/v1/claims/{claim_id}/take").status_code == 200
    client.post(f"/api/v1/claims/{claim_id}/tasks/0/complete")
    tasks = client.get(f"/api/v1/claims/{claim_id}").json()["tasks"]
    for task in tasks:
        client.post(f"/api/v1/claims/{claim_id}/tasks/{task['id']}/complete")
    resolved = client.post(
        f"/api/v1/claims/{claim_id}/resolve",
        json={"result": "satisfied", "comment": "Заменим партию"},
    )
    assert resolved.status_code == 200, resolved.text
    anon_client.headers.pop("Authorization", None)
    body = anon_client.get(f"/api/portal/claims/{claim_id}", headers=mine.headers).json()
    assert [step["status"] for step in body["history"]] == ["registered", "in_work", "resolved"]
    assert body["history"][1]["at"] is not None
    assert (body["result"], body["resolution_comment"]) == ("satisfied", "Заменим партию")
    assert "tasks" not in body and "Внутреннее" not in str(body)
    assert db.get(Claim, claim_id).first_response_at is not None


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("фото.jpg", JPEG, "image/jpeg"),
        ("scan.png", PNG, "image/png"),
        ("акт.pdf", PDF, "application/pdf"),
        ("note.txt", TEXT, "text/plain; charset=utf-8"),
        ("реестр.xlsx", office_file("xlsx"), attachments.XLSX_TYPE),
        ("письмо.docx", office_file("docx"), attachments.DOCX_TYPE),
    ],
)
def test_allowed_types_are_recognised_by_content_and_downloaded_as_attachments(
    db: Session, anon_client: TestClient, client: TestClient, world, name, content, expected
):
    mine, other, reason = world
    claim_id = _create(anon_client, mine, reason).json()["id"]
    # The client's type is ignored: the content decides.
    upload = anon_client.post(
        f"/api/portal/claims/{claim_id}/attachments",
        files=[("files", (name, content, "application/octet-stream"))],
        headers=mine.headers,
    )
    assert upload.status_code == 201, upload.text
    [row] = upload.json()
    assert (row["file_name"], row["content_type"], row["size_bytes"]) == (
        name,
        expected,
        len(content),
    )
    url = f"/api/portal/claims/{claim_id}/attachments/{row['id']}"
    download = anon_client.get(url, headers=mine.headers)
    assert download.status_code == 200
    assert download.content == content
    assert download.headers["x-content-type-options"] == "nosniff"
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    assert anon_client.get(url, headers=other.headers).status_code == 404
    # Operators download it from the claim.
    operator = client.get(f"/api/v1/claims/{claim_id}/attachments/{row['id']}")
    assert operator.status_code == 200 and operator.content == content
    assert client.get(f"/claims/{claim_id}/attachments/{row['id']}").content == content


@pytest.mark.parametrize(
    ("name", "content"),
    [("setup.jpg", EXE), ("page.txt", HTML), ("archive.xlsx", plain_zip()), ("empty.pdf", b"")],
)
def test_other_types_are_refused_naming_the_file_and_nothing_is_stored(
    db: Session, anon_client: TestClient, world, name, content
):
    mine, _, reason = world
    claim_id = _create(anon_client, mine, reason).json()["id"]
    before = _stored_files(anon_client)
    response = anon_client.post(
        f"/api/portal/claims/{claim_id}/attachments",
        files=[("files", ("ok.png", PNG, "image/png")), ("files", (name, content, "image/jpeg"))],
        headers=mine.headers,
    )
    assert response.status_code == 422, response.text
    assert name in response.json()["detail"]
    assert _stored_files(anon_client) == before
    assert db.scalar(select(func.count()).select_from(Attachment)) == 0


def test_too_many_files_and_too_large_a_file_are_refused(
    db: Session, anon_client: TestClient, world, monkeypatch: pytest.MonkeyPatch
):
    mine, _, reason = world
    claim_id = _create(anon_client, mine, reason).json()["id"]
    url = f"/api/portal/claims/{claim_id}/attachments"
    before = _stored_files(anon_client)
    six = [("files", (f"{n}.png", PNG + bytes([n]), "image/png")) for n in range(6)]
    response = anon_client.post(url, files=six, headers=mine.headers)
    assert response.status_code == 422
    assert response.json()["rule"] == "attachment.too_many"
    monkeypatch.setattr(attachments, "MAX_FILE_BYTES", 1000)
    big = PNG + b"\x00" * 1000
    response = anon_client.post(
        url, files=[("files", ("большой.png", big, "image/png"))], headers=mine.headers
    )
    assert response.status_code == 422
    assert response.json()["rule"] == "attachment.too_large"
    assert "большой.png" in response.json()["detail"]
    # A body above the upload routes' cap is refused before any route runs: 413, nothing kept.
    monkeypatch.setattr(attachments, "MAX_UPLOAD_BODY_BYTES", 4000)
    response = anon_client.post(
        url, files=[("files", ("x.png", PNG + b"\x00" * 5000, "image/png"))], headers=mine.headers
    )
    assert response.status_code == 413
    assert db.scalar(select(func.count()).select_from(Attachment)) == 0
    assert _stored_files(anon_client) == before


def test_upload_routes_alone_take_bodies_above_the_general_limit():
    from operational_app.input_limits import MAX_BODY_BYTES, body_limit

    assert body_limit("POST", "/api/portal/claims/5/attachments") > MAX_BODY_BYTES
    assert body_limit("POST", "/portal/returns") > MAX_BODY_BYTES
    assert body_limit("POST", "/api/v1/claims") == MAX_BODY_BYTES
    assert body_limit("POST", "/api/portal/claims/5") == MAX_BODY_BYTES
    assert body_limit("POST", "/api/portal/claims") == MAX_BODY_BYTES
    assert body_limit("POST", "/claims/5/attachments") == MAX_BODY_BYTES
    assert body_limit("POST", "/api/v1/return-requests/5/attachments") > MAX_BODY_BYTES
    assert body_limit("POST", "/api/v1/partners") == MAX_BODY_BYTES
    assert body_limit("PUT", "/api/portal/claims/5/attachments") == MAX_BODY_BYTES


def test_the_same_content_is_stored_once(db: Session, anon_client: TestClient, world):
    mine, _, reason = world
    before = _stored_files(anon_client)
    content = PDF + secrets.token_bytes(16)
    for _ in range(2):
        claim_id = _create(anon_client, mine, reason).json()["id"]
        response = anon_client.post(
            f"/api/portal/claims/{claim_id}/attachments",
            files=[("files", ("a.pdf", content, "application/pdf"))],
            headers=mine.headers,
        )
        assert response.status_code == 201
    assert db.scalar(select(func.count()).select_from(Attachment)) == 2
    assert len(_stored_files(anon_client) - before) == 1


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\me\\акт сверки.pdf", "акт сверки.pdf"),
        ('bad"name\r\n.pdf', "badname.pdf"),
        ("", "file"),
    ],
)
def test_file_names_are_cleaned(given: str, kept: str):
    assert attachments.clean_file_name(given) == kept
    header = attachments.content_disposition(given)
    assert "\r" not in header and "\n" not in header
    assert header.count('"') == 2
    header.encode("latin-1")  # a header must be Latin-1: the Cyrillic name is percent-encoded


def test_a_file_above_the_general_body_limit_uploads_on_upload_routes_only(
    db: Session, anon_client: TestClient, world
):
    from operational_app.input_limits import MAX_BODY_BYTES

    mine, _, reason = world
    claim_id = _create(anon_client, mine, reason).json()["id"]
    content = PDF + b"0" * (MAX_BODY_BYTES + 1024)
    response = anon_client.post(
        f"/api/portal/claims/{claim_id}/attachments",
        files=[("files", ("большой скан.pdf", content, "application/pdf"))],
        headers=mine.headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()[0]["size_bytes"] == len(content)
    # Any other route still refuses such a body.
    refused = anon_client.post(
        "/api/portal/claims",
        content=b"{" + b" " * (MAX_BODY_BYTES + 1024) + b"}",
        headers={**mine.headers, "Content-Type": "application/json"},
    )
    assert refused.status_code == 413
