"""Users of each role, API tokens and signed-in browser sessions for tests."""

from __future__ import annotations

import itertools
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from operational_app import auth
from operational_app.db.models import User

_serial = itertools.count(1)


def create_user(
    db: Session,
    role: str = "operator",
    *,
    login: str | None = None,
    password: str | None = None,
    full_name: str | None = None,
    is_active: bool = True,
) -> User:
    """A committed user; a password is hashed only when given (scrypt is deliberately slow)."""
    number = next(_serial)
    user = User(
        login=login or f"{role}-{number}",
        full_name=full_name or f"Тестовый {role} {number}",
        role=role,
        is_active=is_active,
        password_hash=auth.hash_password(password) if password else None,
    )
    db.add(user)
    db.commit()
    return user


def create_token(db: Session, user: User, name: str = "tests", **kwargs: object) -> str:
    token, _ = auth.create_api_token(db, user, name, **kwargs)  # type: ignore[arg-type]
    db.commit()
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def csrf_from(html: str) -> str:
    """The CSRF token rendered by `{{ csrf_field() }}` on a page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no csrf_token field on the page"
    return match.group(1)


def sign_in(client: TestClient, login: str, password: str, next_url: str = "/") -> str:
    """Sign in through the login form; returns the session's CSRF token (from the home page)."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "login": login,
            "password": password,
            "next": next_url,
            "csrf_token": csrf_from(page.text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_from(client.get("/").text)
