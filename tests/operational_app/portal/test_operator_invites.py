"""Operators' side of the portal (issue 19): invites from the contact card and the API,
portal users on the users page, and portal users kept out of staff pickers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app import auth
from operational_app.db.models import ContactPerson, PortalInvite
from operational_app.domain import partners as partner_service
from operational_app.domain import queries
from operational_app.domain.errors import ValidationFailed
from tests.operational_app.portal.utils import create_customer
from tests.operational_app.utils.factories import create_random_partner
from tests.operational_app.utils.users import bearer, create_token, create_user

API = "/api/v1"


def _contact(db: Session) -> ContactPerson:
    partner = create_random_partner(db)
    db.flush()
    contact = ContactPerson(partner_id=partner.id, full_name="Сидоров Олег", email="o@example.com")
    db.add(contact)
    db.commit()
    return contact


def test_api_invite_returns_the_link_once(client: TestClient, db: Session) -> None:
    contact = _contact(db)
    response = client.post(f"{API}/contacts/{contact.id}/portal-invites", json={"ttl_days": 3})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "sent"
    assert body["link"].startswith("http://127.0.0.1:8000/portal/invite/")
    assert response.headers["cache-control"] == "no-store"
    token = body["link"].rsplit("/", 1)[1]
    stored = db.scalars(select(PortalInvite)).one()
    assert stored.token_hash == auth.token_digest(token)
    listed = client.get(f"{API}/contacts/{contact.id}/portal-invites").json()
    assert [row["id"] for row in listed] == [body["id"]]
    assert "link" not in listed[0] and token not in str(listed)
    revoked = client.post(f"{API}/portal-invites/{body['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert client.get(f"/portal/invite/{token}").status_code == 404


def test_api_invite_needs_a_manager_and_a_live_contact(app_client: TestClient, db: Session) -> None:
    contact = _contact(db)
    operator = create_user(db, "operator")
    headers = bearer(create_token(db, operator))
    app_client.cookies.clear()
    url = f"{API}/contacts/{contact.id}/portal-invites"
    assert app_client.post(url, headers=headers).status_code == 403
    manager = create_user(db, "manager")
    headers = bearer(create_token(db, manager))
    assert app_client.post(url, headers=headers).status_code == 201
    assert (
        app_client.post(f"{API}/contacts/999999/portal-invites", headers=headers).status_code == 404
    )
    bad = app_client.post(url, headers=headers, json={"ttl_days": 0})
    assert bad.status_code == 422


def test_contact_card_invites_and_revokes(client: TestClient, db: Session) -> None:
    contact = _contact(db)
    card = client.get(f"/contacts/{contact.id}")
    assert card.status_code == 200
    assert "Пригласить в личный кабинет" in card.text
    created = client.post("/portal-invites", data={"contact_id": contact.id, "ttl_days": "5"})
    assert created.status_code == 201
    assert "/portal/invite/" in created.text
    assert created.headers["cache-control"] == "no-store"
    # The link is not on the card afterwards, only the invite's status.
    again = client.get(f"/contacts/{contact.id}")
    assert "/portal/invite/" not in again.text
    assert 'data-invite-status="sent"' in again.text
    invite = db.scalars(select(PortalInvite)).one()
    revoked = client.post(f"/portal-invites/{invite.id}/revoke", follow_redirects=False)
    assert revoked.status_code == 303
    assert 'data-invite-status="revoked"' in client.get(f"/contacts/{contact.id}").text


def test_operator_sees_no_invite_button(app_client: TestClient, db: Session) -> None:
    contact = _contact(db)
    operator = create_user(db, "operator")
    app_client.cookies.clear()
    headers = bearer(create_token(db, operator))
    card = app_client.get(f"/contacts/{contact.id}", headers=headers)
    assert card.status_code == 200
    assert "data-portal-invites" not in card.text
    refused = app_client.post("/portal-invites", data={"contact_id": contact.id}, headers=headers)
    assert refused.status_code == 403


def test_users_page_lists_portal_users_apart_and_deactivates_them(
    client: TestClient, db: Session
) -> None:
    user, partner, _ = create_customer(db)
    page = client.get("/admin/users")
    staff, portal = page.text.split("data-portal-users", 1)
    assert f'data-login="{user.login}"' not in staff
    assert f'data-login="{user.login}"' in portal and partner.name in portal
    response = client.post(f"/admin/users/{user.id}/deactivate", follow_redirects=False)
    assert response.status_code == 303
    db.refresh(user)
    assert user.is_active is False


def test_portal_users_are_no_staff(db: Session) -> None:
    user, partner, _ = create_customer(db)
    manager = create_user(db, "manager")
    assert manager.id in {row.id for row in queries.users(db)}
    assert user.id not in {row.id for row in queries.users(db)}
    with pytest.raises(ValidationFailed):
        partner_service.update_partner(db, partner, {"manager_id": user.id})


def test_customer_cannot_create_invites(app_client: TestClient, db: Session) -> None:
    user, _, contact = create_customer(db)
    app_client.cookies.clear()
    headers = bearer(create_token(db, user))
    url = f"{API}/contacts/{contact.id}/portal-invites"
    assert app_client.post(url, headers=headers).status_code == 403
