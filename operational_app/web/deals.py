"""Deals: list, entry form and the deal card with its actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from operational_app.api.deps import CurrentUser, IdPath, SessionDep
from operational_app.db.models import (
    DEAL_STATUSES,
    Deal,
    DealKind,
    LossReason,
    MarketingEvent,
    Partner,
    SalesStage,
    User,
)
from operational_app.domain import deals as deal_service
from operational_app.domain import queries
from operational_app.domain.common import get_or_404
from operational_app.domain.errors import DomainError, StaleVersion, ValidationFailed
from operational_app.web.common import (
    PAGE_SIZE,
    classifier_choices,
    form_values,
    int_or_none,
    names_by_id,
    redirect,
    render,
    request_lang,
)
from operational_app.web.forms import (
    DealEditForm,
    DealForm,
    domain_error_message,
    form_errors,
)
from operational_app.web.stale import is_stale, stale_changes

router = APIRouter(include_in_schema=False)


# Deals


@router.get("/deals")
def deal_list(
    request: Request,
    session: SessionDep,
    q: str | None = None,
    status: str | None = None,
    partner_id: str | None = None,
    manager_id: str | None = None,
    deal_kind_id: str | None = None,
    offset: str | None = None,
) -> Response:
    filters = {
        "q": (q or "").replace("\x00", "")[:200],
        "status": status if status in DEAL_STATUSES else "",
        "partner_id": int_or_none(partner_id),
        "manager_id": int_or_none(manager_id),
        "deal_kind_id": int_or_none(deal_kind_id),
    }
    start = min(int_or_none(offset) or 0, 2**31 - 1)
    page = queries.list_deals(
        session,
        q=filters["q"] or None,
        status=filters["status"] or None,
        partner_id=filters["partner_id"],
        manager_id=filters["manager_id"],
        deal_kind_id=filters["deal_kind_id"],
        limit=PAGE_SIZE,
        offset=start,
    )
    return render(
        request,
        "deals/list.html",
        {
            "page": page,
            "filters": filters,
            "offset": start,
            "page_size": PAGE_SIZE,
            "partners": queries.partner_choices(session),
            "partner_names": names_by_id(session, Partner),
            "manager_names": names_by_id(session, User, "full_name"),
            "kind_names": names_by_id(session, DealKind),
            "stage_names": names_by_id(session, SalesStage),
            **classifier_choices(session),
        },
    )


def _deal_form(
    request: Request,
    session: Session,
    form: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "deals/form.html",
        {
            "form": form,
            "errors": errors,
            "partners": queries.partner_choices(session),
            "marketing_events": queries.live(
                session, MarketingEvent, MarketingEvent.starts_on.desc(), MarketingEvent.name
            ),
            **classifier_choices(session),
        },
        status_code=status_code,
    )


@router.get("/deals/new")
def deal_new(request: Request, session: SessionDep, partner_id: str | None = None) -> Response:
    partner = session.get(Partner, int_or_none(partner_id) or 0)
    form = {"partner_id": "", "manager_id": ""}
    if partner is not None and partner.deleted_at is None:
        # A new deal is the partner's manager's unless the operator chooses another.
        form = {"partner_id": str(partner.id), "manager_id": str(partner.manager_id or "")}
    return _deal_form(request, session, form, {})


@router.post("/deals")
async def deal_create(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    values = await form_values(request)
    try:
        form = DealForm.model_validate(values)
    except ValidationError as exc:
        return _deal_form(request, session, values, form_errors(exc, request_lang(request)), 422)
    fields = form.fields()
    if fields["manager_id"] is None:
        # Left blank (the partner was chosen in the form, not known when it was drawn): the
        # partner's manager, as 1C fills Менеджер from the partner.
        partner = session.get(Partner, fields["partner_id"])
        fields["manager_id"] = partner.manager_id if partner is not None else None
    try:
        deal = deal_service.create_deal(session, **fields, user_id=user.id)
        session.commit()
    except DomainError as exc:
        session.rollback()
        errors = {exc.field or "_": domain_error_message(exc, request_lang(request))}
        return _deal_form(request, session, values, errors, exc.status_code)
    return redirect(f"/deals/{deal.id}")


def _deal_card(
    request: Request,
    session: Session,
    deal: Deal,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    changes: list | None = None,
    status_code: int = 200,
) -> Response:
    kind = session.get(DealKind, deal.deal_kind_id)
    stages = (
        deal_service.kind_stages(session, deal.deal_kind_id) if kind and kind.has_stages else []
    )
    current = next((stage for stage in stages if stage.id == deal.current_stage_id), None)
    current_sequence = current.sequence if current else 0
    return render(
        request,
        "deals/card.html",
        {
            "deal": deal,
            "kind": kind,
            "partner": session.get(Partner, deal.partner_id),
            "manager": session.get(User, deal.manager_id) if deal.manager_id else None,
            "loss_reason": session.get(LossReason, deal.loss_reason_id)
            if deal.loss_reason_id
            else None,
            "stages": stages,
            "current_stage": current,
            "next_stages": [stage for stage in stages if stage.sequence > current_sequence],
            "history": deal_service.stage_history(session, deal.id),
            "stage_names": names_by_id(session, SalesStage),
            "user_names": names_by_id(session, User, "full_name"),
            "form": form or {},
            "errors": errors or {},
            "changes": changes or [],
            **classifier_choices(session),
        },
        status_code=status_code,
    )


@router.get("/deals/{deal_id}")
def deal_card(request: Request, session: SessionDep, deal_id: IdPath) -> Response:
    return _deal_card(request, session, get_or_404(session, Deal, deal_id))


# The deal card's forms post to one route per action, as in the API (api/routes/deals.py).
DealWork = Callable[[Deal, dict[str, str], int | None], Response | None]


async def _deal_action(
    request: Request, session: Session, deal_id: int, action: str, work: DealWork
) -> Response:
    """Run `work(deal, values, version)` and commit, then back to the card; a refusal
    re-renders the card with the error beside the form of `action`. `work` may return a page
    of its own (a form that did not validate)."""
    deal = get_or_404(session, Deal, deal_id)
    values = await form_values(request)
    version = int_or_none(values.get("version"))
    try:
        page = work(deal, values, version)
        if page is not None:
            return page
        session.commit()
    except (DomainError, StaleDataError) as exc:
        session.rollback()
        stale = is_stale(exc)
        if isinstance(exc, StaleDataError):
            exc = StaleVersion("stale_version", "The record was changed by someone else.")
        errors = {exc.field or action: domain_error_message(exc, request_lang(request))}
        changes = []
        if stale and action == "edit":
            changes = stale_changes(
                deal,
                values,
                deal_service.EDITABLE_FIELDS,
                {"manager_id": names_by_id(session, User, "full_name")},
            )
        return _deal_card(
            request,
            session,
            deal,
            form=values,
            errors=errors,
            changes=changes,
            status_code=exc.status_code,
        )
    return redirect(f"/deals/{deal.id}")


@router.post("/deals/{deal_id}/advance")
async def deal_advance(
    request: Request, session: SessionDep, user: CurrentUser, deal_id: IdPath
) -> Response:
    def advance(deal: Deal, values: dict[str, str], version: int | None) -> None:
        stage_id = int_or_none(values.get("stage_id"))
        if stage_id is None:
            raise ValidationFailed("text.required", "Choose a stage to move to.", field="stage_id")
        deal_service.advance_deal(
            session, deal.id, stage_id, expected_version=version, user_id=user.id
        )

    return await _deal_action(request, session, deal_id, "advance", advance)


@router.post("/deals/{deal_id}/win")
async def deal_win(
    request: Request, session: SessionDep, user: CurrentUser, deal_id: IdPath
) -> Response:
    def win(deal: Deal, values: dict[str, str], version: int | None) -> None:
        deal_service.win_deal(session, deal.id, expected_version=version, user_id=user.id)

    return await _deal_action(request, session, deal_id, "win", win)


@router.post("/deals/{deal_id}/lose")
async def deal_lose(
    request: Request, session: SessionDep, user: CurrentUser, deal_id: IdPath
) -> Response:
    def lose(deal: Deal, values: dict[str, str], version: int | None) -> None:
        deal_service.lose_deal(
            session,
            deal.id,
            int_or_none(values.get("loss_reason_id")),
            (values.get("comment") or "").replace("\x00", "")[:4000] or None,
            expected_version=version,
            user_id=user.id,
        )

    return await _deal_action(request, session, deal_id, "lose", lose)


@router.post("/deals/{deal_id}/reopen")
async def deal_reopen(
    request: Request, session: SessionDep, user: CurrentUser, deal_id: IdPath
) -> Response:
    def reopen(deal: Deal, values: dict[str, str], version: int | None) -> None:
        deal_service.reopen_deal(session, deal.id, expected_version=version, user_id=user.id)

    return await _deal_action(request, session, deal_id, "reopen", reopen)


@router.post("/deals/{deal_id}/edit")
async def deal_edit(request: Request, session: SessionDep, deal_id: IdPath) -> Response:
    def edit(deal: Deal, values: dict[str, str], version: int | None) -> Response | None:
        try:
            form = DealEditForm.model_validate(values)
        except ValidationError as exc:
            session.rollback()
            errors = form_errors(exc, request_lang(request))
            return _deal_card(request, session, deal, form=values, errors=errors, status_code=422)
        deal_service.update_deal(session, deal, form.fields(), expected_version=form.version)
        return None

    return await _deal_action(request, session, deal_id, "edit", edit)
