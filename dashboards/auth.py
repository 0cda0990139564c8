"""Sign-in for the dashboards: the operational app's session, checked read-only (#16 item 8).

The app (CRM_APP_URL, port 8000 by default) and the dashboards (port 8501) share the host, and
cookies do not tell ports apart, so the browser sends the app's session cookie (`crm_session`,
HttpOnly) to the dashboards too. Streamlit hands it over in `st.context.cookies` (the cookies of
the request that opened the page's websocket); it is looked up with
`operational_app.auth.find_session`, the same rule and the same statement the app uses (digest
of the token, not revoked, not expired, active user), over a connection that cannot write:
SQLite opened `mode=ro` (a missing file is not created), PostgreSQL with
`default_transaction_read_only`. The dashboards never slide the session's expiry; using the app
does.

Who may look: managers and administrators (`MINIMUM_ROLE`). The pages show revenue, debt and
every manager's results, which operators, who enter records, do not need. Anyone else sees a
sign-in prompt linking to the app's /login, and `st.stop()` ends the run before navigation, so
no page, filter or query runs for them.

Known limit: the app's login only follows `next=` to its own paths (`safe_next`), so after
signing in the operator lands on the app's start page; the prompt says to come back here.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

import streamlit as st
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from crm.settings import get_settings
from dashboards.i18n import current_language
from operational_app.auth import SESSION_COOKIE, SignedInUser, find_session, role_at_least

MINIMUM_ROLE = "manager"
logger = logging.getLogger(__name__)

Reason = Literal["signed_in", "no_cookie", "no_session", "role", "unavailable"]


@dataclass(frozen=True)
class Verdict:
    """Whether the visitor may see the dashboards, and why not."""

    reason: Reason
    user: SignedInUser | None = None

    @property
    def allowed(self) -> bool:
        return self.reason == "signed_in"


@st.cache_resource(show_spinner=False)
def _read_only_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if not database or database == ":memory:":
            raise ValueError("the dashboards need the OLTP database in a file to check sign-in")
        return create_engine(
            f"sqlite:///file:{quote(database)}?mode=ro&uri=true",
            connect_args={"check_same_thread": False},
        )
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(
        parsed,
        pool_size=2,
        pool_pre_ping=True,
        connect_args={"options": "-c default_transaction_read_only=on"},
    )


def decide(
    oltp_url: str,
    token: str | None,
    *,
    now: dt.datetime | None = None,
    minimum_role: str = MINIMUM_ROLE,
) -> Verdict:
    """The verdict for a session cookie value: reads the OLTP database, never writes it."""
    if not token:
        return Verdict("no_cookie")
    try:
        with _read_only_engine(oltp_url).connect() as connection:
            if connection.dialect.name == "sqlite":
                connection.execute(text("pragma query_only = on"))
            found = find_session(connection, token, now=now)
            connection.rollback()
    except (SQLAlchemyError, ValueError) as error:
        # No OLTP database (yet), or it is unreachable: nobody can be recognised.
        logger.warning("dashboards sign-in check failed: %s", str(error).splitlines()[0])
        return Verdict("unavailable")
    if found is None:
        return Verdict("no_session")
    _, user = found
    if not role_at_least(user.role, minimum_role):
        return Verdict("role", user)
    return Verdict("signed_in", user)


def session_cookie() -> str | None:
    """The app's session cookie as the browser sent it with this page."""
    return st.context.cookies.get(SESSION_COOKIE)


def app_login_url(dashboards_url: str | None, app_url: str) -> str:
    """The app's /login (at `app_url`, CRM_APP_URL), with `next=` pointing back here."""
    page = dashboards_url or "http://127.0.0.1:8501/"
    return f"{app_url.rstrip('/')}/login?next={quote(page, safe='')}"


# key -> (ru, en); kept here so the sign-in gate does not depend on the pages' catalog.
_TEXT: dict[str, tuple[str, str]] = {
    "title": ("Вход в аналитику", "Sign in to the dashboards"),
    "no_cookie": (
        "Панели доступны после входа в программу CRM.",
        "The dashboards are available after signing in to the CRM app.",
    ),
    "no_session": (
        "Сеанс истёк или завершён. Войдите в программу CRM снова.",
        "Your session has expired or ended. Sign in to the CRM app again.",
    ),
    "role": (
        "Пользователю {login} (роль: {role}) панели недоступны: нужна роль менеджера или "
        "администратора.",
        "{login} (role: {role}) may not see the dashboards: they need the manager or "
        "administrator role.",
    ),
    "unavailable": (
        "Не удалось проверить вход: база данных программы CRM недоступна.",
        "Cannot check the sign-in: the CRM app's database is unavailable.",
    ),
    "sign_in": ("Войти", "Sign in"),
    "come_back": (
        "После входа вернитесь на эту страницу и обновите её.",
        "After signing in, come back to this page and reload it.",
    ),
}
_ROLE_NAMES = {"operator": "оператор", "manager": "менеджер", "administrator": "администратор"}


def _text(key: str, **values: str) -> str:
    russian, english = _TEXT[key]
    message = english if current_language() == "en" else russian
    return message.format(**values) if values else message


def show_sign_in_prompt(verdict: Verdict) -> None:
    st.title(_text("title"))
    if verdict.reason == "role" and verdict.user is not None:
        role = verdict.user.role
        role = role if current_language() == "en" else _ROLE_NAMES.get(role, role)
        st.warning(_text("role", login=verdict.user.login, role=role))
    else:
        st.info(_text(verdict.reason))
    login = app_login_url(st.context.url, get_settings().app_url)
    st.link_button(_text("sign_in"), login, type="primary")
    st.caption(_text("come_back"))


def require_dashboard_user() -> SignedInUser:
    """The signed-in viewer; for anyone else, the sign-in prompt and the end of this run."""
    verdict = decide(get_settings().oltp_url, session_cookie())
    if verdict.allowed and verdict.user is not None:
        return verdict.user
    show_sign_in_prompt(verdict)
    st.stop()
    raise AssertionError("st.stop() ends the run")  # for type checkers: never reached
