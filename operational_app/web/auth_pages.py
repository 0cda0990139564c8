"""Sign-in pages and user administration: /login, /logout, /admin/users, /admin/tokens.

`public_router` (login, logout) is the only page router included without the signed-in-user
dependency. The login form carries its own CSRF token (a short-lived cookie echoed by a hidden
field, "double submit"), because there is no session yet to keep it in.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import AfterValidator, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from operational_app import auth
from operational_app.api.deps import AdminUser, CurrentUser, IdPath, SessionDep
from operational_app.api.schemas import text
from operational_app.db.models import CUSTOMER_ROLE, ApiToken, User, utc_now
from operational_app.domain import classifiers, departments
from operational_app.domain.common import get_or_404
from operational_app.domain.errors import DomainError, NotFound
from operational_app.i18n import translate
from operational_app.portal.invites import portal_users
from operational_app.web.common import form_values, redirect, render, request_lang
from operational_app.web.forms import FormModel, domain_error_message, form_errors

public_router = APIRouter(include_in_schema=False)
router = APIRouter(include_in_schema=False)

LOGIN_CSRF_COOKIE = "crm_login_csrf"
MAX_NEXT_LENGTH = 2000


def safe_next(target: str | None) -> str:
    """Only a path on this site: "//evil.example" or "https://…" would be an open redirect."""
    if (
        not isinstance(target, str)
        or not target.startswith("/")
        or target.startswith(("//", "/\\"))
        or len(target) > MAX_NEXT_LENGTH
        or any(ord(char) < 32 for char in target)
        or target.startswith(("/login", "/logout"))
    ):
        return "/"
    return target


def login_url(target: str) -> str:
    target = safe_next(target)
    return "/login" if target == "/" else f"/login?next={quote(target, safe='/')}"


def _secure(request: Request) -> bool:
    """Secure cookies on HTTPS, and always with CRM_SECURE_COOKIES=1 (behind a TLS proxy)."""
    return request.url.scheme == "https" or request.app.state.settings.secure_cookies


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def run_password_work(request: Request, work: Callable[[], Any]) -> Any:
    """Run `work` (a password hash and its database reads and writes) on the app's password
    executor: off the event loop, and at most as many hashes at once as it has threads, so a
    flood of sign-ins queues there instead of taking every core from signed-in requests."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(request.app.state.password_executor, work)


def throttled_message(lang: str, seconds: int) -> str:
    return translate("auth.throttled", lang, seconds=seconds)


def demo_mode(request: Request) -> bool:
    return bool(request.app.state.settings.demo_mode)


# Sign in and out


def new_form_csrf(request: Request) -> str:
    """A fresh double-submit token for a form shown before there is a session (sign-in,
    accepting a portal invite); `{{ csrf_field() }}` renders it."""
    token = secrets.token_urlsafe(32)
    request.state.csrf_token = token
    return token


def set_form_csrf_cookie(request: Request, response: Response, token: str, path: str) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path=path,
    )


def form_csrf_matches(request: Request, values: dict[str, str]) -> bool:
    """The form's hidden token equals its cookie (the double-submit check of new_form_csrf)."""
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
    supplied = values.get(auth.CSRF_FORM_FIELD) or ""
    return bool(cookie) and hmac.compare_digest(cookie.encode(), supplied.encode())


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        auth.SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )


def _login_page(
    request: Request, form: dict[str, Any], errors: dict[str, str], status_code: int = 200
) -> Response:
    token = new_form_csrf(request)
    response = render(
        request, "auth/login.html", {"form": form, "errors": errors}, status_code=status_code
    )
    set_form_csrf_cookie(request, response, token, "/login")
    return response


@public_router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:  # noqa: A002 - the URL's name
    return _login_page(request, {"next": safe_next(next)}, {})


@dataclass(frozen=True)
class _SignedIn:
    token: str
    must_change_password: bool
    role: str = "operator"
    # The password was right but this sign-in form is not for the user's role (no session).
    refused: bool = False


