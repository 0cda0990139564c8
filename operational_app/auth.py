"""Users and security: password hashes, browser sessions, API tokens and roles.

Plain Python over SQLAlchemy sessions (no HTTP here); `operational_app.api.deps` turns it into
FastAPI dependencies. Only SHA-256 digests of session and API tokens are stored, so a copy of
the database does not let anyone sign in. Passwords are hashed with argon2id at OWASP's
parameters (19 MiB, 2 passes, 1 lane); hashes of older versions (scrypt) still verify and are
replaced by argon2id at the user's next sign-in. Hashing costs tens of milliseconds of CPU on
purpose: callers run it off the event loop (web/auth_pages.py, api/routes/account.py).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, bindparam, or_, select, update
from sqlalchemy.orm import Session

from operational_app.db.models import (
    CUSTOMER_ROLE,
    OPERATOR_ROLES,
    ApiToken,
    User,
    UserSession,
    utc_now,
)
from operational_app.domain.errors import DomainError

# Operator roles in increasing order of power: a higher role may do everything a lower one may.
# `customer` (a portal user) has no rank: role_at_least is False for it whatever is asked.
ROLES: tuple[str, ...] = OPERATOR_ROLES
_RANK = {role: rank for rank, role in enumerate(ROLES)}

SESSION_COOKIE = "crm_session"
SESSION_TTL = dt.timedelta(hours=12)
# The sliding expiry is written at most this often, not on every request.
SESSION_REFRESH_AFTER = dt.timedelta(minutes=5)
CSRF_FORM_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
TOKEN_PREFIX = "crm_"
MAX_PASSWORD_LENGTH = 1024
MIN_PASSWORD_LENGTH = 10
MAX_TOKEN_LENGTH = 200


def role_at_least(role: str | None, required: str) -> bool:
    """True when `role` is `required` or a more powerful one (operator < manager < admin)."""
    if required not in _RANK:
        raise ValueError(f"unknown role {required!r}; expected one of {ROLES}")
    return role in _RANK and _RANK[role] >= _RANK[required]


# Passwords: argon2id in the PHC string format ("$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>").
# The parameters travel with the hash, so raising them later only needs `needs_rehash` at the
# next sign-in. OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_PARALLELISM = 1


def make_password_hasher(
    time_cost: int = ARGON2_TIME_COST,
    memory_kib: int = ARGON2_MEMORY_KIB,
    parallelism: int = ARGON2_PARALLELISM,
) -> PasswordHasher:
    return PasswordHasher(
        time_cost=time_cost,
        memory_cost=memory_kib,
        parallelism=parallelism,
        hash_len=32,
        salt_len=16,
        type=Type.ID,
    )


PASSWORD_HASHER = make_password_hasher()
# A stored hash asking for more than this is refused unverified (a tampered row must not make
# a sign-in allocate gigabytes or spin for minutes).
_ARGON2_MAX_MEMORY_KIB = 512 * 1024
_ARGON2_MAX_TIME_COST = 16
_dummy_hashes: dict[int, str] = {}


def _argon2_plausible(encoded: str) -> bool:
    try:
        parameters = extract_parameters(encoded)
    except (InvalidHashError, ValueError):
        return False
    return (
        parameters.type is Type.ID
        and 8 <= parameters.memory_cost <= _ARGON2_MAX_MEMORY_KIB
        and 1 <= parameters.time_cost <= _ARGON2_MAX_TIME_COST
        and 1 <= parameters.parallelism <= 16
    )


# Older hashes: "scrypt$n=<N>,r=<r>,p=<p>$<salt b64>$<hash b64>"; verified, never written
# (hash_password_scrypt exists for tests of the upgrade path).


@dataclass(frozen=True)
class ScryptParams:
    n: int = 2**15
    r: int = 8
    p: int = 1
    dklen: int = 32
    salt_bytes: int = 16

    @property
    def maxmem(self) -> int:
        # scrypt needs 128 * r * n bytes; leave headroom (hashlib's default cap is 32 MiB).
        return 256 * self.r * self.n + 1024 * 1024


PASSWORD_PARAMS = ScryptParams()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    """An argon2id hash of `password` with a fresh salt (the current PASSWORD_HASHER)."""
    _check_password_input(password)
    return PASSWORD_HASHER.hash(password)


def hash_password_scrypt(password: str, params: ScryptParams | None = None) -> str:
    """The hash format of earlier versions (kept to test that old hashes still sign in)."""
    params = params or PASSWORD_PARAMS
    _check_password_input(password)
    salt = secrets.token_bytes(params.salt_bytes)
    digest = hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=params.n,
        r=params.r,
        p=params.p,
        dklen=params.dklen,
        maxmem=params.maxmem,
    )
    return f"scrypt$n={params.n},r={params.r},p={params.p}${_b64(salt)}${_b64(digest)}"


def _parse_hash(encoded: str) -> tuple[ScryptParams, bytes, bytes] | None:
    try:
        scheme, settings, salt_b64, digest_b64 = encoded.split("$")
        if scheme != "scrypt":
            return None
        values = dict(item.split("=", 1) for item in settings.split(","))
        n, r, p = int(values["n"]), int(values["r"]), int(values["p"])
        salt = base64.b64decode(salt_b64, validate=True)
        digest = base64.b64decode(digest_b64, validate=True)
    except (ValueError, KeyError):
        return None
    # Refuse absurd parameters from a tampered row instead of burning CPU or memory.
    if not (2 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16):
        return None
    if not (8 <= len(salt) <= 64 and 16 <= len(digest) <= 64):
        return None
    return ScryptParams(n=n, r=r, p=p, dklen=len(digest), salt_bytes=len(salt)), salt, digest


def verify_password(password: str, encoded: str | None) -> bool:
    """Constant-time check; a missing or malformed hash never matches."""
    if isinstance(encoded, str) and encoded.startswith("$argon2"):
        if (
            not isinstance(password, str)
            or len(password) > MAX_PASSWORD_LENGTH
            or not _argon2_plausible(encoded)
        ):
            _dummy_verify(password if isinstance(password, str) else "")
            return False
        try:
            return PASSWORD_HASHER.verify(encoded, password.encode("utf-8", "surrogatepass"))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
    parsed = _parse_hash(encoded) if encoded else None
    if parsed is None or not isinstance(password, str) or len(password) > MAX_PASSWORD_LENGTH:
        # Spend about the same time as a real check, so timing does not reveal unknown logins.
        _dummy_verify(password if isinstance(password, str) else "")
        return False
    params, salt, expected = parsed
    actual = hashlib.scrypt(
        password.encode("utf-8", "surrogatepass"),
        salt=salt,
        n=params.n,
        r=params.r,
        p=params.p,
        dklen=params.dklen,
        maxmem=params.maxmem,
    )
    return hmac.compare_digest(actual, expected)


def _dummy_verify(password: str) -> None:
    """Spend what a real check of the current hasher costs (unknown login, malformed hash)."""
    hasher = PASSWORD_HASHER
    dummy = _dummy_hashes.get(id(hasher))
    if dummy is None:
        dummy = _dummy_hashes[id(hasher)] = hasher.hash(secrets.token_urlsafe(16))
    try:
        hasher.verify(dummy, password[:MAX_PASSWORD_LENGTH].encode("utf-8", "surrogatepass"))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        pass


def needs_rehash(encoded: str | None) -> bool:
    """True for anything but an argon2id hash with the current parameters (scrypt included)."""
    if not isinstance(encoded, str) or not encoded.startswith("$argon2id$"):
        return True
    try:
        return PASSWORD_HASHER.check_needs_rehash(encoded)
    except (InvalidHashError, ValueError):
        return True


class PasswordRejected(ValueError):
    """The new password does not meet the rules (length, characters, login, common ones);
    `rule` names the rule for translated messages (`password.<rule>`)."""

    def __init__(self, message: str, rule: str = "invalid") -> None:
        super().__init__(message)
        self.rule = rule


def _check_password_input(password: str) -> None:
    if not isinstance(password, str) or "\x00" in password:
        raise PasswordRejected("The password must be text without NUL characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordRejected(f"The password must be at most {MAX_PASSWORD_LENGTH} characters.")


# The most common passwords of public breach lists (and this product's own demo password), plus
# their obvious Russian keyboard-layout spellings: refused whatever their case. A short list on
# purpose: the length rule already refuses most of the longer lists.
COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "0123456789",
        "1111111111",
        "0000000000",
        "1q2w3e4r5t",
        "qwertyuiop",
        "1qaz2wsx3edc",
        "password123",
        "password1234",
        "passw0rd123",
        "qwerty12345",
        "qwerty123456",
        "1234qwerasdf",
        "123456789a",
        "a123456789",
        "iloveyou123",
        "administrator",
        "admin12345",
        "admin123456",
        "welcome123",
        "changeme123",
        "letmein1234",
        "йцукенгшщз",
        "пароль12345",
        "пароль123456",
        "demo123456",
        "demodemodemo",
    }
)


def check_new_password(password: str, login: str | None = None) -> None:
    """Rules for passwords people choose: at least MIN_PASSWORD_LENGTH characters, not the
    login (in any case, nor reversed), not a common password. (The demo seed sets its short
    demo password directly.)"""
    _check_password_input(password)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRejected(
            f"The password must be at least {MIN_PASSWORD_LENGTH} characters.", rule="too_short"
        )
    folded = password.strip().casefold()
    if login and folded in {login.strip().casefold(), login.strip().casefold()[::-1]}:
        raise PasswordRejected("The password must not be the login.", rule="is_login")
    if folded in COMMON_PASSWORDS or len(set(folded)) <= 2:
        raise PasswordRejected(
            "This password is too common or too easy to guess; choose another.", rule="common"
        )


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)


def change_own_password(
    session: Session, user: User, current_password: str, new_password: str
) -> bool:
    """A user's own password change: False when `current_password` is wrong (nothing
    changes); PasswordRejected when the new one breaks the rules. Their other sessions and
    their API tokens stay (it is their own decision); the change-on-first-sign-in flag goes."""
    if not verify_password(current_password, user.password_hash):
        return False
    check_new_password(new_password, user.login)
    if verify_password(new_password, user.password_hash):
        raise PasswordRejected("Choose a password other than the current one.", rule="same")
    set_password(user, new_password)
    user.must_change_password = False
    return True


def authenticate_password(session: Session, login: str, password: str) -> User | None:
    """The active user with this login and password, or None (same answer for every failure)."""
    user = None
    if isinstance(login, str) and 0 < len(login) <= 100 and "\x00" not in login:
        user = session.scalars(
            select(User).where(User.login == login.strip(), User.deleted_at.is_(None))
        ).first()
    if user is None or not user.is_active:
        _dummy_verify(password if isinstance(password, str) else "")
        return None
    if not verify_password(password, user.password_hash):
        return None
    if needs_rehash(user.password_hash):
        set_password(user, password)
    return user


# Tokens: random, URL-safe, never stored; the database keeps their SHA-256 (hex).


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _plausible_token(token: str | None) -> bool:
    return bool(token) and len(token) <= MAX_TOKEN_LENGTH and token.isascii()


def create_session(session: Session, user: User, *, now: dt.datetime | None = None) -> str:
    """Start a browser session for `user`; returns the cookie value (shown nowhere else)."""
    now = now or utc_now()
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            user_id=user.id,
            token_hash=token_digest(token),
            csrf_token=secrets.token_urlsafe(32),
            expires_at=now + SESSION_TTL,
        )
    )
    session.flush()
    return token


@dataclass(frozen=True, slots=True)
class SignedInUser:
    """Who a request acts as: the columns routes, pages and domain rules read (id, role and the
    names shown), not an ORM entity. Nothing changes a user through it, and plain rows made
    sign-in, which every request runs, about half as expensive as loading two entities."""

    id: int
    login: str
    full_name: str
    role: str
    must_change_password: bool = False
    # Set for portal users (role `customer`) only: the partner whose records they may touch.
    partner_id: int | None = None
    contact_person_id: int | None = None

    @property
    def is_customer(self) -> bool:
        return self.role == CUSTOMER_ROLE


@dataclass(frozen=True, slots=True)
class TokenGrant:
    """The API token a request signed in with (what its bookkeeping write needs)."""

    id: int
    last_used_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class SessionGrant:
    """The browser session a request signed in with."""

    id: int
    expires_at: dt.datetime
    csrf_token: str


_users = User.__table__.c
_tokens = ApiToken.__table__.c
_sessions = UserSession.__table__.c
_USER_COLUMNS = (
    _users.id,
    _users.login,
    _users.full_name,
    _users.role,
    _users.must_change_password,
    _users.partner_id,
    _users.contact_person_id,
)
_LIVE_USER = (_users.is_active.is_(True), _users.deleted_at.is_(None))
# Every request runs one of these two (api/deps.py): Core statements built once, one round trip
# each, with the liveness rules in the WHERE clause.
_SESSION_WITH_USER = (
    select(_sessions.id, _sessions.expires_at, _sessions.csrf_token, *_USER_COLUMNS)
    .join_from(UserSession.__table__, User.__table__, _users.id == _sessions.user_id)
    .where(
        _sessions.token_hash == bindparam("digest"),
        _sessions.revoked_at.is_(None),
        _sessions.deleted_at.is_(None),
        _sessions.expires_at > bindparam("now"),
        *_LIVE_USER,
    )
)
_TOKEN_WITH_USER = (
    select(_tokens.id, _tokens.last_used_at, *_USER_COLUMNS)
    .join_from(ApiToken.__table__, User.__table__, _users.id == _tokens.user_id)
    .where(
        _tokens.token_hash == bindparam("digest"),
        _tokens.revoked_at.is_(None),
        _tokens.deleted_at.is_(None),
        or_(_tokens.expires_at.is_(None), _tokens.expires_at > bindparam("now")),
        *_LIVE_USER,
    )
)


def find_session(
    connection: Connection, token: str | None, *, now: dt.datetime | None = None
) -> tuple[SessionGrant, SignedInUser] | None:
    """The live session and its active user for a cookie value; reads only."""
    if not _plausible_token(token):
        return None
    parameters = {"digest": token_digest(token), "now": now or utc_now()}
    found = connection.execute(_SESSION_WITH_USER, parameters).first()
    if found is None:
        return None
    session_id, expires_at, csrf_token, *user = found
    return SessionGrant(session_id, expires_at, csrf_token), SignedInUser(*user)


def session_expiry_due(row: SessionGrant, *, now: dt.datetime | None = None) -> bool:
    """Whether sliding the session's expiry forward is worth a write now."""
    return (now or utc_now()) + SESSION_TTL - row.expires_at >= SESSION_REFRESH_AFTER


