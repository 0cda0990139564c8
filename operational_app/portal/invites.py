"""Portal invites (issue 19): a one-time link that lets a partner's contact person create a
portal account. Plain domain code, no HTTP.

Only a SHA-256 of the link's token is stored (auth.token_digest), so a copy of the database
holds no usable link. Accepting marks the invite used by a conditional UPDATE (`used_at IS
NULL` and not revoked, not expired): of two concurrent accepts exactly one changes the row,
the other is refused and its transaction rolled back.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from operational_app import auth
from operational_app.db.models import (
    CUSTOMER_ROLE,
    ContactPerson,
    Partner,
    PortalInvite,
    User,
    utc_now,
)
from operational_app.domain.errors import NotFound, ValidationFailed

DEFAULT_TTL = dt.timedelta(days=7)
MAX_TTL = dt.timedelta(days=90)
INVITE_PATH = "/portal/invite/"
LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
INVITE_STATUSES = ("sent", "used", "expired", "revoked")


class InviteInvalid(NotFound):
    """The link is unknown, used, revoked or expired: one answer for all, so a link cannot be
    probed (the page says it no longer works)."""

    def __init__(self) -> None:
        super().__init__(
            "invite.invalid",
            "This invitation link does not work any more: it was used, revoked or has expired. "
            "Ask your manager for a new one.",
        )


def invite_link(app_url: str, token: str) -> str:
    return f"{app_url.rstrip('/')}{INVITE_PATH}{token}"


def invite_status(invite: PortalInvite, now: dt.datetime | None = None) -> str:
    """sent | used | expired | revoked, as the operator's list shows it."""
    now = now or utc_now()
    if invite.used_at is not None:
        return "used"
    if invite.revoked_at is not None:
        return "revoked"
    if invite.expires_at <= now:
        return "expired"
    return "sent"


def _live_contact(session: Session, contact_person_id: int) -> ContactPerson:
    contact = session.get(ContactPerson, contact_person_id)
    if contact is None or contact.deleted_at is not None:
        raise NotFound(
            "contact.not_found",
            f"Contact person {contact_person_id} not found.",
            params={"id": contact_person_id},
        )
    partner = session.get(Partner, contact.partner_id)
    if partner is None or partner.deleted_at is not None:
        raise NotFound("partner.not_found", "The contact person's partner was deleted.")
    return contact


def create_invite(
    session: Session,
    contact_person_id: int,
    created_by_id: int | None,
    *,
    ttl: dt.timedelta = DEFAULT_TTL,
    now: dt.datetime | None = None,
) -> tuple[PortalInvite, str]:
    """A new invite for a live contact person; returns it and the raw token (shown once)."""
    now = now or utc_now()
    if ttl <= dt.timedelta(0) or ttl > MAX_TTL:
        raise ValidationFailed(
            "invite.ttl",
            f"An invitation is valid from 1 to {MAX_TTL.days} days.",
            field="ttl_days",
            params={"max": MAX_TTL.days},
        )
    contact = _live_contact(session, contact_person_id)
    token = secrets.token_urlsafe(32)
    invite = PortalInvite(
        partner_id=contact.partner_id,
        contact_person_id=contact.id,
        email=contact.email,
        token_hash=auth.token_digest(token),
        expires_at=now + ttl,
        created_by_id=created_by_id,
    )
    session.add(invite)
    session.flush()
    return invite, token


def find_invite(
    session: Session, token: str | None, *, now: dt.datetime | None = None
) -> PortalInvite:
    """The live invite the token opens, else InviteInvalid."""
    now = now or utc_now()
    if not token or len(token) > auth.MAX_TOKEN_LENGTH or not token.isascii():
        raise InviteInvalid()
    invite = session.scalars(
        select(PortalInvite).where(PortalInvite.token_hash == auth.token_digest(token))
    ).first()
    if invite is None or invite.deleted_at is not None or invite_status(invite, now) != "sent":
        raise InviteInvalid()
    contact = session.get(ContactPerson, invite.contact_person_id)
    if contact is None or contact.deleted_at is not None:
        raise InviteInvalid()
    return invite


def check_login(session: Session, login: str) -> str:
    login = (login or "").strip()
    if not LOGIN_PATTERN.match(login):
        raise ValidationFailed(
            "invite.login_format",
            "A login is 1 to 100 Latin letters, digits and . _ @ - (starting with a letter or "
            "digit).",
            field="login",
        )
    if session.scalars(select(User.id).where(User.login == login)).first() is not None:
        raise ValidationFailed("auth.login_taken", "This login is taken.", field="login")
    return login


@dataclass(frozen=True)
class Accepted:
    user: User
    invite: PortalInvite


def accept_invite(
    session: Session,
    token: str,
    login: str,
    password: str,
    *,
    now: dt.datetime | None = None,
) -> Accepted:
    """Create the portal user the invite is for and mark the invite used, once.

    Raises InviteInvalid (unknown, used, revoked, expired, contact deleted), ValidationFailed
    (login taken or malformed) or auth.PasswordRejected (password policy). The caller commits.
    """
    now = now or utc_now()
    invite = find_invite(session, token, now=now)
    login = check_login(session, login)
    auth.check_new_password(password, login)
    contact = session.get(ContactPerson, invite.contact_person_id)
    assert contact is not None  # find_invite checked it
    # The one-time guard: only the first accept changes the row (also across processes).
    claimed = session.execute(
        update(PortalInvite)
        .where(
            PortalInvite.id == invite.id,
            PortalInvite.used_at.is_(None),
            PortalInvite.revoked_at.is_(None),
            PortalInvite.expires_at > now,
        )
        .values(used_at=now, version=PortalInvite.version + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise InviteInvalid()
    user = User(
        login=login,
        full_name=contact.full_name,
        email=contact.email,
        role=CUSTOMER_ROLE,
        partner_id=invite.partner_id,
        contact_person_id=contact.id,
    )
    auth.set_password(user, password)
    session.add(user)
    session.flush()
    session.execute(
        update(PortalInvite)
        .where(PortalInvite.id == invite.id)
        .values(used_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    session.expire(invite)
    return Accepted(user=user, invite=invite)


def revoke_invite(
    session: Session, invite_id: int, *, now: dt.datetime | None = None
) -> PortalInvite:
    """Revoke an unused invite (a used one stays as it is: the account exists)."""
    now = now or utc_now()
    invite = session.get(PortalInvite, invite_id)
    if invite is None or invite.deleted_at is not None:
        raise NotFound("invite.not_found", f"Invite {invite_id} not found.")
    if invite.used_at is None and invite.revoked_at is None:
        invite.revoked_at = now
        session.flush()
    return invite


def invites_of_contact(session: Session, contact_person_id: int) -> list[PortalInvite]:
    return list(
        session.scalars(
            select(PortalInvite)
            .where(
                PortalInvite.contact_person_id == contact_person_id,
                PortalInvite.deleted_at.is_(None),
            )
            .order_by(PortalInvite.created_at.desc(), PortalInvite.id.desc())
        )
    )


def portal_users(session: Session) -> list[tuple[User, str]]:
    """Every portal user with their partner's name (the admin page and `crm portal users`)."""
    rows = session.execute(
        select(User, Partner.name)
        .join(Partner, Partner.id == User.partner_id)
        .where(User.role == CUSTOMER_ROLE, User.deleted_at.is_(None))
        .order_by(Partner.name, User.login)
    )
    return [(user, name) for user, name in rows]
