"""Request-scoped dependencies (`Annotated` aliases, as in the FastAPI template)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from sqlalchemy.orm import Session

from crm.settings import Settings
from operational_app.api.schemas import MAX_ID


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
