"""Portal pages: signing in and out, accepting an invite, the password, the home page
(issue 19). Every query goes through the customer's PortalScope.

Sign-in is the operators' machinery (web/auth_pages.py: the form's double-submit CSRF cookie,
the throttle per address and per login, the password executor, the session cookie) with one
difference: an operator's right password opens no session here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from operational_app import auth
from operational_app.api.deps import SessionDep
from operational_app.db.models import (
    CUSTOMER_ROLE,
    Claim,
    ContactPerson,
    CustomerOrder,
    Partner,
    User,
)
from operational_app.domain.errors import DomainError, NotFound
from operational_app.i18n import translate
from operational_app.portal import invites
from operational_app.portal.deps import CurrentCustomer
from operational_app.web import auth_pages
from operational_app.web.common import form_values, redirect, render, request_lang

router = APIRouter(prefix="/portal", include_in_schema=False)
# Pages a visitor reaches before signing in (sign-in, accepting an invite): no customer needed.
public_router = APIRouter(prefix="/portal", include_in_schema=False)

HOME = "/portal"
LOGIN_PATH = "/portal/login"
INVITE_COOKIE_PATH = "/portal/invite"
# Orders the customer waits for (not drafts, not finished) and claims still being handled.
ORDERS_IN_WORK = ("on_approval", "approved", "to_ship", "shipped")
OPEN_CLAIMS = ("registered", "in_work")
TOKEN_PATH = Path(min_length=1, max_length=auth.MAX_TOKEN_LENGTH, pattern=r"^[A-Za-z0-9_-]+$")


def portal_safe_next(target: str | None) -> str:
    """A portal page to go to after signing in, never the sign-in itself nor another site."""
    target = auth_pages.safe_next(target)
    if target != HOME and not target.startswith(HOME + "/"):
        return HOME
    if target.startswith((LOGIN_PATH, "/portal/logout", INVITE_COOKIE_PATH)):
        return HOME
    return target


def portal_login_url(target: str) -> str:
    target = portal_safe_next(target)
    return LOGIN_PATH if target == HOME else f"{LOGIN_PATH}?next={quote(target, safe='/')}"


def portal_password_change_url(target: str) -> str:
    return "/portal/account/password?next=" + quote(portal_safe_next(target), safe="/")


# Sign in and out


def _login_page(
    request: Request, form: dict[str, Any], errors: dict[str, str], status_code: int = 200
) -> Response:
    token = auth_pages.new_form_csrf(request)
    response = render(
        request, "portal/login.html", {"form": form, "errors": errors}, status_code=status_code
    )
    auth_pages.set_form_csrf_cookie(request, response, token, LOGIN_PATH)
    return response


def _customers_only(user: User) -> bool:
    return user.role == CUSTOMER_ROLE and user.partner_id is not None


@public_router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:  # noqa: A002 - the URL's name
    return _login_page(request, {"next": portal_safe_next(next)}, {})


@public_router.post("/login")
async def login(request: Request) -> Response:
    values = await form_values(request)
    form = {
        "login": (values.get("login") or "")[:100],
        "next": portal_safe_next(values.get("next")),
    }
    lang = request_lang(request)
    if not auth_pages.form_csrf_matches(request, values):
        return _login_page(request, form, {"_": translate("auth.login_expired", lang)}, 403)
    login_name = (values.get("login") or "").strip()
    password = values.get("password") or ""
    errors: dict[str, str] = {}
    if not login_name:
        errors["login"] = translate("input.missing", lang)
    if not password:
        errors["password"] = translate("input.missing", lang)
    if errors:
        return _login_page(request, form, errors, 422)
    attempt = await auth_pages.password_sign_in(
        request, login_name, password, admit=_customers_only
    )
    if attempt.status == "throttled":
        errors = {"_": auth_pages.throttled_message(lang, attempt.wait)}
        response = _login_page(request, form, errors, 429)
        response.headers["Retry-After"] = str(attempt.wait)
        return response
    if attempt.status == "refused":
        errors = {"_": translate("portal.login.operator_refused", lang)}
        return _login_page(request, form, errors, 403)
    signed_in = attempt.signed_in
    if signed_in is None:
        errors = {"password": translate("auth.bad_credentials", lang)}
        return _login_page(request, form, errors, 401)
    target = form["next"]
    if signed_in.must_change_password and not auth_pages.demo_mode(request):
        target = portal_password_change_url(target)
    response = redirect(target)
    auth_pages.set_session_cookie(request, response, signed_in.token)
    response.delete_cookie(auth_pages.LOGIN_CSRF_COOKIE, path=LOGIN_PATH)
    return response


@public_router.post("/logout")
async def logout(request: Request, session: SessionDep) -> Response:
    return await auth_pages.sign_out(request, session, LOGIN_PATH)


# Accepting an invite: choose a login and a password, then signed in


def _invite_page(
    request: Request,
    token: str,
    form: dict[str, Any],
    errors: dict[str, str],
    *,
    contact_name: str | None,
    status_code: int = 200,
) -> Response:
    csrf = auth_pages.new_form_csrf(request)
    response = render(
        request,
        "portal/invite.html",
        {
            "token": token,
            "form": form,
            "errors": errors,
            "contact_name": contact_name,
            "min_length": auth.MIN_PASSWORD_LENGTH,
        },
        status_code=status_code,
    )
    auth_pages.set_form_csrf_cookie(request, response, csrf, INVITE_COOKIE_PATH)
    # The token is in the address: keep the page out of caches and other sites' referrers.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _invalid_invite(request: Request) -> Response:
    response = render(
        request,
        "portal/invite_invalid.html",
        {"message": translate("portal.invite.invalid", request_lang(request))},
        status_code=404,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _invite_contact_name(session: Session, token: str) -> str | None:
    invite = invites.find_invite(session, token)
    contact = session.get(ContactPerson, invite.contact_person_id)
    return contact.full_name if contact else None


@public_router.get("/invite/{token}")
def invite_form(request: Request, session: SessionDep, token: str = TOKEN_PATH) -> Response:
    try:
        name = _invite_contact_name(session, token)
    except NotFound:
        return _invalid_invite(request)
    return _invite_page(request, token, {}, {}, contact_name=name)


def _accept_in_thread(
    factory: sessionmaker[Session],
    token: str,
    login_name: str,
    password: str,
    old_cookie: str | None,
) -> str:
    """Create the account and its first session in one transaction (password hashing: the
    password executor's work); returns the session cookie. A session the browser had (someone
    else's) ends."""
    with factory() as session:
        accepted = invites.accept_invite(session, token, login_name, password)
        auth.revoke_session(session, old_cookie)
        cookie = auth.create_session(session, accepted.user)
        session.commit()
        return cookie


@public_router.post("/invite/{token}")
async def invite_accept(request: Request, session: SessionDep, token: str = TOKEN_PATH) -> Response:
    values = await form_values(request)
    lang = request_lang(request)
    form = {"login": (values.get("login") or "")[:100]}
    try:
        name = _invite_contact_name(session, token)
    except NotFound:
        return _invalid_invite(request)
    finally:
        session.rollback()
    if not auth_pages.form_csrf_matches(request, values):
        errors = {"_": translate("auth.login_expired", lang)}
        return _invite_page(request, token, form, errors, contact_name=name, status_code=403)
    password = values.get("password") or ""
    errors: dict[str, str] = {}
    if not form["login"].strip():
        errors["login"] = translate("input.missing", lang)
    if not password:
        errors["password"] = translate("input.missing", lang)
    elif password != (values.get("password_again") or ""):
        errors["password_again"] = translate("password.mismatch", lang)
    if errors:
        return _invite_page(request, token, form, errors, contact_name=name, status_code=422)
    factory = request.app.state.session_factory
    old_cookie = request.cookies.get(auth.SESSION_COOKIE)
    try:
        cookie = await auth_pages.run_password_work(
            request,
            lambda: _accept_in_thread(factory, token, form["login"], password, old_cookie),
        )
    except invites.InviteInvalid:
        return _invalid_invite(request)
    except auth.PasswordRejected as rejected:
        errors = {"password": auth_pages.password_message(lang, rejected)}
        return _invite_page(request, token, form, errors, contact_name=name, status_code=422)
    except DomainError as exc:
        message = translate(f"rule.{exc.rule}", lang, default=exc.message, **exc.params)
        if exc.rule == "auth.login_taken":
            message = translate("auth.login_taken", lang)
        elif exc.rule == "invite.login_format":
            message = translate("portal.invite.login_format", lang)
        errors = {exc.field or "_": message}
        return _invite_page(
            request, token, form, errors, contact_name=name, status_code=exc.status_code
        )
    response = redirect(HOME)
    auth_pages.set_session_cookie(request, response, cookie)
    response.delete_cookie(auth_pages.LOGIN_CSRF_COOKIE, path=INVITE_COOKIE_PATH)
    return response


# The signed-in customer's pages


@router.get("")
def home(request: Request, session: SessionDep, customer: CurrentCustomer) -> Response:
    scope = customer.scope
    partner = scope.get(session, Partner, scope.partner_id)
    contact = None
    if scope.contact_person_id is not None:
        contact = session.scalars(
            scope.select(ContactPerson).where(ContactPerson.id == scope.contact_person_id)
        ).first()
    orders_in_work = session.scalar(
        scope.where(
            select(func.count())
            .select_from(CustomerOrder)
            .where(CustomerOrder.status.in_(ORDERS_IN_WORK)),
            CustomerOrder,
        )
    )
    open_claims = session.scalar(
        scope.where(
            select(func.count()).select_from(Claim).where(Claim.status.in_(OPEN_CLAIMS)),
            Claim,
        )
    )
    return render(
        request,
        "portal/home.html",
        {
            "partner": partner,
            "contact": contact,
            "orders_in_work": orders_in_work or 0,
            "open_claims": open_claims or 0,
        },
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
        "portal/password.html",
        {
            "form": form,
            "errors": errors,
            "required": user.must_change_password and not auth_pages.demo_mode(request),
            "min_length": auth.MIN_PASSWORD_LENGTH,
        },
        status_code=status_code,
    )
    response.headers.update(headers or {})
    return response


@router.get("/account/password")
def password_form(
    request: Request,
    _: CurrentCustomer,
    next: str | None = None,  # noqa: A002 - the URL's name
) -> Response:
    return _password_page(request, {"next": portal_safe_next(next)}, {})


@router.post("/account/password")
async def password_change(request: Request, _: CurrentCustomer) -> Response:
    values = await form_values(request)
    lang = request_lang(request)
    form = {"next": portal_safe_next(values.get("next"))}
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
    outcome, wait = await auth_pages.change_own_password(request, current, new)
    if outcome.status == "throttled":
        errors = {"_": auth_pages.throttled_message(lang, wait)}
        return _password_page(request, form, errors, 429, {"Retry-After": str(wait)})
    if outcome.status == "wrong_current":
        errors = {"current_password": translate("password.wrong_current", lang)}
        return _password_page(request, form, errors, 403)
    if outcome.status == "rejected" and outcome.rejection is not None:
        errors = {"new_password": auth_pages.password_message(lang, outcome.rejection)}
        return _password_page(request, form, errors, 422)
    return redirect(form["next"])
