"""The home page: the signed-in person's desk."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.api.deps import CurrentUser, SessionDep
from operational_app.db.models import (
    Claim,
    Deal,
    Interaction,
    Partner,
    SalesStage,
    utc_now,
)
from operational_app.web.common import (
    names_by_id,
    render,
)

router = APIRouter(include_in_schema=False)


HOME_LIMIT = 10


def my_work(session: Session, user_id: int, now: dt.datetime) -> dict[str, Any]:
    """The signed-in person's desk: their planned interactions already past due (oldest first),
    their deals in progress and their claims not yet resolved (newest first), with totals.

    `now` is naive UTC, passed in so that what counts as overdue never depends on the wall clock
    inside the query (tests give a fixed moment)."""
    overdue = (
        select(Interaction)
        .where(
            Interaction.deleted_at.is_(None),
            Interaction.status == "planned",
            Interaction.responsible_id == user_id,
            Interaction.planned_at < now,
        )
        .order_by(Interaction.planned_at, Interaction.id)
    )
    deals = (
        select(Deal)
        .where(Deal.deleted_at.is_(None), Deal.status == "in_progress", Deal.manager_id == user_id)
        .order_by(Deal.created_at.desc(), Deal.id.desc())
    )
    claims = (
        select(Claim)
        .where(
            Claim.deleted_at.is_(None),
            Claim.status.in_(("registered", "in_work")),
            Claim.responsible_id == user_id,
        )
        .order_by(Claim.registered_at.desc(), Claim.id.desc())
    )

    def block(query: Any) -> dict[str, Any]:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        return {"rows": list(session.scalars(query.limit(HOME_LIMIT))), "total": total}

    return {"overdue": block(overdue), "deals": block(deals), "claims": block(claims)}


@router.get("/")
def home(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    work = my_work(session, user.id, utc_now())
    return render(
        request,
        "home.html",
        {
            "user": user,
            "work": work,
            "partner_names": names_by_id(session, Partner),
            "stage_names": names_by_id(session, SalesStage),
        },
    )
