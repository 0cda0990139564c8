"""Претензии: list, entry form, the claim card with its actions and tasks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from operational_app.api.deps import CurrentUser, IdPath, SessionDep
from operational_app.api.engagement_schemas import (
    ClaimCreate,
)
from operational_app.db.models import (
    CLAIM_RESULTS,
    CLAIM_SOURCES,
    CLAIM_STATUSES,
    Claim,
    ClaimReason,
    ClaimTask,
    CustomerOrder,
    Shipment,
)
from operational_app.domain import claims as claim_service
from operational_app.domain import classifiers as classifier_service
from operational_app.domain import interactions as interaction_service
from operational_app.domain import queries
from operational_app.domain.common import get_or_404
from operational_app.domain.errors import DomainError, NotFound, ValidationFailed
from operational_app.web.common import (
    PAGE_SIZE,
    choice_or_blank,
    failure_errors,
    form_values,
    int_or_none,
    page_offset,
    parse_form,
    redirect,
    render,
    request_lang,
    sort_param,
    text_filter,
)
from operational_app.web.engagement import (
    lookup_names,
)
from operational_app.web.stale import is_stale, stale_changes

router = APIRouter(include_in_schema=False)


# --- Claims -----------------------------------------------------------------------------------

CLAIM_EDIT_FIELDS = (
    "claim_reason_id",
    "customer_order_id",
    "shipment_id",
    "claimed_amount",
    "description",
    "responsible_id",
)


def _normalise_amount(values: dict[str, str]) -> dict[str, str]:
    if values.get("claimed_amount"):
        amount = values["claimed_amount"]
        values = {
            **values,
            "claimed_amount": amount.replace("\u00a0", "").replace(" ", "").replace(",", "."),
        }
    return values


def _claim_choices(session: Session, partner_id: int | None) -> dict[str, Any]:
    orders = []
    shipments = []
    if partner_id is not None:
        orders = list(
            session.query(CustomerOrder)
            .filter(CustomerOrder.partner_id == partner_id, CustomerOrder.deleted_at.is_(None))
            .order_by(CustomerOrder.ordered_at.desc())
            .limit(300)
        )
        order_ids = [o.id for o in orders]
        shipments = list(
            session.query(Shipment)
            .filter(Shipment.customer_order_id.in_(order_ids), Shipment.deleted_at.is_(None))
            .order_by(Shipment.shipped_at.desc())
            .limit(300)
        )
    reasons = classifier_service.claim_reason_paths(session)
    live_reasons = queries.live(session, ClaimReason, ClaimReason.name)
    return {
        "partners": queries.partner_choices(session),
        "reason_options": sorted(((r.id, reasons[r.id]) for r in live_reasons), key=lambda o: o[1]),
        "users": queries.users(session),
        "orders": orders,
        "shipments": shipments,
        "sources": CLAIM_SOURCES,
        "statuses": CLAIM_STATUSES,
        "results": CLAIM_RESULTS,
        "names": lookup_names(session),
    }


def _claim_page(
    request: Request,
    session: Session,
    form: dict[str, Any],
    errors: dict[str, str],
    *,
    claim: Claim | None = None,
    changes: list | None = None,
    status_code: int = 200,
) -> Response:
    partner_id = claim.partner_id if claim else int_or_none(str(form.get("partner_id") or ""))
    context: dict[str, Any] = {
        "form": form,
        "errors": errors,
        "claim": claim,
        "changes": changes or [],
        **_claim_choices(session, partner_id),
    }
    if claim is not None:
        context["tasks"] = claim_service.claim_tasks(session, claim.id)
        context["open_tasks"] = claim_service.open_tasks(session, claim)
        context["interactions"] = interaction_service.list_interactions(
            session, claim_id=claim.id, limit=200
        ).items
    template = "claims/card.html" if claim is not None else "claims/form.html"
    return render(request, template, context, status_code=status_code)


def _claim_values(claim: Claim) -> dict[str, Any]:
    return {f: ("" if getattr(claim, f) is None else getattr(claim, f)) for f in CLAIM_EDIT_FIELDS}


@router.get("/claims")
def claim_list(
    request: Request,
    session: SessionDep,
    q: str | None = None,
    status: str | None = None,
    result: str | None = None,
    source: str | None = None,
    partner_id: str | None = None,
    claim_reason_id: str | None = None,
    responsible_id: str | None = None,
    sort: str | None = None,
    offset: str | None = None,
) -> Response:
    filters = {
        "q": text_filter(q),
        "status": choice_or_blank(status, CLAIM_STATUSES),
        "result": choice_or_blank(result, CLAIM_RESULTS),
        "source": choice_or_blank(source, CLAIM_SOURCES),
        "partner_id": int_or_none(partner_id),
        "claim_reason_id": int_or_none(claim_reason_id),
        "responsible_id": int_or_none(responsible_id),
        "sort": sort_param(sort),
    }
    start = page_offset(offset)
    page = claim_service.list_claims(
        session,
        q=filters["q"] or None,
        status=filters["status"] or None,
        result=filters["result"] or None,
        source=filters["source"] or None,
        partner_id=filters["partner_id"],
        claim_reason_id=filters["claim_reason_id"],
        responsible_id=filters["responsible_id"],
        sort=filters["sort"] or None,
        limit=PAGE_SIZE,
        offset=start,
    )
    return render(
        request,
        "claims/list.html",
        {
            "page": page,
            "filters": filters,
            "offset": start,
            "page_size": PAGE_SIZE,
            **_claim_choices(session, None),
        },
    )


@router.get("/claims/new")
def claim_new(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    partner_id: str | None = None,
    source: str | None = None,
    shipment_id: str | None = None,
) -> Response:
    form = {
        "partner_id": int_or_none(partner_id) or "",
        "source": choice_or_blank(source, CLAIM_SOURCES) or "claims_list",
        "shipment_id": int_or_none(shipment_id) or "",
        "responsible_id": user.id,
    }
    return _claim_page(request, session, form, {})


@router.post("/claims")
async def claim_create(request: Request, session: SessionDep) -> Response:
    values = await form_values(request)
    parsed = parse_form(ClaimCreate, _normalise_amount(values), request_lang(request))
    if isinstance(parsed, dict):
        return _claim_page(request, session, values, parsed, status_code=422)
    try:
        claim = claim_service.create_claim(session, **parsed.model_dump())
        session.commit()
    except DomainError as exc:
        errors, code = failure_errors(session, exc, request_lang(request))
        return _claim_page(request, session, values, errors, status_code=code)
    return redirect(f"/claims/{claim.id}")


@router.get("/claims/{claim_id}")
def claim_card(request: Request, session: SessionDep, claim_id: IdPath) -> Response:
    claim = get_or_404(session, Claim, claim_id)
    return _claim_page(request, session, _claim_values(claim), {}, claim=claim)


@router.post("/claims/{claim_id}/{action}")
async def claim_action(
    request: Request, session: SessionDep, user: CurrentUser, claim_id: IdPath, action: str
) -> Response:
    actions = ("edit", "take", "resolve", "reopen", "delete", "add_task")
    if action not in actions:
        raise NotFound("action.unknown", f"Unknown claim action {action!r}.")
    claim = get_or_404(session, Claim, claim_id)
    values = await form_values(request)
    version = int_or_none(values.get("version"))
    lang = request_lang(request)
    try:
        if action == "edit":
            typed = _normalise_amount({**values, "partner_id": str(claim.partner_id)})
            parsed = parse_form(ClaimCreate, typed, lang)
            if isinstance(parsed, dict):
                return _claim_page(request, session, values, parsed, claim=claim, status_code=422)
            claim_service.update_claim(
                session,
                claim,
                parsed.model_dump(include=set(CLAIM_EDIT_FIELDS)),
                expected_version=version,
            )
        elif action == "take":
            claim_service.take_into_work(session, claim, expected_version=version)
        elif action == "resolve":
            claim_service.resolve_claim(
                session,
                claim,
                values.get("result") or None,
                (values.get("resolution_comment") or "")[:4000] or None,
                force=values.get("force") == "1",
                actor_role=user.role,
                expected_version=version,
            )
        elif action == "reopen":
            claim_service.reopen_claim(
                session, claim, actor_role=user.role, expected_version=version
            )
        elif action == "delete":
            claim_service.delete_claim(session, claim, expected_version=version)
            session.commit()
            return redirect("/claims")
        else:
            title = (values.get("title") or "")[:300]
            due = (values.get("due_date") or "").strip()
            try:
                due_date = dt.date.fromisoformat(due) if due else None
            except ValueError:
                raise ValidationFailed(
                    "claim_task.due_date_format", "Enter a date.", field="due_date"
                ) from None
            claim_service.add_task(
                session,
                claim,
                title=title,
                due_date=due_date,
                responsible_id=int_or_none(values.get("task_responsible_id")),
            )
        session.commit()
    except (DomainError, StaleDataError) as exc:
        errors, code = failure_errors(session, exc, lang, fallback=action)
        if action == "add_task" and "title" in errors:
            errors["task_title"] = errors.pop("title")
        form = values if action == "edit" else {**_claim_values(claim), **values}
        changes = stale_changes(claim, values, CLAIM_EDIT_FIELDS) if is_stale(exc) else []
        return _claim_page(
            request, session, form, errors, claim=claim, changes=changes, status_code=code
        )
    return redirect(f"/claims/{claim.id}")


@router.post("/claims/{claim_id}/tasks/{task_id}/{action}")
async def claim_task_action(
    request: Request, session: SessionDep, claim_id: IdPath, task_id: IdPath, action: str
) -> Response:
    if action not in ("complete", "reopen", "delete"):
        raise NotFound("action.unknown", f"Unknown task action {action!r}.")
    claim = get_or_404(session, Claim, claim_id)
    task = get_or_404(session, ClaimTask, task_id)
    if task.claim_id != claim.id:
        raise NotFound("claim_tasks.not_found", "No such task on this claim.")
    values = await form_values(request)
    version = int_or_none(values.get("version"))
    try:
        service = {
            "complete": claim_service.complete_task,
            "reopen": claim_service.reopen_task,
            "delete": claim_service.delete_task,
        }[action]
        service(session, task, expected_version=version)
        session.commit()
    except (DomainError, StaleDataError) as exc:
        errors, code = failure_errors(session, exc, request_lang(request), fallback="tasks")
        return _claim_page(
            request, session, _claim_values(claim), errors, claim=claim, status_code=code
        )
    return redirect(f"/claims/{claim.id}#tasks")