def slide_session_expiry(
    session: Session, row: SessionGrant, *, now: dt.datetime | None = None
) -> None:
    new_expiry = (now or utc_now()) + SESSION_TTL
    # A plain UPDATE, not the ORM's versioned one: two parallel requests of the same browser
    # must not fail each other with a stale-version error.
    session.execute(
        update(UserSession)
        .where(UserSession.id == row.id, UserSession.expires_at < new_expiry)
        .values(expires_at=new_expiry)
        .execution_options(synchronize_session=False)
    )


def lookup_session(
    session: Session, token: str | None, *, now: dt.datetime | None = None
) -> tuple[SessionGrant, SignedInUser] | None:
    """The live session and its active user for a cookie value; slides the expiry forward."""
    now = now or utc_now()
    found = find_session(session.connection(), token, now=now)
    if found is not None and session_expiry_due(found[0], now=now):
        slide_session_expiry(session, found[0], now=now)
    return found


def revoke_session(session: Session, token: str | None, *, now: dt.datetime | None = None) -> None:
    if not _plausible_token(token):
        return
    session.execute(
        update(UserSession)
        .where(UserSession.token_hash == token_digest(token), UserSession.revoked_at.is_(None))
        .values(revoked_at=now or utc_now())
        .execution_options(synchronize_session=False)
    )


