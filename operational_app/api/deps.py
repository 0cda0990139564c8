"""Request-scoped dependencies (`Annotated` aliases, as in the FastAPI template)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Query, Request, params
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from crm.settings import Settings
from operational_app import auth
from operational_app.api.schemas import MAX_ID
from operational_app.db.models import utc_now


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request; routes commit explicitly, closing rolls back anything else.

    Async so FastAPI runs it on the event loop rather than twice through the thread pool:
    opening a session costs nothing and closing returns a connection to the pool.
    """
    session: Session = request.app.state.session_factory()
    try:
        yield session
    finally:
        session.close()


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
IdPath = Annotated[int, Path(gt=0, le=MAX_ID, description="The record's id.")]
IdFilter = Annotated[int | None, Query(gt=0, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=500, description="Rows per page (1–500).")]
Offset = Annotated[int, Query(ge=0, le=2**31 - 1, description="Rows to skip before the page.")]
SearchText = Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00]*$")]

HOT_WRITERS_POSTGRES = 2
ResultT = TypeVar("ResultT")


async def run_write(
    request: Request, work: Callable[[Session], ResultT], *, atomic_statements: bool = False
) -> ResultT:
    """Run `work(session)` on the app's write executor and commit; the session is closed there.

    For the busiest write routes (a deal's stage change). FastAPI would run a sync route in its
    40-thread pool, where twenty concurrent requests spend their time handing the GIL and
    SQLite's write lock to each other; a dedicated thread (one for SQLite, a few for
    PostgreSQL) raised the throughput of bench/bench_api.py by half and keeps the event loop
    free.

    `atomic_statements=True` promises that each of `work`'s statements is atomic on its own and
    that it guards what it read by a version check in the write: on PostgreSQL the session then
    runs in autocommit, which spares the BEGIN and COMMIT round trips.
    """
    factory = (
        request.app.state.autocommit_session_factory
        if atomic_statements
        else request.app.state.session_factory
    )

    def in_session() -> ResultT:
        with factory() as session:
            result = work(session)
            session.commit()
            return result

    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(request.app.state.write_executor, in_session)


# Authentication and roles. Every router is included with `dependencies=[Depends(current_user)]`
# (see api/main.py and main.py), so a route needs nothing to be protected; a route that needs a
# role adds `dependencies=[require_role("manager")]` or takes `user: CurrentUser`.

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_bearer = HTTPBearer(auto_error=False, description="An API token: `crm token create LOGIN`.")


async def _authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> auth.SignedInUser:
    """Bearer token first (integrations), else the session cookie (browsers).

    The lookup is one prepared join that returns plain columns and runs on the event loop (a
    thread-pool round trip cost more than the query); the occasional bookkeeping write (a
    token's last use, a session's sliding expiry) may wait for SQLite's write lock, so it goes
    to the thread pool.
    """
    cached = getattr(request.state, "user", None)
    if cached is not None:
        return cached
    factory = request.app.state.session_factory
    header = request.headers.get("authorization")
    now = utc_now()
    user_session = api_token = None
    with request.app.state.lookup_engine.connect() as connection:
        if header is not None:
            token = credentials.credentials if credentials else None
            found_token = auth.find_api_token(connection, token, now=now)
            api_token, user = found_token if found_token else (None, None)
            method = "token"
        else:
            cookie = request.cookies.get(auth.SESSION_COOKIE)
            found_session = auth.find_session(connection, cookie, now=now)
            user_session, user = found_session if found_session else (None, None)
            method = "session"
    if user is None:
        raise auth.NotAuthenticated(method)
    if api_token is not None and auth.token_use_due(api_token, now=now):
        await run_in_threadpool(_write_activity, factory, auth.record_token_use, api_token, now)
    if user_session is not None and auth.session_expiry_due(user_session, now=now):
        await run_in_threadpool(
            _write_activity, factory, auth.slide_session_expiry, user_session, now
        )
    request.state.user = user
    request.state.auth_method = method
    request.state.csrf_token = user_session.csrf_token if user_session else None
    request.state.user_session = user_session
    return user


def _write_activity(
    factory: sessionmaker[Session],
    record: Callable[..., None],
    row: auth.TokenGrant | auth.SessionGrant,
    now: dt.datetime,
) -> None:
    with factory() as session:
        record(session, row, now=now)
        session.commit()


# Where a user who must change a seeded password may still go (the change itself, signing out).
PASSWORD_CHANGE_PATHS = frozenset({"/account/password", "/api/v1/account/password", "/logout"})


async def current_user(
    request: Request, user: Annotated[auth.SignedInUser, Depends(_authenticate)]
) -> auth.SignedInUser:
    """The signed-in user; a state-changing request from a browser session must carry the
    session's CSRF token (form field `csrf_token` or header `X-CSRF-Token`). A user signed in
    with a seeded password reaches nothing but the password change (outside demo mode)."""
    if user.is_customer:
        # The one gate between portal users and everything operators use (pages and /api/v1).
        raise auth.OperatorsOnly()
    if (
        user.must_change_password
        and request.url.path not in PASSWORD_CHANGE_PATHS
        and not request.app.state.settings.demo_mode
    ):
        raise auth.PasswordChangeRequired()
    await check_csrf(request)
    return user


async def check_csrf(request: Request) -> None:
    """A state-changing request of a browser session must carry the session's CSRF token."""
    if request.method not in SAFE_METHODS and request.state.auth_method == "session":
        supplied = request.headers.get(auth.CSRF_HEADER)
        if supplied is None:
            content_type = request.headers.get("content-type", "")
            if content_type.startswith(("application/x-www-form-urlencoded", "multipart/")):
                value = (await request.form()).get(auth.CSRF_FORM_FIELD)
                supplied = value if isinstance(value, str) else None
        if not auth.csrf_matches(request.state.user_session, supplied):
            raise auth.Forbidden(
                "csrf",
                "The form is outdated or did not come from this application (CSRF check "
                "failed); nothing was saved. Reload the page and try again.",
            )


CurrentUser = Annotated[auth.SignedInUser, Depends(current_user)]


class _RoleDependency(params.Depends):
    """`require_role("manager")`: usable as `dependencies=[require_role(...)]`,
    `Depends(require_role(...))` and `user: Annotated[SignedInUser, require_role(...)]` alike."""

    __hash__ = object.__hash__

    def __init__(self, role: str) -> None:
        auth.role_at_least(None, role)  # fails early on a misspelt role
        super().__init__(dependency=None)
        object.__setattr__(self, "role", role)
        object.__setattr__(self, "dependency", self)

    def __eq__(self, other: object) -> bool:
        return self is other

    def __repr__(self) -> str:
        return f"require_role({self.role!r})"

    async def __call__(self, user: CurrentUser) -> auth.SignedInUser:
        if not auth.role_at_least(user.role, self.role):
            raise auth.Forbidden(
                "role_required",
                f"This action needs the {self.role} role (yours is {user.role}).",
                params={"role": self.role, "current": user.role},
            )
        return user


def require_role(role: str) -> Any:
    """A dependency that returns the current user if their role is `role` or higher, else 403."""
    return _RoleDependency(role)


ManagerUser = Annotated[auth.SignedInUser, require_role("manager")]
AdminUser = Annotated[auth.SignedInUser, require_role("administrator")]
