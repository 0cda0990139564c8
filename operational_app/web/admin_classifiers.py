"""Классификаторы: the administrator's pages under /admin/classifiers (no JavaScript).

The whole area needs the administrator role (the router is included with
`require_role("administrator")`); the rules live in `domain.classifiers`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from operational_app.api.deps import IdPath, SessionDep, require_role
from operational_app.api.engagement_schemas import CLASSIFIER_SCHEMAS
from operational_app.db.models import (
    CUSTOMER_ROLE,
    MARKETING_EVENT_KINDS,
    BusinessRegion,
    ClaimReason,
    DealKind,
    Department,
    User,
)
from operational_app.domain import classifiers as service
from operational_app.domain import queries
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
    text_filter,
)
from operational_app.web.stale import is_stale, stale_changes

router = APIRouter(include_in_schema=False, dependencies=[require_role("administrator")])

# Form fields per classifier: (name, input type). Labels come from i18n "classifier.field.*".
FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "deal-kinds": (("name", "text"), ("has_stages", "checkbox")),
    "sales-stages": (("deal_kind_id", "deal_kind"), ("name", "text"), ("sequence", "number")),
    "partner-roles": (("name", "text"),),
    "contact-roles": (("name", "text"),),
    "loss-reasons": (("name", "text"),),
    "return-reasons": (("name", "text"),),
    "claim-reasons": (("name", "text"), ("parent_id", "claim_reason")),
    "interaction-topics": (("name", "text"),),
    "business-regions": (("name", "text"), ("code", "text")),
    "marketing-events": (
        ("name", "text"),
        ("kind", "event_kind"),
        ("starts_on", "date"),
        ("ends_on", "date"),
        ("cost", "number"),
    ),
    "departments": (
        ("name", "text"),
        ("parent_id", "department"),
        ("head_user_id", "user"),
        ("business_region_id", "business_region"),
        ("is_regional_office", "checkbox"),
    ),
}


def _form_input(key: str, values: dict[str, str]) -> dict[str, str]:
    values = dict(values)
    for field, kind in FIELDS[key]:
        if kind == "checkbox":
            values[field] = "true" if values.get(field) else "false"
    return values


def _context(session: Session, key: str) -> dict[str, Any]:
    departments = key == "departments"
    return {
        "key": key,
        "keys": list(service.SPECS),
        "fields": FIELDS[key],
        "deal_kinds": queries.deal_kinds(session),
        "staged_kinds": [k for k in queries.deal_kinds(session) if k.has_stages],
        "reason_paths": service.claim_reason_paths(session),
        "claim_reasons": queries.live(session, ClaimReason, ClaimReason.name),
        "kind_names": {k.id: k.name for k in session.query(DealKind)},
        "event_kinds": MARKETING_EVENT_KINDS,
        # Departments (Подразделения): their tree, heads and business regions.
        "department_paths": service.department_paths(session) if departments else {},
        "departments": queries.live(session, Department, Department.name) if departments else [],
        "operators": [u for u in queries.users(session) if u.role != CUSTOMER_ROLE]
        if departments
        else [],
        "regions": queries.business_regions(session) if departments else [],
        "user_names": {u.id: u.full_name for u in session.query(User)} if departments else {},
        "region_names": {r.id: r.name for r in session.query(BusinessRegion)}
        if departments
        else {},
    }


def _list_page(
    request: Request,
    session: Session,
    key: str,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    params = request.query_params
    filters = {
        "q": text_filter(params.get("q")),
        "include_deleted": params.get("include_deleted") == "1",
        "deal_kind_id": int_or_none(params.get("deal_kind_id")),
    }
    start = page_offset(params.get("offset"))
    page = service.list_entries(
        session,
        key,
        q=filters["q"] or None,
        include_deleted=filters["include_deleted"],
        deal_kind_id=filters["deal_kind_id"],
        limit=PAGE_SIZE,
        offset=start,
    )
    return render(
        request,
        "classifiers/list.html",
        {
            "page": page,
            "filters": filters,
            "offset": start,
            "page_size": PAGE_SIZE,
            "form": form or {"deal_kind_id": filters["deal_kind_id"] or "", "has_stages": "1"},
            "errors": errors or {},
            **_context(session, key),
        },
        status_code=status_code,
    )


def _edit_page(
    request: Request,
    session: Session,
    key: str,
    entry: Any,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    changes: list | None = None,
    status_code: int = 200,
) -> Response:
    if form is None:
        form = {}
        for field, kind in FIELDS[key]:
            value = getattr(entry, field)
            form[field] = ("1" if value else "") if kind == "checkbox" else (value or "")
    return render(
        request,
        "classifiers/edit.html",
        {
            "entry": entry,
            "form": form,
            "errors": errors or {},
            "changes": changes or [],
            **_context(session, key),
        },
        status_code=status_code,
    )


@router.get("/admin/classifiers")
def classifier_index(request: Request) -> Response:
    return render(request, "classifiers/index.html", {"keys": list(service.SPECS)})


@router.get("/admin/classifiers/{key}")
def classifier_list(request: Request, session: SessionDep, key: str) -> Response:
    service.spec_for(key)
    return _list_page(request, session, key)


@router.post("/admin/classifiers/{key}")
async def classifier_create(request: Request, session: SessionDep, key: str) -> Response:
    service.spec_for(key)
    values = await form_values(request)
    create_schema = CLASSIFIER_SCHEMAS[key][0]
    parsed = parse_form(create_schema, _form_input(key, values), request_lang(request))
    if isinstance(parsed, dict):
        return _list_page(request, session, key, form=values, errors=parsed, status_code=422)
    try:
        entry = service.create_entry(session, key, parsed.model_dump())
        session.commit()
    except DomainError as exc:
        errors, code = failure_errors(session, exc, request_lang(request))
        return _list_page(request, session, key, form=values, errors=errors, status_code=code)
    suffix = f"?deal_kind_id={entry.deal_kind_id}" if key == "sales-stages" else ""
    return redirect(f"/admin/classifiers/{key}{suffix}")


@router.get("/admin/classifiers/{key}/{entry_id}")
def classifier_edit(request: Request, session: SessionDep, key: str, entry_id: IdPath) -> Response:
    entry = service.get_entry(session, key, entry_id, include_deleted=True)
    return _edit_page(request, session, key, entry)


@router.post("/admin/classifiers/{key}/{entry_id}/{action}")
async def classifier_action(
    request: Request, session: SessionDep, key: str, entry_id: IdPath, action: str
) -> Response:
    if action not in ("edit", "delete", "restore", "up", "down"):
        raise NotFound("action.unknown", f"Unknown classifier action {action!r}.")
    entry = service.get_entry(session, key, entry_id, include_deleted=True)
    values = await form_values(request)
    version = int_or_none(values.get("version"))
    lang = request_lang(request)
    back = f"/admin/classifiers/{key}"
    if key == "sales-stages":
        back += f"?deal_kind_id={entry.deal_kind_id}"
    try:
        if action == "edit":
            create_schema = CLASSIFIER_SCHEMAS[key][0]
            data = _form_input(key, values)
            if key == "sales-stages":
                data["deal_kind_id"] = str(entry.deal_kind_id)
            parsed = parse_form(create_schema, data, lang)
            if isinstance(parsed, dict):
                return _edit_page(
                    request, session, key, entry, form=values, errors=parsed, status_code=422
                )
            changes = parsed.model_dump(exclude_unset=key == "sales-stages")
            service.update_entry(session, key, entry, changes, expected_version=version)
        elif action == "delete":
            service.delete_entry(session, key, entry, expected_version=version)
        elif action == "restore":
            service.restore_entry(session, key, entry, expected_version=version)
        else:
            if key != "sales-stages":
                raise NotFound("action.unknown", "Only sales stages are ordered.")
            service.move_stage(session, entry, action)
        session.commit()
    except (DomainError, StaleDataError) as exc:
        errors, code = failure_errors(session, exc, lang, fallback=action)
        fields = tuple(field for field, _ in FIELDS[key])
        changes = stale_changes(entry, values, fields) if is_stale(exc) and action == "edit" else []
        form = values if action == "edit" else None
        return _edit_page(
            request,
            session,
            key,
            entry,
            form=form,
            errors=errors,
            changes=changes,
            status_code=code,
        )
    return redirect(back)