def _sign_in(
    factory: sessionmaker[Session],
    login: str,
    password: str,
    old_cookie: str | None,
    admit: Callable[[User], bool] | None = None,
) -> _SignedIn | None:
    """Check the password (argon2id, rehashing an older hash) and open a session; runs on the
    password executor. `admit` may refuse a user whose password is right (no session then)."""
    with factory() as session:
        user = auth.authenticate_password(session, login, password)
        if user is None:
            return None
        if admit is not None and not admit(user):
            session.commit()  # keeps a rehashed password
            return _SignedIn("", bool(user.must_change_password), user.role, refused=True)
        auth.revoke_session(session, old_cookie)
        token = auth.create_session(session, user)
        must_change = bool(user.must_change_password)
        session.commit()
        return _SignedIn(token, must_change, user.role)


@dataclass(frozen=True)
class SignInAttempt:
    """What a password sign-in came to: `signed_in` (a session was opened), `throttled`
    (`wait` seconds), `bad_credentials`, or `refused` (`admit` said no; no session)."""

    status: str
    signed_in: _SignedIn | None = None
    wait: int = 0


async def password_sign_in(
    request: Request,
    login_name: str,
    password: str,
    admit: Callable[[User], bool] | None = None,
) -> SignInAttempt:
    """The sign-in both forms share (/login, /portal/login): the throttle per address and per
    login, the password work on its executor, the old session revoked."""
    throttle = request.app.state.login_throttle
    address = client_address(request)
    wait = throttle.begin(address, login_name)
    if wait:
        await throttle.pause_refusal(wait)
        return SignInAttempt("throttled", wait=wait)
    factory = request.app.state.session_factory
    old_cookie = request.cookies.get(auth.SESSION_COOKIE)
    try:
        signed_in = await run_password_work(
            request, lambda: _sign_in(factory, login_name, password, old_cookie, admit)
        )
    except BaseException:
        throttle.failed(address, login_name)
        raise
    if signed_in is None:
        throttle.failed(address, login_name)
        return SignInAttempt("bad_credentials")
    throttle.succeeded(address, login_name)
    return SignInAttempt("refused" if signed_in.refused else "signed_in", signed_in)


