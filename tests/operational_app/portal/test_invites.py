"""Portal invites: one-time, hashed, expiring links that create a portal user (issue 19);
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from operational_app import auth
from operational_app.db.models import ContactPerson, PortalInvite, User
from operational_app.domain.errors import ValidationFailed
from operational_app.portal import invites
from tests.operational_app.portal.utils import PASSWORD
from tests.operational_app.utils.factories import create_random_partner
from tests.operational_app.utils.users import create_user, csrf_from

NOW = dt.datetime(2026, 3, 2, 9, 0)


def _contact(db: Session, **fields: object) -> ContactPerson:
    partner = create_random_partner(db)
    db.flush()
    contact = ContactPerson(
        partner_id=partner.id, full_name="Петрова Анна", email="anna@example.com", **fields
    )
    db.add(contact)
    db.commit()
    return contact


def test_invite_stores_only_a_digest_and_creates_a_customer(db: Session) -> None:
    contact = _contact(db)
    manager = create_user(db, "manager")
    invite, token = invites.create_invite(db, contact.id, manager.id, now=NOW)
    db.commit()
    assert invite.token_hash == auth.token_digest(token)
    assert token not in invite.token_hash
    assert invite.expires_at == NOW + dt.timedelta(days=7)
    assert invite.partner_id == contact.partner_id
    assert invites.invite_status(invite, NOW) == "sent"
    accepted = invites.accept_invite(db, token, "anna", PASSWORD, now=NOW + dt.timedelta(days=1))
    db.commit()
    user = db.get(User, accepted.user.id)
    assert (user.role, user.partner_id, user.contact_person_id) == (
        "customer",
        contact.partner_id,
        contact.id,
    )
    assert (user.full_name, user.email) == ("Петрова Анна", "anna@example.com")
    assert auth.verify_password(PASSWORD, user.password_hash)
    db.refresh(invite)
    assert invite.used_by_id == user.id
    assert invites.invite_status(invite, NOW) == "used"


def test_invite_works_once(db: Session) -> None:
    contact = _contact(db)
    _, token = invites.create_invite(db, contact.id, None, now=NOW)
    db.commit()
    invites.accept_invite(db, token, "first", PASSWORD, now=NOW)
    db.commit()
    with pytest.raises(invites.InviteInvalid):
        invites.accept_invite(db, token, "second", PASSWORD, now=NOW)
    db.rollback()
    assert db.scalar(select(func.count()).select_from(User).where(User.login == "second")) == 0


def test_expired_revoked_and_deleted_contact_are_refused(db: Session) -> None:
    contact = _contact(db)
    _, expired = invites.create_invite(db, contact.id, None, ttl=dt.timedelta(days=1), now=NOW)
    revoked_invite, revoked = invites.create_invite(db, contact.id, None, now=NOW)
    _, orphan = invites.create_invite(db, contact.id, None, now=NOW)
    db.commit()
    with pytest.raises(invites.InviteInvalid):
        invites.accept_invite(db, expired, "late", PASSWORD, now=NOW + dt.timedelta(days=1))
    db.rollback()
    invites.revoke_invite(db, revoked_invite.id, now=NOW)
    db.commit()
    assert invites.invite_status(revoked_invite, NOW) == "revoked"
    with pytest.raises(invites.InviteInvalid):
        invites.accept_invite(db, revoked, "revoked", PASSWORD, now=NOW)
    db.rollback()
    contact.deleted_at = NOW
    db.commit()
    with pytest.raises(invites.InviteInvalid):
        invites.accept_invite(db, orphan, "orphan", PASSWORD, now=NOW)
    db.rollback()
    with pytest.raises(invites.InviteInvalid):
        invites.accept_invite(db, "not-a-token", "nobody", PASSWORD, now=NOW)
    db.rollback()
    assert db.scalar(select(func.count()).select_from(User).where(User.role == "customer")) == 0
    with pytest.raises(Exception, match="not found"):
        invites.create_invite(db, contact.id, None, now=NOW)


def test_login_must_be_unique_and_password_follow_the_policy(db: Session) -> None:
    contact = _contact(db)
    create_user(db, "operator", login="taken")
    _, token = invites.create_invite(db, contact.id, None, now=NOW)
    db.commit()
    with pytest.raises(ValidationFailed) as taken:
        invites.accept_invite(db, token, "taken", PASSWORD, now=NOW)
    assert taken.value.field == "login"
    db.rollback()
    with pytest.raises(ValidationFailed):
        invites.accept_invite(db, token, "bad login!", PASSWORD, now=NOW)
    db.rollback()
    with pytest.raises(auth.PasswordRejected):
        invites.accept_invite(db, token, "fine", "short", now=NOW)
    db.rollback()
    # Failed attempts do not use the invite up.
    invites.accept_invite(db, token, "fine", PASSWORD, now=NOW)
    db.commit()


def test_ttl_bounds(db: Session) -> None:
    contact = _contact(db)
    for ttl in (dt.timedelta(0), dt.timedelta(days=91)):
        with pytest.raises(ValidationFailed):
            invites.create_invite(db, contact.id, None, ttl=ttl, now=NOW)


def test_two_concurrent_accepts_create_one_user(db: Session, engine: Engine) -> None:
    contact = _contact(db)
    _, token = invites.create_invite(db, contact.id, None, now=NOW)
    db.commit()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(login: str) -> None:
        with Session(engine) as session:
            barrier.wait()
            try:
                invites.accept_invite(session, token, login, PASSWORD, now=NOW)
                session.commit()
                outcomes.append("ok")
            except invites.InviteInvalid:
                outcomes.append("invalid")
            except Exception as exc:  # a lost write race on SQLite's lock counts as refused
                session.rollback()
                outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=accept, args=(f"racer{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1, outcomes
    db.expire_all()
    customers = db.scalars(select(User).where(User.role == "customer")).all()
    assert len(customers) == 1
    invite = db.scalars(select(PortalInvite)).one()
    assert invite.used_by_id == customers[0].id


def test_visitor_accepts_an_invite_and_is_signed_in(anon_client: TestClient, db: Session) -> None:
    contact = _contact(db)
    _, token = invites.create_invite(db, contact.id, None)
    db.commit()
    page = anon_client.get(f"/portal/invite/{token}")
    assert page.status_code == 200
    assert "Петрова Анна" in page.text
    assert page.headers["cache-control"] == "no-store"
    form = {"login": "anna", "password": PASSWORD, "password_again": PASSWORD}
    mismatch = anon_client.post(
        f"/portal/invite/{token}",
        data={**form, "password_again": "other", "csrf_token": csrf_from(page.text)},
    )
    assert mismatch.status_code == 422
    no_csrf = anon_client.post(f"/portal/invite/{token}", data=form)
    assert no_csrf.status_code == 403
    page = anon_client.get(f"/portal/invite/{token}")
    done = anon_client.post(
        f"/portal/invite/{token}",
        data={**form, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/portal"
    assert anon_client.get("/portal").status_code == 200
    anon_client.cookies.clear()
    again = anon_client.get(f"/portal/invite/{token}")
    assert again.status_code == 404
    assert "Петрова Анна" not in again.text
