"""Соглашения с клиентами: list, entry form and card."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm.exc import StaleDataError

from operational_app.api.deps import IdPath, SessionDep
from operational_app.db.models import (
    AGREEMENT_KINDS,
    PRICE_TYPES,
    SETTLEMENT_CONTROLS,
    Agreement,
    Partner,
)
from operational_app.domain import agreements as agreement_service
from operational_app.domain import sales_queries
from operational_app.domain.common import get_or_404
from operational_app.domain.errors import DomainError
from operational_app.web.common import (
    PAGE_SIZE,
    form_values,
    int_or_none,
    names_by_id,
    redirect,
    render,
    request_lang,
    text_filter,
)
from operational_app.web.formatting import format_input_number
from operational_app.web.sales import (
    AgreementForm,
    enum_labels,
    errors_of,
    sales_choices,
    sort_order,
    stale_diff,
)

router = APIRouter(include_in_schema=False)


# Agreements


@router.get("/agreements")
def agreement_list(
    request: Request,
    session: SessionDep,
    q: str | None = None,
    kind: str | None = None,
    partner_id: str | None = None,
    sort: str | None = None,
    offset: str | None = None,
) -> Response:
    filters = {
        "q": text_filter(q),
        "kind": kind if kind in AGREEMENT_KINDS else "",
        "partner_id": int_or_none(partner_id),
        "sort": sort_order(sort, sales_queries.AGREEMENT_SORTS),
    }
    start = min(int_or_none(offset) or 0, 2**31 - 1)
    page = sales_queries.list_agreements(
        session,
        q=filters["q"] or None,
        kind=filters["kind"] or None,
        partner_id=filters["partner_id"],
        sort=filters["sort"] or None,
        limit=PAGE_SIZE,
        offset=start,
    )
    return render(
        request,
        "agreements/list.html",
        {
            "page": page,
            "filters": filters,
            "offset": start,
            "page_size": PAGE_SIZE,
            **sales_choices(session),
        },
    )


def _agreement_form(
    request, session, form, errors, agreement=None, status_code=200, changes=None
) -> Response:
    return render(
        request,
        "agreements/form.html",
        {
            "form": form,
            "errors": errors,
            "agreement": agreement,
            "changes": changes or [],
            **sales_choices(session),
        },
        status_code,
    )


@router.get("/agreements/new")
def agreement_new(request: Request, session: SessionDep, partner_id: str | None = None) -> Response:
    pid = int_or_none(partner_id)
    form = {
        "kind": "individual" if pid else "typical",
        "partner_id": pid or "",
        "valid_from": dt.date.today().isoformat(),
        "max_manual_discount_percent": "5",
    }
    return _agreement_form(request, session, form, {})


@router.post("/agreements")
async def agreement_create(request: Request, session: SessionDep) -> Response:
    values = await form_values(request)
    try:
        form = AgreementForm.model_validate(values)
        agreement = agreement_service.create_agreement(session, **form.model_dump())
        session.commit()
    except (ValidationError, DomainError) as exc:
        session.rollback()
        errors, code = errors_of(exc, request, "name")
        return _agreement_form(request, session, values, errors, None, code)
    return redirect(f"/agreements/{agreement.id}")


@router.get("/agreements/{agreement_id}")
def agreement_card(request: Request, session: SessionDep, agreement_id: IdPath) -> Response:
    agreement = get_or_404(session, Agreement, agreement_id)
    form = {name: getattr(agreement, name) for name in agreement_service.FIELDS}
    # Percentages as typed in the operator's language (5, not 5.00).
    form = {
        k: format_input_number(v, request_lang(request)) if isinstance(v, Decimal) else v
        for k, v in form.items()
    }
    form = {k: ("" if v is None else v) for k, v in form.items()}
    form["version"] = agreement.version
    return _agreement_form(request, session, form, {}, agreement)


@router.post("/agreements/{agreement_id}/edit")
async def agreement_edit(request: Request, session: SessionDep, agreement_id: IdPath) -> Response:
    agreement = get_or_404(session, Agreement, agreement_id)
    values = await form_values(request)
    try:
        form = AgreementForm.model_validate(values)
        agreement_service.update_agreement(
            session,
            agreement,
            form.model_dump(),
            expected_version=int_or_none(values.get("version")),
        )
        session.commit()
    except (ValidationError, DomainError, StaleDataError) as exc:
        session.rollback()
        errors, code = errors_of(exc, request, "name")
        changes = stale_diff(
            exc,
            agreement,
            values,
            agreement_service.FIELDS,
            {
                "partner_id": names_by_id(session, Partner),
                "kind": enum_labels(request, "agreement_kind", AGREEMENT_KINDS),
                "price_type": enum_labels(request, "price_type", PRICE_TYPES),
                "settlement_control": enum_labels(request, "settlement", SETTLEMENT_CONTROLS),
            },
        )
        return _agreement_form(request, session, values, errors, agreement, code, changes)
    return redirect(f"/agreements/{agreement.id}")