@public_router.post("/login")
async def login(request: Request) -> Response:
    values = await form_values(request)
    form = {"login": (values.get("login") or "")[:100], "next": safe_next(values.get("next"))}
    lang = request_lang(request)
    if not form_csrf_matches(request, values):
        errors = {"_": translate("auth.login_expired", lang)}
        return _login_page(request, form, errors, 403)
    login_name = (values.get("login") or "").strip()
    password = values.get("password") or ""
    errors: dict[str, str] = {}
    if not login_name:
        errors["login"] = translate("input.missing", lang)
    if not password:
        errors["password"] = translate("input.missing", lang)
    if errors:
        return _login_page(request, form, errors, 422)
    attempt = await password_sign_in(request, login_name, password)
    if attempt.status == "throttled":
        errors = {"_": throttled_message(lang, attempt.wait)}
        response = _login_page(request, form, errors, 429)
        response.headers["Retry-After"] = str(attempt.wait)
        return response
    signed_in = attempt.signed_in
    if signed_in is None:
        errors = {"password": translate("auth.bad_credentials", lang)}
        return _login_page(request, form, errors, 401)
    target = form["next"]
    if signed_in.role == CUSTOMER_ROLE:
        # A portal user who signed in here: the operator pages would only send them away.
        target = "/portal"
        if signed_in.must_change_password and not demo_mode(request):
            target = "/portal/account/password?next=/portal"
    elif signed_in.must_change_password and not demo_mode(request):
        target = password_change_url(target)
    response = redirect(target)
    set_session_cookie(request, response, signed_in.token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


def password_change_url(target: str) -> str:
    target = safe_next(target)
    path = "/account/password"
    return path if target == "/" else f"{path}?next={quote(target, safe='/')}"


async def sign_out(request: Request, session: Session, then: str) -> Response:
    """End the browser session (its CSRF token must come along) and go to `then`."""
    cookie = request.cookies.get(auth.SESSION_COOKIE)
    found = auth.lookup_session(session, cookie)
    if found is not None:
        user_session, _ = found
        values = await form_values(request)
        supplied = request.headers.get(auth.CSRF_HEADER) or values.get(auth.CSRF_FORM_FIELD)
        if not auth.csrf_matches(user_session, supplied):
            raise auth.Forbidden("csrf", "The CSRF check failed; you are still signed in.")
        auth.revoke_session(session, cookie)
        session.commit()
    response = redirect(then)
    response.delete_cookie(auth.SESSION_COOKIE, path="/")
    return response


@public_router.post("/logout")
async def logout(request: Request, session: SessionDep) -> Response:
    return await sign_out(request, session, "/login")


# User administration (administrators)


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL")
    return value


Password = Annotated[
    # The length rule is auth.check_new_password's, whose message names the minimum.
    str,
    Field(min_length=1, max_length=200),
    AfterValidator(_no_nul),
]
Login = Annotated[
    str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")
]


class UserCreateForm(FormModel):
    login: Login
    full_name: text(200)
    email: text(200) | None = None
    role: Literal["operator", "manager", "administrator"]
    password: Password


PLACEMENT_FIELDS = ("department_id", "supervisor_id")


class PlacementForm(FormModel):
    department_id: int | None = Field(default=None, gt=0, le=2**31 - 1)
    supervisor_id: int | None = Field(default=None, gt=0, le=2**31 - 1)


class PasswordForm(FormModel):
    password: Password


class TokenForm(FormModel):
    name: text(100)
    user_id: int | None = Field(default=None, gt=0, le=2**31 - 1)
    expires_days: int | None = Field(default=None, ge=1, le=3650)


def _users_page(
    request: Request,
    session: Session,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    users = list(
        session.scalars(
            select(User)
            .where(User.deleted_at.is_(None), User.role != CUSTOMER_ROLE)
            .order_by(User.login)
        )
    )
    return render(
        request,
        "auth/users.html",
        {
            "users": users,
            # Подразделение and Руководитель of each operator, editable in place.
            "department_options": sorted(
                classifiers.department_paths(session, live_only=True).items(),
                key=lambda item: item[1],
            ),
            "supervisor_options": sorted(
                ((u.id, u.full_name) for u in users if u.role != CUSTOMER_ROLE and u.is_active),
                key=lambda item: item[1],
            ),
            # Customers' contact persons (issue 19), listed apart with their partner.
            "portal_users": portal_users(session),
            "roles": auth.ROLES,
            "form": form or {"role": "operator"},
            "errors": errors or {},
        },
        status_code=status_code,
    )


@router.get("/admin/users")
def user_list(request: Request, session: SessionDep, _: AdminUser) -> Response:
    return _users_page(request, session)


@router.post("/admin/users")
async def user_create(request: Request, session: SessionDep, _: AdminUser) -> Response:
    values = await form_values(request)
    shown = {key: value for key, value in values.items() if key != "password"}
    try:
        form = UserCreateForm.model_validate(values)
    except ValidationError as exc:
        return _users_page(request, session, shown, form_errors(exc, request_lang(request)), 422)
    try:
        auth.check_new_password(form.password, form.login)
    except auth.PasswordRejected as rejected:
        errors = {"password": password_message(request_lang(request), rejected)}
        return _users_page(request, session, shown, errors, 422)
    if session.scalars(select(User.id).where(User.login == form.login)).first() is not None:
        errors = {"login": translate("auth.login_taken", request_lang(request))}
        return _users_page(request, session, shown, errors, 409)
    user = User(login=form.login, full_name=form.full_name, email=form.email, role=form.role)
    auth.set_password(user, form.password)
    session.add(user)
    session.commit()
    return redirect("/admin/users")


@router.post("/admin/users/{user_id}/deactivate")
def user_deactivate(
    request: Request, session: SessionDep, admin: AdminUser, user_id: IdPath
) -> Response:
    user = get_or_404(session, User, user_id)
    if user.id == admin.id:
        raise auth.Forbidden("auth.self_deactivate", "You cannot deactivate yourself.")
    user.is_active = False
    auth.revoke_user_credentials(session, user.id)
    session.commit()
    return redirect("/admin/users")


@router.post("/admin/users/{user_id}/activate")
def user_activate(request: Request, session: SessionDep, _: AdminUser, user_id: IdPath) -> Response:
    user = get_or_404(session, User, user_id)
    user.is_active = True
    session.commit()
    return redirect("/admin/users")


@router.post("/admin/users/{user_id}/placement")
async def user_placement(
    request: Request, session: SessionDep, _: AdminUser, user_id: IdPath
) -> Response:
    user = get_or_404(session, User, user_id)
    values = await form_values(request)
    try:
        form = PlacementForm.model_validate(
            {key: value or None for key, value in values.items() if key in PLACEMENT_FIELDS}
        )
    except ValidationError as exc:
        message = "; ".join(form_errors(exc, request_lang(request)).values())
        return _users_page(request, session, None, {f"placement-{user.id}": message}, 422)
    try:
        departments.place_user(session, user, form.department_id, form.supervisor_id)
        session.commit()
    except DomainError as exc:
        session.rollback()
        message = domain_error_message(exc, request_lang(request))
        return _users_page(
            request, session, None, {f"placement-{user.id}": message}, exc.status_code
        )
    return redirect("/admin/users")


@router.post("/admin/users/{user_id}/password")
async def user_reset_password(
    request: Request, session: SessionDep, _: AdminUser, user_id: IdPath
) -> Response:
    user = get_or_404(session, User, user_id)
    values = await form_values(request)
    try:
        form = PasswordForm.model_validate(values)
    except ValidationError as exc:
        errors = {
            f"password-{user.id}": form_errors(exc, request_lang(request)).get("password", "")
        }
        return _users_page(request, session, None, errors, 422)
    try:
        auth.check_new_password(form.password, user.login)
    except auth.PasswordRejected as rejected:
        errors = {f"password-{user.id}": password_message(request_lang(request), rejected)}
        return _users_page(request, session, None, errors, 422)
    auth.set_password(user, form.password)
    auth.revoke_user_credentials(session, user.id)
    session.commit()
    return redirect("/admin/users")


# Own password: every signed-in user; the first stop after signing in with a seeded password


def password_message(lang: str, rejected: auth.PasswordRejected) -> str:
    return translate(
        f"password.{rejected.rule}", lang, default=str(rejected), min=auth.MIN_PASSWORD_LENGTH
    )


def _password_page(
    request: Request,
    form: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    user = request.state.user
    response = render(
        request,
        "auth/password.html",
        {
            "form": form,
            "errors": errors,
            "required": user.must_change_password and not demo_mode(request),
            "min_length": auth.MIN_PASSWORD_LENGTH,
        },
        status_code=status_code,
    )
    response.headers.update(headers or {})
    return response


class PasswordChangeOutcome:
    """What a password change came to: `changed`, `wrong_current`, or `rejected` (a policy
    rule broken, `rejection` says which)."""

    def __init__(self, status: str, rejection: auth.PasswordRejected | None = None) -> None:
        self.status = status
        self.rejection = rejection


def change_password_in_thread(
    factory: sessionmaker[Session],
    user_id: int,
    current: str,
    new: str,
    keep_session_id: int | None,
) -> PasswordChangeOutcome:
    """Verify the current password and store the new one (two hashes: the password executor's
    work). The user's other browser sessions are signed out; the one in use stays."""
    with factory() as session:
        user = session.get(User, user_id)
        if user is None:
            return PasswordChangeOutcome("wrong_current")
        try:
            changed = auth.change_own_password(session, user, current, new)
        except auth.PasswordRejected as rejected:
            return PasswordChangeOutcome("rejected", rejected)
        if not changed:
            return PasswordChangeOutcome("wrong_current")
        auth.revoke_user_sessions(session, user.id, keep_session_id=keep_session_id)
        session.commit()
        return PasswordChangeOutcome("changed")


async def change_own_password(
    request: Request, current: str, new: str
) -> tuple[PasswordChangeOutcome, int]:
    """Throttled like a sign-in (the current password is a guess too); returns the outcome and
    the seconds to wait (0 unless throttled)."""
    user: auth.SignedInUser = request.state.user
    throttle = request.app.state.login_throttle
    address = client_address(request)
    wait = throttle.begin(address, user.login)
    if wait:
        await throttle.pause_refusal(wait)
        return PasswordChangeOutcome("throttled"), wait
    grant = getattr(request.state, "user_session", None)
    factory = request.app.state.session_factory
    try:
        outcome = await run_password_work(
            request,
            lambda: change_password_in_thread(
                factory, user.id, current, new, grant.id if grant else None
            ),
        )
    except BaseException:
        throttle.failed(address, user.login)
        raise
    if outcome.status == "wrong_current":
        throttle.failed(address, user.login)
    else:
        throttle.succeeded(address, user.login)
    return outcome, 0


@router.get("/account/password")
def password_form(request: Request, next: str | None = None) -> Response:  # noqa: A002
    return _password_page(request, {"next": safe_next(next)}, {})


@router.post("/account/password")
async def password_change(request: Request) -> Response:
    values = await form_values(request)
    lang = request_lang(request)
    form = {"next": safe_next(values.get("next"))}
    current = values.get("current_password") or ""
    new = values.get("new_password") or ""
    errors: dict[str, str] = {}
    if not current:
        errors["current_password"] = translate("input.missing", lang)
    if not new:
        errors["new_password"] = translate("input.missing", lang)
    elif new != (values.get("new_password_again") or ""):
        errors["new_password_again"] = translate("password.mismatch", lang)
    if errors:
        return _password_page(request, form, errors, 422)
    outcome, wait = await change_own_password(request, current, new)
    if outcome.status == "throttled":
        errors = {"_": throttled_message(lang, wait)}
        return _password_page(request, form, errors, 429, {"Retry-After": str(wait)})
    if outcome.status == "wrong_current":
        errors = {"current_password": translate("password.wrong_current", lang)}
        return _password_page(request, form, errors, 403)
    if outcome.status == "rejected" and outcome.rejection is not None:
        errors = {"new_password": password_message(lang, outcome.rejection)}
        return _password_page(request, form, errors, 422)
    return redirect(form["next"])


# API tokens: administrators manage everyone's, others their own


def _tokens_page(
    request: Request,
    session: Session,
    user: auth.SignedInUser,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    new_token: str | None = None,
    status_code: int = 200,
) -> Response:
    is_admin = auth.role_at_least(user.role, "administrator")
    query = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if not is_admin:
        query = query.where(ApiToken.user_id == user.id)
    users = (
        session.scalars(select(User).where(User.role != CUSTOMER_ROLE).order_by(User.login)).all()
        if is_admin
        else [user]
    )
    return render(
        request,
        "auth/tokens.html",
        {
            "tokens": session.scalars(query.limit(500)).all(),
            "users": users,
            "user_names": {row.id: row.login for row in users},
            "is_admin": is_admin,
            "form": form or {"user_id": str(user.id)},
            "errors": errors or {},
            "new_token": new_token,
            "now": utc_now(),
        },
        status_code=status_code,
    )


@router.get("/admin/tokens")
def token_list(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    return _tokens_page(request, session, user)


@router.post("/admin/tokens")
async def token_create(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    values = await form_values(request)
    try:
        form = TokenForm.model_validate(values)
    except ValidationError as exc:
        errors = form_errors(exc, request_lang(request))
        return _tokens_page(request, session, user, form=values, errors=errors, status_code=422)
    owner_id = form.user_id or user.id
    if owner_id != user.id and not auth.role_at_least(user.role, "administrator"):
        raise auth.Forbidden("role_required", "Only an administrator creates tokens for others.")
    owner = session.get(User, owner_id)
    if owner is None or not owner.is_active:
        errors = {"user_id": translate("input.invalid", request_lang(request))}
        return _tokens_page(request, session, user, form=values, errors=errors, status_code=422)
    expires_at = utc_now() + dt.timedelta(days=form.expires_days) if form.expires_days else None
    token, _ = auth.create_api_token(session, owner, form.name, expires_at=expires_at)
    session.commit()
    # Shown once, on this response only; there is no way to see it again.
    response = _tokens_page(request, session, user, new_token=token, status_code=201)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/admin/tokens/{token_id}/revoke")
def token_revoke(
    request: Request, session: SessionDep, user: CurrentUser, token_id: IdPath
) -> Response:
    row = session.get(ApiToken, token_id)
    if row is None or (
        row.user_id != user.id and not auth.role_at_least(user.role, "administrator")
    ):
        # Someone else's token looks the same as a missing one.
        raise NotFound("token.not_found", "Token not found.")
    auth.revoke_api_token(session, row)
    session.commit()
    return redirect("/admin/tokens")
