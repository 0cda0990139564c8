"""Планы продаж: the plan list with filters, entry form and per-row changes (issue 26).

Managers and administrators enter plans; the rules live in `domain.sales_plans`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from operational_app.api.deps import IdPath, SessionDep, require_role
from operational_app.api.schemas_plans import SalesPlanCreate, SalesPlanUpdate
from operational_app.db.models import CUSTOMER_ROLE, SalesPlan
from operational_app.domain import queries
from operational_app.domain import sales_plans as service
from operational_app.domain.errors import DomainError, NotFound
from operational_app.web.common import (
    PAGE_SIZE,
    failure_errors,
    form_values,
    int_or_none,
    page_offset,
    parse_form,
    redirect,
    render,
    request_lang,
)

router = APIRouter(include_in_schema=False, dependencies=[require_role("manager")])
_MONTH = re.compile(r"^\d{4}-\d{2}$")


def _month(value: str | None) -> dt.date | None:
    """A month input ("2026-03") or a date as the month's first day; junk means none."""
    value = (value or "").strip()
    if _MONTH.match(value):
        value += "-01"
    try:
        return dt.date.fromisoformat(value).replace(day=1)
    except ValueError:
        return None


def _form_input(values: dict[str, str], *, partial: bool = False) -> dict[str, str]:
    """The form's values with the month input ("2026-03") as a date; a partial form (a row's
    change) may leave the month out."""
    values = dict(values)
    if partial and "period_month" not in values:
        return values
    month = _month(values.get("period_month"))
    values["period_month"] = month.isoformat() if month else values.get("period_month", "")
    return values


def _list_page(
    request: Request,
    session: Session,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    params = request.query_params
    filters = {
        "month": _month(params.get("month")),
        "manager_id": int_or_none(params.get("manager_id")),
        "business_region_id": int_or_none(params.get("business_region_id")),
        "deal_kind_id": int_or_none(params.get("deal_kind_id")),
        "include_deleted": params.get("include_deleted") == "1",
    }
    start = page_offset(params.get("offset"))
    page = service.list_plans(
        session,
        month_from=filters["month"],
        month_to=filters["month"],
        manager_id=filters["manager_id"],
        business_region_id=filters["business_region_id"],
        deal_kind_id=filters["deal_kind_id"],
        include_deleted=filters["include_deleted"],
        limit=PAGE_SIZE,
        offset=start,
    )
    managers = [u for u in queries.users(session) if u.role != CUSTOMER_ROLE]
    regions = queries.business_regions(session)
    kinds = queries.deal_kinds(session)
    return render(
        request,
        "sales_plans/list.html",
        {
            "page": page,
            "filters": filters,
            "offset": start,
            "page_size": PAGE_SIZE,
            "form": form or {},
            "errors": errors or {},
            "managers": managers,
            "regions": regions,
            "kinds": kinds,
            "manager_names": {u.id: u.full_name for u in managers},
            "region_names": {r.id: r.name for r in regions},
            "kind_names": {k.id: k.name for k in kinds},
        },
        status_code=status_code,
    )


@router.get("/sales-plans")
def plan_list(request: Request, session: SessionDep) -> Response:
    return _list_page(request, session)


@router.post("/sales-plans")
async def plan_create(request: Request, session: SessionDep) -> Response:
    values = await form_values(request)
    lang = request_lang(request)
    parsed = parse_form(SalesPlanCreate, _form_input(values), lang)
    if isinstance(parsed, dict):
        return _list_page(request, session, form=values, errors=parsed, status_code=422)
    try:
        service.create_plan(session, parsed.model_dump())
        session.commit()
    except DomainError as exc:
        errors, code = failure_errors(session, exc, lang)
        return _list_page(request, session, form=values, errors=errors, status_code=code)
    return redirect(f"/sales-plans?month={parsed.period_month:%Y-%m}")


@router.post("/sales-plans/{plan_id}/{action}")
async def plan_action(
    request: Request, session: SessionDep, plan_id: IdPath, action: str
) -> Response:
    if action not in ("edit", "delete", "restore"):
        raise NotFound("action.unknown", f"Unknown sales plan action {action!r}.")
    plan = session.get(SalesPlan, plan_id)
    if plan is None:
        raise NotFound("sales_plans.not_found", f"Sales plan {plan_id} does not exist.")
    values = await form_values(request)
    version = int_or_none(values.get("version"))
    lang = request_lang(request)
    try:
        if action == "edit":
            # Every field of a plan changes here: month, manager, region, kind and figures.
            parsed = parse_form(SalesPlanUpdate, _form_input(values, partial=True), lang)
            if isinstance(parsed, dict):
                return _list_page(request, session, errors=parsed, status_code=422)
            service.update_plan(session, plan, parsed.changes(), expected_version=version)
        elif action == "delete":
            service.delete_plan(session, plan, expected_version=version)
        else:
            service.restore_plan(session, plan, expected_version=version)
        session.commit()
    except (DomainError, StaleDataError) as exc:
        errors, code = failure_errors(session, exc, lang)
        return _list_page(request, session, errors=errors, status_code=code)
    return redirect(f"/sales-plans?month={plan.period_month:%Y-%m}")