def revoke_user_sessions(
    session: Session,
    user_id: int,
    *,
    now: dt.datetime | None = None,
    keep_session_id: int | None = None,
) -> None:
    """Sign a user out everywhere (deactivation, password reset), or everywhere but the session
    `keep_session_id` (their own password change)."""
    statement = update(UserSession).where(
        UserSession.user_id == user_id, UserSession.revoked_at.is_(None)
    )
    if keep_session_id is not None:
        statement = statement.where(UserSession.id != keep_session_id)
    session.execute(
        statement.values(revoked_at=now or utc_now()).execution_options(synchronize_session=False)
    )


def revoke_user_api_tokens(
    session: Session, user_id: int, *, now: dt.datetime | None = None
) -> None:
    """Revoke every live API token of a user. Revoked, not merely refused while the user is
    inactive: reactivating the user (or resetting a password that leaked) must not bring an
    old token back to life."""
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now or utc_now())
        .execution_options(synchronize_session=False)
    )


def revoke_user_credentials(
    session: Session, user_id: int, *, now: dt.datetime | None = None
) -> None:
    """Sign a user out everywhere and revoke their API tokens (deactivation, password reset)."""
    now = now or utc_now()
    revoke_user_sessions(session, user_id, now=now)
    revoke_user_api_tokens(session, user_id, now=now)


