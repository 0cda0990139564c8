"""Portal sign-in, sign-out, password change and home page (issue 19); SQLite and PostgreSQL."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app import auth
from operational_app.db.models import User, UserSession
from operational_app.domain import claims
from tests.operational_app.portal.utils import PASSWORD, create_customer, portal_sign_in
from tests.operational_app.utils.sales import create_order, create_sales
from tests.operational_app.utils.users import bearer, create_token, create_user, csrf_from, sign_in


def _post_login(client: TestClient, login: str, password: str, next_url: str = "/portal"):
    page = client.get("/portal/login")
    assert page.status_code == 200
    return client.post(
        "/portal/login",
        data={
            "login": login,
            "password": password,
            "next": next_url,
            "csrf_token": csrf_from(page.text),
        },
        follow_redirects=False,
    )


def test_customer_signs_in_sees_home_and_signs_out(anon_client: TestClient, db: Session) -> None:
    sales = create_sales(db, stock=20)
    user, partner, contact = create_customer(db, sales.partner, password=PASSWORD)
    from operational_app.domain import orders

    order = create_order(db, sales, qty=2)
    orders.submit_order(db, order)
    create_order(db, sales, qty=1)  # a draft: not in work
    claims.create_claim(db, partner_id=partner.id, description="Брак")
    db.commit()
    response = _post_login(anon_client, user.login, PASSWORD, "/portal/orders")
    assert response.status_code == 303
    assert response.headers["location"] == "/portal/orders"
    home = anon_client.get("/portal")
    assert home.status_code == 200
    assert partner.name in home.text
    assert contact.full_name in home.text
    assert 'data-orders-in-work="1"' in home.text
    assert 'data-open-claims="1"' in home.text
    assert 'href="/portal/debt"' in home.text
    csrf = csrf_from(home.text)
    out = anon_client.post("/portal/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/portal/login"
    again = anon_client.get("/portal", follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"].startswith("/portal/login")


def test_wrong_password_and_missing_csrf_are_refused(anon_client: TestClient, db: Session) -> None:
    user, _, _ = create_customer(db, password=PASSWORD)
    response = _post_login(anon_client, user.login, "wrong-password-1")
    assert response.status_code == 401
    assert auth.SESSION_COOKIE not in response.cookies
    no_csrf = anon_client.post(
        "/portal/login",
        data={"login": user.login, "password": PASSWORD},
        follow_redirects=False,
    )
    assert no_csrf.status_code == 403


def test_next_cannot_leave_the_portal(anon_client: TestClient, db: Session) -> None:
    user, _, _ = create_customer(db, password=PASSWORD)
    for target in ("//evil.example/", "https://evil.example/", "/partners", "/portal/login"):
        anon_client.cookies.clear()
        response = _post_login(anon_client, user.login, PASSWORD, target)
        assert response.status_code == 303
        assert response.headers["location"] == "/portal", target


def test_operator_is_refused_at_the_portal_sign_in(anon_client: TestClient, db: Session) -> None:
    operator = create_user(db, "manager", password=PASSWORD)
    response = _post_login(anon_client, operator.login, PASSWORD)
    assert response.status_code == 403
    assert "/login" in response.text
    assert auth.SESSION_COOKIE not in response.cookies
    assert db.scalars(select(UserSession).where(UserSession.user_id == operator.id)).all() == []


def test_customer_at_the_operator_sign_in_lands_in_the_portal(
    anon_client: TestClient, db: Session
) -> None:
    user, _, _ = create_customer(db, password=PASSWORD)
    page = anon_client.get("/login")
    response = anon_client.post(
        "/login",
        data={
            "login": user.login,
            "password": PASSWORD,
            "next": "/partners",
            "csrf_token": csrf_from(page.text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/portal"
    # Operator pages send them back to the portal; the operator API refuses them.
    partners = anon_client.get("/partners", follow_redirects=False)
    assert partners.status_code == 303 and partners.headers["location"] == "/portal"
    assert anon_client.get("/api/v1/partners").status_code == 403


def test_operator_session_is_refused_by_portal_pages(anon_client: TestClient, db: Session) -> None:
    operator = create_user(db, "administrator", password=PASSWORD)
    sign_in(anon_client, operator.login, PASSWORD)
    assert anon_client.get("/portal", follow_redirects=False).status_code == 403
    assert anon_client.get("/portal/account/password").status_code == 403


def test_portal_sign_in_is_throttled_per_login(anon_client: TestClient, db: Session) -> None:
    user, _, _ = create_customer(db, password=PASSWORD)
    codes = [
        _post_login(anon_client, user.login, f"wrong-{n}-password").status_code for n in range(6)
    ]
    assert codes[:5] == [401] * 5
    assert codes[5] == 429
    # Throttled even with the right password until the wait is over.
    throttled = _post_login(anon_client, user.login, PASSWORD)
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) >= 1


def test_portal_and_operator_sign_in_share_the_throttle(
    anon_client: TestClient, db: Session
) -> None:
    user, _, _ = create_customer(db, password=PASSWORD)
    for n in range(5):
        page = anon_client.get("/login")
        anon_client.post(
            "/login",
            data={
                "login": user.login,
                "password": f"bad-{n}-pass",
                "csrf_token": csrf_from(page.text),
            },
        )
    assert _post_login(anon_client, user.login, PASSWORD).status_code == 429


def test_password_change_and_seeded_password(anon_client: TestClient, db: Session) -> None:
    user, _, _ = create_customer(db, password=PASSWORD)
    user.must_change_password = True
    db.commit()
    response = _post_login(anon_client, user.login, PASSWORD, "/portal/orders")
    assert response.headers["location"] == "/portal/account/password?next=/portal/orders"
    # Nothing else until the password is changed.
    blocked = anon_client.get("/portal", follow_redirects=False)
    assert blocked.status_code == 303
    assert blocked.headers["location"].startswith("/portal/account/password")
    page = anon_client.get("/portal/account/password?next=/portal/orders")
    assert page.status_code == 200
    csrf = csrf_from(page.text)
    weak = anon_client.post(
        "/portal/account/password",
        data={
            "csrf_token": csrf,
            "current_password": PASSWORD,
            "new_password": "short",
            "new_password_again": "short",
        },
    )
    assert weak.status_code == 422
    wrong = anon_client.post(
        "/portal/account/password",
        data={
            "csrf_token": csrf,
            "current_password": "not-the-password",
            "new_password": "Another-Secret-77",
            "new_password_again": "Another-Secret-77",
        },
    )
    assert wrong.status_code == 403
    changed = anon_client.post(
        "/portal/account/password",
        data={
            "csrf_token": csrf,
            "next": "/portal/orders",
            "current_password": PASSWORD,
            "new_password": "Another-Secret-77",
            "new_password_again": "Another-Secret-77",
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303 and changed.headers["location"] == "/portal/orders"
    db.expire_all()
    stored = db.get(User, user.id)
    assert stored.must_change_password is False
    assert auth.verify_password("Another-Secret-77", stored.password_hash)
    assert anon_client.get("/portal").status_code == 200


def test_portal_sign_in_helper(anon_client: TestClient, db: Session) -> None:
    user, partner, _ = create_customer(db, password=PASSWORD)
    csrf = portal_sign_in(anon_client, user.login, PASSWORD)
    assert csrf
    assert partner.name in anon_client.get("/portal").text


def test_deactivated_customer_cannot_sign_in_or_use_a_token(
    client: TestClient, app_client: TestClient, db: Session
) -> None:
    user, _, _ = create_customer(db, password=PASSWORD)
    token = create_token(db, user)
    response = client.post(f"/admin/users/{user.id}/deactivate", follow_redirects=False)
    assert response.status_code == 303
    client.headers.pop("Authorization", None)
    assert _post_login(client, user.login, PASSWORD).status_code == 401
    assert client.get("/api/portal/me", headers=bearer(token)).status_code == 401
