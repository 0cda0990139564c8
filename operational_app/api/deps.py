"""Request-scoped dependencies (`Annotated` aliases, as in the FastAPI template)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request, params
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from crm.settings import Settings
from operational_app import auth
from operational_app.api.schemas import MAX_ID
from operational_app.db.models import User


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; routes commit explicitly, closing rolls back anything else."""
    session: Session = request.app.state.session_factory()
    try:
        yield session
    finally:
        session.close()


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
IdPath = Annotated[int, Path(gt=0, le=MAX_ID)]
IdFilter = Annotated[int | None, Query(gt=0, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=2**31 - 1)]
SearchText = Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00]*$")]


# Authentication and roles. Every router is included with `dependencies=[Depends(current_user)]`
# (see api/main.py and main.py), so a route needs nothing to be protected; a route that needs a
# role adds `dependencies=[require_role("manager")]` or takes `user: CurrentUser`.

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_bearer = HTTPBearer(auto_error=False, description="An API token: `crm token create LOGIN`.")


def _authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """Bearer token first (integrations), else the session cookie (browsers)."""
    cached = getattr(request.state, "user", None)
    if cached is not None:
        return cached
    header = request.headers.get("authorization")
    with request.app.state.session_factory() as session:
        user_session = None
        if header is not None:
            token = credentials.credentials if credentials else None
            user = auth.authenticate_token(session, token)
            method = "token"
        else:
            found = auth.lookup_session(session, request.cookies.get(auth.SESSION_COOKIE))
            user_session, user = found if found else (None, None)
            method = "session"
        session.commit()
    if user is None:
        raise auth.NotAuthenticated(method)
    request.state.user = user
    request.state.auth_method = method
    request.state.csrf_token = user_session.csrf_token if user_session else None
    request.state.user_session = user_session
    return user


async def current_user(request: Request, user: Annotated[User, Depends(_authenticate)]) -> User:
    """The signed-in user; a state-changing request from a browser session must carry the
    session's CSRF token (form field `csrf_token` or header `X-CSRF-Token`)."""
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
    return user


CurrentUser = Annotated[User, Depends(current_user)]


class _RoleDependency(params.Depends):
    """`require_role("manager")`: usable as `dependencies=[require_role(...)]`,
    `Depends(require_role(...))` and `user: Annotated[User, require_role(...)]` alike."""

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

    def __call__(self, user: CurrentUser) -> User:
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


ManagerUser = Annotated[User, require_role("manager")]
AdminUser = Annotated[User, require_role("administrator")]