def csrf_matches(user_session: SessionGrant, supplied: str | None) -> bool:
    if not isinstance(supplied, str) or not _plausible_token(supplied):
        return False
    return hmac.compare_digest(supplied.encode("ascii"), user_session.csrf_token.encode("ascii"))


def create_api_token(
    session: Session,
    user: User,
    name: str,
    *,
    expires_at: dt.datetime | None = None,
) -> tuple[str, ApiToken]:
    """A new bearer token for `user`; the plaintext is returned here once and never again."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id, name=name, token_hash=token_digest(token), expires_at=expires_at
    )
    session.add(row)
    session.flush()
    return token, row


TOKEN_USE_RESOLUTION = dt.timedelta(minutes=1)


def find_api_token(
    connection: Connection, token: str | None, *, now: dt.datetime | None = None
) -> tuple[TokenGrant, SignedInUser] | None:
    """A live (not revoked, not expired) token and its active user; reads only."""
    if not _plausible_token(token):
        return None
    parameters = {"digest": token_digest(token), "now": now or utc_now()}
    found = connection.execute(_TOKEN_WITH_USER, parameters).first()
    if found is None:
        return None
    token_id, last_used_at, *user = found
    return TokenGrant(token_id, last_used_at), SignedInUser(*user)


def token_use_due(row: TokenGrant, *, now: dt.datetime | None = None) -> bool:
    """Whether the token's last use is worth a write now.

    Recording every use would turn every GET into a write that queues behind SQLite's single
    write lock (bench/bench_api.py); a minute's resolution is enough to spot unused tokens.
    """
    return row.last_used_at is None or (now or utc_now()) - row.last_used_at >= TOKEN_USE_RESOLUTION


def record_token_use(session: Session, row: TokenGrant, *, now: dt.datetime | None = None) -> None:
    now = now or utc_now()
    session.execute(
        update(ApiToken)
        .where(ApiToken.id == row.id)
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )


def revoke_api_token(session: Session, row: ApiToken, *, now: dt.datetime | None = None) -> None:
    if row.revoked_at is None:
        row.revoked_at = now or utc_now()


class NotAuthenticated(Exception):
    """No valid session or token: 401 for the API, a redirect to /login for pages."""

    def __init__(self, method: str = "session") -> None:
        super().__init__("Sign in first: send `Authorization: Bearer <token>` or a session cookie.")
        self.method = method


class Forbidden(DomainError):
    status_code = 403


class OperatorsOnly(Forbidden):
    """A portal user (role `customer`) asked for an operator page or /api/v1."""

    def __init__(self) -> None:
        super().__init__(
            "operators_only",
            "This part of the application is for operators; customers use the portal (/portal).",
        )


class PasswordChangeRequired(Exception):
    """A user with a seeded (published) password asks for anything but the password change:
    pages redirect there, the API answers 403 `password_change_required`."""
