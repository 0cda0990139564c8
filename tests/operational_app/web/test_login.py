"""Sign-in pages, sessions, the user menu and user/token administration."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app import auth
from operational_app.db.models import ApiToken, User, UserSession, utc_now
from operational_app.seed.users import set_demo_passwords
from tests.operational_app.utils.users import bearer, create_user, csrf_from, sign_in


def field_error(html: str, name: str) -> str:
    match = re.search(rf'<span class="error" id="{name}-error">([^<]*)</span>', html)
    assert match, f"no error shown next to {name}"
    return match.group(1)


def _login(client: TestClient, **fields: str):
    page = client.get("/login")
    data = {"csrf_token": csrf_from(page.text), **fields}
    return client.post("/login", data=data, follow_redirects=False)


def test_wrong_password_keeps_the_login_and_shows_the_error(anon_client: TestClient, db: Session):
    create_user(db, "manager", login="anna", password="right-password")
    response = _login(anon_client, login="anna", password="wrong-password")
    assert response.status_code == 401
    assert field_error(response.text, "password") == "Неверный логин или пароль."
    assert 'name="login" value="anna"' in response.text
    assert "wrong-password" not in response.text
    assert auth.SESSION_COOKIE not in anon_client.cookies
    unknown = _login(anon_client, login="nobody", password="right-password")
    assert unknown.status_code == 401
    assert field_error(unknown.text, "password") == "Неверный логин или пароль."
    blank = _login(anon_client, login="", password="")
    assert blank.status_code == 422 and field_error(blank.text, "login")


def test_sign_in_sets_a_safe_cookie_and_shows_the_user_menu(anon_client: TestClient, db: Session):
    create_user(db, "manager", login="anna", password="right-password", full_name="Анна Петрова")
    response = _login(anon_client, login="anna", password="right-password", next="/deals?x=1")
    assert response.status_code == 303 and response.headers["location"] == "/deals?x=1"
    cookie = next(
        header
        for header in response.headers.get_list("set-cookie")
        if header.startswith(auth.SESSION_COOKIE)
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    token = anon_client.cookies[auth.SESSION_COOKIE]
    row = db.scalars(select(UserSession)).one()
    assert row.token_hash == auth.token_digest(token) and token not in row.token_hash
    html = anon_client.get("/").text
    assert "Анна Петрова" in html and "Менеджер" in html and 'action="/logout"' in html
    assert 'href="/admin/users"' not in html  # a manager sees no user administration


def test_login_form_needs_its_csrf_cookie(anon_client: TestClient, db: Session):
    create_user(db, "manager", login="anna", password="right-password")
    response = anon_client.post(
        "/login",
        data={"login": "anna", "password": "right-password", "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert db.scalars(select(UserSession)).first() is None


def test_next_never_leaves_the_site(anon_client: TestClient, db: Session):
    create_user(db, "manager", login="anna", password="right-password")
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example", "/logout"):
        response = _login(anon_client, login="anna", password="right-password", next=target)
        assert response.headers["location"] == "/", target


def test_inactive_user_cannot_sign_in(anon_client: TestClient, db: Session):
    create_user(db, "manager", login="gone", password="right-password", is_active=False)
    assert _login(anon_client, login="gone", password="right-password").status_code == 401


def test_logout_revokes_the_session(anon_client: TestClient, db: Session):
    create_user(db, "operator", login="olga", password="olga-password")
    csrf = sign_in(anon_client, "olga", "olga-password")
    cookie = anon_client.cookies[auth.SESSION_COOKIE]
    refused = anon_client.post("/logout", data={"csrf_token": "forged"}, follow_redirects=False)
    assert refused.status_code == 403
    assert anon_client.get("/", follow_redirects=False).status_code == 200
    response = anon_client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    db.expire_all()
    assert db.scalars(select(UserSession)).one().revoked_at is not None
    # Replaying the old cookie does not work either.
    anon_client.cookies.set(auth.SESSION_COOKIE, cookie)
    assert anon_client.get("/", follow_redirects=False).status_code == 303


def test_session_expires_and_slides(anon_client: TestClient, db: Session):
    create_user(db, "operator", login="olga", password="olga-password")
    sign_in(anon_client, "olga", "olga-password")
    row = db.scalars(select(UserSession)).one()
    # Close to expiry but still valid: a request moves the expiry forward.
    row.expires_at = utc_now() + dt.timedelta(minutes=10)
    db.commit()
    assert anon_client.get("/", follow_redirects=False).status_code == 200
    db.expire_all()
    assert row.expires_at > utc_now() + auth.SESSION_TTL - dt.timedelta(minutes=1)
    # Past its expiry: back to the login page.
    row.expires_at = utc_now() - dt.timedelta(seconds=1)
    db.commit()
    response = anon_client.get("/partners", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/partners"


def test_administrator_creates_a_user_who_can_sign_in(
    anon_client: TestClient, db: Session, admin: User
):
    create_user(db, "administrator", login="root", password="root-password")
    csrf = sign_in(anon_client, "root", "root-password")
    bad = anon_client.post(
        "/admin/users",
        data={"csrf_token": csrf, "login": "new user", "full_name": "", "role": "boss"},
    )
    assert bad.status_code == 422
    assert field_error(bad.text, "password") and field_error(bad.text, "role")
    assert 'value="new user"' in bad.text
    created = anon_client.post(
        "/admin/users",
        data={
            "csrf_token": csrf,
            "login": "ivan",
            "full_name": "Иван Иванов",
            "role": "manager",
            "password": "ivan-password",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    ivan = db.scalars(select(User).where(User.login == "ivan")).one()
    assert ivan.role == "manager" and auth.verify_password("ivan-password", ivan.password_hash)
    taken = anon_client.post(
        "/admin/users",
        data={
            "csrf_token": csrf,
            "login": "ivan",
            "full_name": "Другой",
            "role": "operator",
            "password": "other-password",
        },
    )
    assert taken.status_code == 409 and field_error(taken.text, "login")


def test_deactivation_and_password_reset_end_sessions(
    app_client: TestClient, db: Session, admin: User
):
    from tests.operational_app.utils.users import create_token

    create_user(db, "operator", login="olga", password="olga-password")
    app_client.cookies.clear()
    app_client.headers.pop("Authorization", None)
    sign_in(app_client, "olga", "olga-password")
    olga_cookie = app_client.cookies[auth.SESSION_COOKIE]
    olga = db.scalars(select(User).where(User.login == "olga")).one()
    headers = bearer(create_token(db, admin))
    app_client.cookies.clear()
    reset = app_client.post(
        f"/admin/users/{olga.id}/password",
        data={"password": "new-olga-password"},
        headers=headers,
        follow_redirects=False,
    )
    assert reset.status_code == 303
    app_client.cookies.set(auth.SESSION_COOKIE, olga_cookie)
    assert app_client.get("/", follow_redirects=False).status_code == 303
    app_client.cookies.clear()
    sign_in(app_client, "olga", "new-olga-password")
    app_client.cookies.clear()
    deactivated = app_client.post(
        f"/admin/users/{olga.id}/deactivate", headers=headers, follow_redirects=False
    )
    assert deactivated.status_code == 303
    assert _login(app_client, login="olga", password="new-olga-password").status_code == 401
    myself = app_client.post(f"/admin/users/{admin.id}/deactivate", headers=headers)
    assert myself.status_code == 403
    app_client.cookies.clear()


def test_token_page_shows_the_token_once_and_revokes(anon_client: TestClient, db: Session):
    create_user(db, "operator", login="olga", password="olga-password")
    other = create_user(db, "operator", login="oleg")
    csrf = sign_in(anon_client, "olga", "olga-password")
    created = anon_client.post("/admin/tokens", data={"csrf_token": csrf, "name": "Excel"})
    assert created.status_code == 201
    token = re.search(r"<code>(crm_[^<]+)</code>", created.text).group(1)
    assert token not in anon_client.get("/admin/tokens").text
    api = TestClient(anon_client.app)
    assert api.get("/api/v1/partners", headers=bearer(token)).status_code == 200
    # An operator cannot make tokens for someone else or revoke theirs.
    refused = anon_client.post(
        "/admin/tokens", data={"csrf_token": csrf, "name": "x", "user_id": str(other.id)}
    )
    assert refused.status_code == 403
    others, _ = auth.create_api_token(db, other, "oleg's")
    db.commit()
    others_row = db.scalars(select(ApiToken).where(ApiToken.user_id == other.id)).one()
    assert "oleg&#39;s" not in anon_client.get("/admin/tokens").text
    response = anon_client.post(f"/admin/tokens/{others_row.id}/revoke", data={"csrf_token": csrf})
    assert response.status_code == 404
    mine = db.scalars(select(ApiToken).where(ApiToken.name == "Excel")).one()
    revoked = anon_client.post(
        f"/admin/tokens/{mine.id}/revoke", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert revoked.status_code == 303
    assert api.get("/api/v1/partners", headers=bearer(token)).status_code == 401
    assert api.get("/api/v1/partners", headers=bearer(others)).status_code == 200


def test_english_login_page(client_en: TestClient):
    client_en.headers.pop("Authorization", None)
    html = client_en.get("/login").text
    assert "Sign in" in html and "Password" in html


def test_demo_passwords_for_seeded_users(db: Session, db_url: str):
    create_user(db, "operator", login="op")
    create_user(db, "administrator", login="admin")
    create_user(db, "manager", login="keeps", password="own-password")
    changed = set_demo_passwords(db_url, "demo")
    assert changed[0] == ("admin", "administrator")
    assert {login for login, _ in changed} == {"admin", "op"}
    db.expire_all()
    users = {user.login: user for user in db.scalars(select(User))}
    assert auth.verify_password("demo", users["admin"].password_hash)
    assert auth.verify_password("own-password", users["keeps"].password_hash)
