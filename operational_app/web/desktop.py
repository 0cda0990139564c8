"""Рабочий стол менеджера: the signed-in manager's day (domain.desktop); an administrator picks
any operator's desktop with `?manager_id=`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from operational_app.api.deps import CurrentUser, SessionDep
from operational_app.db.models import CUSTOMER_ROLE, Partner, SalesStage, User, utc_now
from operational_app.domain import queries
from operational_app.domain.desktop import manager_desktop
from operational_app.web.common import int_or_none, names_by_id, render

router = APIRouter(include_in_schema=False)


@router.get("/desktop")
def desktop(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    is_executive = user.role == "administrator"
    operators = [u for u in queries.users(session) if u.role != CUSTOMER_ROLE]
    manager_id = user.id
    wanted = int_or_none(request.query_params.get("manager_id"))
    if is_executive and wanted in {u.id for u in operators}:
        manager_id = wanted
    manager = session.get(User, manager_id)
    return render(
        request,
        "desktop.html",
        {
            "manager": manager,
            "is_executive": is_executive,
            "operators": operators,
            "work": manager_desktop(session, manager_id, utc_now()),
            "partner_names": names_by_id(session, Partner),
            "stage_names": names_by_id(session, SalesStage),
        },
    )
