"""Account administration outside the app (`crm user add`, `crm token create`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app import auth
from operational_app.db.migrate import upgrade_to_head
from operational_app.db.models import User, utc_now
from operational_app.db.session import create_oltp_engine


class AccountError(ValueError):
    """A refused account operation, with a message for the console."""


def _session(url: str) -> Session:
    upgrade_to_head(url)
    return Session(create_oltp_engine(url), expire_on_commit=False)


def add_user(
    url: str,
    login: str,
    *,
    role: str,
    full_name: str,
    password: str,
    email: str | None = None,
) -> User:
    if role not in auth.ROLES:
        raise AccountError(f"Unknown role {role!r}; use one of {', '.join(auth.ROLES)}.")
    if not login or len(login) > 100 or not login.isprintable() or " " in login:
        raise AccountError("The login must be 1-100 printable characters without spaces.")
    if not full_name.strip() or len(full_name) > 200 or "\x00" in full_name:
        raise AccountError("The full name must be 1-200 characters.")
    try:
        auth.check_new_password(password, login)
    except auth.PasswordRejected as error:
        raise AccountError(str(error)) from error
    session = _session(url)
    try:
        if session.scalars(select(User.id).where(User.login == login)).first() is not None:
            raise AccountError(f"The login {login!r} is taken.")
        user = User(login=login, full_name=full_name.strip(), email=email, role=role)
        auth.set_password(user, password)
        session.add(user)
        session.commit()
        return user
    finally:
        session.close()
        session.bind.dispose()  # type: ignore[union-attr]


def create_token(url: str, login: str, name: str, expires_days: int | None = None) -> str:
    if not name.strip() or len(name) > 100 or "\x00" in name:
        raise AccountError("The token name must be 1-100 characters.")
    if expires_days is not None and not 1 <= expires_days <= 3650:
        raise AccountError("--expires-days must be between 1 and 3650.")
    session = _session(url)
    try:
        user = session.scalars(select(User).where(User.login == login)).first()
        if user is None or not user.is_active:
            raise AccountError(f"No active user with the login {login!r}.")
        expires_at = utc_now() + dt.timedelta(days=expires_days) if expires_days else None
        token, _ = auth.create_api_token(session, user, name.strip(), expires_at=expires_at)
        session.commit()
        return token
    finally:
        session.close()
        session.bind.dispose()  # type: ignore[union-attr]


def create_portal_invite(url: str, contact_id: int, ttl_days: int, app_url: str) -> str:
    """`crm portal invite`: an invite for a contact person; returns the link (shown once)."""
    from operational_app.domain.errors import DomainError
    from operational_app.portal import invites

    if not 1 <= ttl_days <= invites.MAX_TTL.days:
        raise AccountError(f"--ttl-days must be between 1 and {invites.MAX_TTL.days}.")
    session = _session(url)
    try:
        try:
            _, token = invites.create_invite(
                session, contact_id, None, ttl=dt.timedelta(days=ttl_days)
            )
        except DomainError as error:
            raise AccountError(error.message) from error
        session.commit()
        return invites.invite_link(app_url, token)
    finally:
        session.close()
        session.bind.dispose()  # type: ignore[union-attr]


def list_portal_users(url: str) -> list[dict[str, object]]:
    """`crm portal users`: every portal user with their partner."""
    from operational_app.portal import invites

    session = _session(url)
    try:
        return [
            {
                "login": user.login,
                "full_name": user.full_name,
                "partner_id": user.partner_id,
                "partner": partner_name,
                "contact_person_id": user.contact_person_id,
                "active": bool(user.is_active),
            }
            for user, partner_name in invites.portal_users(session)
        ]
    finally:
        session.close()
        session.bind.dispose()  # type: ignore[union-attr]
