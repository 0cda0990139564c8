"""Operator pages: lists, entry forms and the deal card. Plain HTML forms, no JavaScript.

Every successful POST redirects (Post/Redirect/Get); a refused one re-renders the same page
with the error next to its field and everything the operator typed still in the inputs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from operational_app.api.deps import CurrentUser, IdPath, SessionDep
from operational_app.api.schemas import MAX_ID
from operational_app.db.models import (
    DEAL_STATUSES,
    LEGAL_FORMS,
    PARTNER_KINDS,
    BusinessRegion,
    Claim,
    Counterparty,
    Deal,
    DealKind,
    Interaction,
    LossReason,
    Partner,
    SalesStage,
    User,
    utc_now,
)
from operational_app.domain import deals as deal_service
from operational_app.domain import partners as partner_service
from operational_app.domain import queries
from operational_app.domain.common import get_or_404
from operational_app.domain.errors import DomainError, NotFound, StaleVersion, ValidationFailed
from operational_app.i18n import translate
from operational_app.registry.monitoring import registry_changes_of
from operational_app.web import contact_changes
from operational_app.web.forms import (
    CounterpartyForm,
    DealEditForm,
    DealForm,
    PartnerEditForm,
    PartnerForm,
    domain_error_message,
    form_errors,
)
from operational_app.web.stale import is_stale, stale_changes

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


def _render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, template, context, status_code=status_code)


def _lang(request: Request) -> str:
    return request.app.state.settings.lang


def _redirect(url: str) -> RedirectResponse:
    # 303 makes the browser follow with GET, so a reload never re-posts the form.
    return RedirectResponse(url, status_code=303)


def _int_or_none(value: Any) -> int | None:
    """Lenient parsing of filters and selects: junk in a query string just means "no filter"."""
    if isinstance(value, str) and value.strip().isdigit() and value.isascii():
        number = int(value)
        return number if 0 < number <= MAX_ID else None
    return None


async def _form_values(request: Request) -> dict[str, str]:
    form = await request.form()
    # Uploaded files have no place in these forms; keep the text fields only.
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _names(session: Session, model: Any, attr: str = "name") -> dict[int, str]:
    return {row.id: getattr(row, attr) for row in session.scalars(select(model))}


def _classifiers(session: Session) -> dict[str, Any]:
    return {
        "regions": queries.business_regions(session),
        "managers": queries.users(session),
        "deal_kinds": queries.deal_kinds(session),
        "loss_reasons": queries.loss_reasons(session),
        "partner_kinds": PARTNER_KINDS,
        "legal_forms": LEGAL_FORMS,
        "deal_statuses": DEAL_STATUSES,
    }


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
    return _render(
        request,
        "home.html",
        {
            "user": user,
            "work": work,
            "partner_names": _names(session, Partner),
            "stage_names": _names(session, SalesStage),
        },
    )


# Partners


@router.get("/partners")
def partner_list(
    request: Request,
    session: SessionDep,
    q: str | None = None,
    kind: str | None = None,
    business_region_id: str | None = None,
    manager_id: str | None = None,
    offset: str | None = None,
) -> Response:
    filters = {
        "q": (q or "").replace("\x00", "")[:200],
        "kind": kind if kind in PARTNER_KINDS else "",
        "business_region_id": _int_or_none(business_region_id),
        "manager_id": _int_or_none(manager_id),
    }
    start = min(_int_or_none(offset) or 0, 2**31 - 1)
    page = queries.list_partners(
        session,
        q=filters["q"] or None,
        kind=filters["kind"] or None,
        business_region_id=filters["business_region_id"],
        manager_id=filters["manager_id"],
        limit=PAGE_SIZE,
        offset=start,
    )
    return _render(
        request,
        "partners/list.html",
        {
            "page": page,
            "filters": filters,
            "offset": start,
            "page_size": PAGE_SIZE,
            "region_names": _names(session, BusinessRegion),
            "manager_names": _names(session, User, "full_name"),
            **_classifiers(session),
        },
    )


def _partner_form(
    request: Request,
    session: Session,
    form: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return _render(
        request,
        "partners/form.html",
        {"form": form, "errors": errors, **_classifiers(session)},
        status_code=status_code,
    )


@router.get("/partners/new")
def partner_new(request: Request, session: SessionDep) -> Response:
    return _partner_form(request, session, {"kind": "customer", "legal_form": "legal_entity"}, {})


@router.post("/partners")
async def partner_create(request: Request, session: SessionDep) -> Response:
    values = await _form_values(request)
    try:
        form = PartnerForm.model_validate(values)
    except ValidationError as exc:
        return _partner_form(request, session, values, form_errors(exc, _lang(request)), 422)
    try:
        partner, _ = partner_service.create_partner_with_counterparty(
            session, partner=form.partner_fields(), counterparty=form.counterparty_fields()
        )
        session.commit()
    except DomainError as exc:
        session.rollback()
        errors = {exc.field or "_": domain_error_message(exc, _lang(request))}
        return _partner_form(request, session, values, errors, exc.status_code)
    return _redirect(f"/partners/{partner.id}")


@router.get("/partners/{partner_id}")
def partner_card(request: Request, session: SessionDep, partner_id: IdPath) -> Response:
    partner = get_or_404(session, Partner, partner_id)
    counterparties = partner_service.partner_counterparties(session, partner.id)
    deals = queries.list_deals(session, partner_id=partner.id, limit=500).items
    return _render(
        request,
        "partners/card.html",
        {
            "partner": partner,
            "counterparties": counterparties,
            "deals": deals,
            "region": session.get(BusinessRegion, partner.business_region_id)
            if partner.business_region_id
            else None,
            "manager": session.get(User, partner.manager_id) if partner.manager_id else None,
            "stage_names": _names(session, SalesStage),
            "manager_names": _names(session, User, "full_name"),
            "contact_block": contact_changes.partner_block(session, partner.id),
        },
    )


def _partner_values(partner: Partner) -> dict[str, Any]:
    values = {field: getattr(partner, field) for field in partner_service.PARTNER_FIELDS}
    return {key: "" if value is None else value for key, value in values.items()}


def _partner_edit_page(
    request: Request,
    session: Session,
    partner: Partner,
    form: dict[str, Any],
    errors: dict[str, str],
    *,
    changes: list | None = None,
    status_code: int = 200,
) -> Response:
    return _render(
        request,
        "partners/edit.html",
        {
            "partner": partner,
            "form": form,
            "errors": errors,
            "changes": changes or [],
            **_classifiers(session),
        },
        status_code=status_code,
    )


@router.get("/partners/{partner_id}/edit")
def partner_edit(request: Request, session: SessionDep, partner_id: IdPath) -> Response:
    partner = get_or_404(session, Partner, partner_id)
    return _partner_edit_page(request, session, partner, _partner_values(partner), {})


@router.post("/partners/{partner_id}/edit")
async def partner_update(request: Request, session: SessionDep, partner_id: IdPath) -> Response:
    partner = get_or_404(session, Partner, partner_id)
    values = await _form_values(request)
    lang = _lang(request)
    try:
        form = PartnerEditForm.model_validate(values)
    except ValidationError as exc:
        return _partner_edit_page(
            request, session, partner, values, form_errors(exc, lang), status_code=422
        )
    try:
        partner_service.update_partner(
            session, partner, form.changes(), expected_version=form.version
        )
        session.commit()
    except (DomainError, StaleDataError) as exc:
        session.rollback()
        stale = is_stale(exc)
        if isinstance(exc, StaleDataError):
            exc = StaleVersion("stale_version", "The record was changed by someone else.")
        errors = {exc.field or "_": domain_error_message(exc, lang)}
        changes = []
        if stale:
            session.refresh(partner)
            labels = {
                "manager_id": _names(session, User, "full_name"),
                "business_region_id": _names(session, BusinessRegion),
                "kind": {kind: translate(f"partner_kind.{kind}", lang) for kind in PARTNER_KINDS},
            }
            changes = stale_changes(partner, values, partner_service.PARTNER_FIELDS, labels)
        return _partner_edit_page(
            request, session, partner, values, errors, changes=changes, status_code=exc.status_code
        )
    return _redirect(f"/partners/{partner.id}")


# Counterparties (legal entities of a partner), edited from the partner card


def _counterparty_page(
    request: Request,
    session: Session,
    partner: Partner,
    form: dict[str, Any],
    errors: dict[str, str],
    *,
    counterparty: Counterparty | None = None,
    changes: list | None = None,
    status_code: int = 200,
) -> Response:
    return _render(
        request,
        "counterparties/form.html",
        {
            "partner": partner,
            "counterparty": counterparty,
            "form": form,
            "errors": errors,
            "changes": changes or [],
            "legal_forms": LEGAL_FORMS,
            # What `crm registry check` found for this counterparty, newest first (issue 20).
            "registry_changes": registry_changes_of(session, counterparty.id)
            if counterparty is not None
            else [],
        },
        status_code=status_code,
    )


def _counterparty_values(counterparty: Counterparty) -> dict[str, Any]:
    values = {field: getattr(counterparty, field) for field in COUNTERPARTY_EDIT_FIELDS}
    return {key: "" if value is None else value for key, value in values.items()}


COUNTERPARTY_EDIT_FIELDS = ("legal_form", "inn", "kpp", "legal_name", "legal_address", "phone")


@router.get("/partners/{partner_id}/counterparties/new")
def counterparty_new(request: Request, session: SessionDep, partner_id: IdPath) -> Response:
    partner = get_or_404(session, Partner, partner_id)
    return _counterparty_page(request, session, partner, {"legal_form": "legal_entity"}, {})


@router.post("/partners/{partner_id}/counterparties")
async def counterparty_create(
    request: Request, session: SessionDep, partner_id: IdPath
) -> Response:
    partner = get_or_404(session, Partner, partner_id)
    values = await _form_values(request)
    lang = _lang(request)
    try:
        form = CounterpartyForm.model_validate(values)
    except ValidationError as exc:
        errors = form_errors(exc, lang)
        return _counterparty_page(request, session, partner, values, errors, status_code=422)
    try:
        partner_service.create_counterparty(session, partner_id=partner.id, **form.fields())
        session.commit()
    except DomainError as exc:
        session.rollback()
        errors = {exc.field or "_": domain_error_message(exc, lang)}
        return _counterparty_page(
            request, session, partner, values, errors, status_code=exc.status_code
        )
    return _redirect(f"/partners/{partner.id}#counterparties")


@router.get("/counterparties/{counterparty_id}")
def counterparty_card(request: Request, session: SessionDep, counterparty_id: IdPath) -> Response:
    counterparty = get_or_404(session, Counterparty, counterparty_id)
    partner = get_or_404(session, Partner, counterparty.partner_id)
    form = _counterparty_values(counterparty)
    return _counterparty_page(request, session, partner, form, {}, counterparty=counterparty)


@router.post("/counterparties/{counterparty_id}/{action}")
async def counterparty_action(
    request: Request, session: SessionDep, counterparty_id: IdPath, action: str
) -> Response:
    if action not in ("edit", "delete"):
        raise NotFound("action.unknown", f"Unknown counterparty action {action!r}.")
    counterparty = get_or_404(session, Counterparty, counterparty_id)
    partner = get_or_404(session, Partner, counterparty.partner_id)
    values = await _form_values(request)
    lang = _lang(request)
    form: CounterpartyForm | None = None
    if action == "edit":
        try:
            form = CounterpartyForm.model_validate(values)
        except ValidationError as exc:
            errors = form_errors(exc, lang)
            return _counterparty_page(
                request,
                session,
                partner,
                values,
                errors,
                counterparty=counterparty,
                status_code=422,
            )
    try:
        if form is not None:
            partner_service.update_counterparty(
                session, counterparty, form.fields(), expected_version=form.version
            )
        else:
            partner_service.delete_counterparty(
                session, counterparty, expected_version=_int_or_none(values.get("version"))
            )
        session.commit()
    except (DomainError, StaleDataError) as exc:
        session.rollback()
        stale = is_stale(exc)
        if isinstance(exc, StaleDataError):
            exc = StaleVersion("stale_version", "The record was changed by someone else.")
        errors = {exc.field or "_": domain_error_message(exc, lang)}
        changes = []
        if stale:
            session.refresh(counterparty)
            if action == "edit":
                labels = {
                    "legal_form": {
                        code: translate(f"legal_form.{code}", lang) for code in LEGAL_FORMS
                    }
                }
                changes = stale_changes(counterparty, values, COUNTERPARTY_EDIT_FIELDS, labels)
        shown = values if action == "edit" else _counterparty_values(counterparty)
        return _counterparty_page(
            request,
            session,
            partner,
            shown,
            errors,
            counterparty=counterparty,
            changes=changes,
            status_code=exc.status_code,
        )
    return _redirect(f"/partners/{partner.id}#counterparties")


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
        "partner_id": _int_or_none(partner_id),
        "manager_id": _int_or_none(manager_id),
        "deal_kind_id": _int_or_none(deal_kind_id),
    }
    start = min(_int_or_none(offset) or 0, 2**31 - 1)
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
    return _render(
        request,
        "deals/list.html",
        {
            "page": page,
            "filters": filters,
            "offset": start,
            "page_size": PAGE_SIZE,
            "partners": queries.partner_choices(session),
            "partner_names": _names(session, Partner),
            "manager_names": _names(session, User, "full_name"),
            "kind_names": _names(session, DealKind),
            "stage_names": _names(session, SalesStage),
            **_classifiers(session),
        },
    )


def _deal_form(
    request: Request,
    session: Session,
    form: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return _render(
        request,
        "deals/form.html",
        {
            "form": form,
            "errors": errors,
            "partners": queries.partner_choices(session),
            **_classifiers(session),
        },
        status_code=status_code,
    )


@router.get("/deals/new")
def deal_new(request: Request, session: SessionDep, partner_id: str | None = None) -> Response:
    partner = session.get(Partner, _int_or_none(partner_id) or 0)
    form = {"partner_id": "", "manager_id": ""}
    if partner is not None and partner.deleted_at is None:
        # A new deal is the partner's manager's unless the operator chooses another.
        form = {"partner_id": str(partner.id), "manager_id": str(partner.manager_id or "")}
    return _deal_form(request, session, form, {})


@router.post("/deals")
async def deal_create(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    values = await _form_values(request)
    try:
        form = DealForm.model_validate(values)
    except ValidationError as exc:
        return _deal_form(request, session, values, form_errors(exc, _lang(request)), 422)
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
        errors = {exc.field or "_": domain_error_message(exc, _lang(request))}
        return _deal_form(request, session, values, errors, exc.status_code)
    return _redirect(f"/deals/{deal.id}")


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
    return _render(
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
            "stage_names": _names(session, SalesStage),
            "user_names": _names(session, User, "full_name"),
            "form": form or {},
            "errors": errors or {},
            "changes": changes or [],
            **_classifiers(session),
        },
        status_code=status_code,
    )


@router.get("/deals/{deal_id}")
def deal_card(request: Request, session: SessionDep, deal_id: IdPath) -> Response:
    return _deal_card(request, session, get_or_404(session, Deal, deal_id))


async def _deal_action(
    request: Request, session: Session, deal_id: int, action: str, user_id: int | None = None
) -> Response:
    deal = get_or_404(session, Deal, deal_id)
    values = await _form_values(request)
    version = _int_or_none(values.get("version"))
    try:
        if action == "advance":
            stage_id = _int_or_none(values.get("stage_id"))
            if stage_id is None:
                raise ValidationFailed(
                    "text.required", "Choose a stage to move to.", field="stage_id"
                )
            deal_service.advance_deal(
                session, deal.id, stage_id, expected_version=version, user_id=user_id
            )
        elif action == "win":
            deal_service.win_deal(session, deal.id, expected_version=version, user_id=user_id)
        elif action == "lose":
            deal_service.lose_deal(
                session,
                deal.id,
                _int_or_none(values.get("loss_reason_id")),
                (values.get("comment") or "").replace("\x00", "")[:4000] or None,
                expected_version=version,
                user_id=user_id,
            )
        elif action == "reopen":
            deal_service.reopen_deal(session, deal.id, expected_version=version, user_id=user_id)
        elif action == "edit":
            try:
                form = DealEditForm.model_validate(values)
            except ValidationError as exc:
                session.rollback()
                errors = form_errors(exc, _lang(request))
                return _deal_card(
                    request, session, deal, form=values, errors=errors, status_code=422
                )
            deal_service.update_deal(session, deal, form.changes(), expected_version=form.version)
        session.commit()
    except (DomainError, StaleDataError) as exc:
        session.rollback()
        stale = is_stale(exc)
        if isinstance(exc, StaleDataError):
            exc = StaleVersion("stale_version", "The record was changed by someone else.")
        errors = {exc.field or action: domain_error_message(exc, _lang(request))}
        changes = []
        if stale and action == "edit":
            changes = stale_changes(
                deal,
                values,
                deal_service.EDITABLE_FIELDS,
                {"manager_id": _names(session, User, "full_name")},
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
    return _redirect(f"/deals/{deal.id}")


@router.post("/deals/{deal_id}/{action}")
async def deal_action(
    request: Request, session: SessionDep, user: CurrentUser, deal_id: IdPath, action: str
) -> Response:
    if action not in ("advance", "win", "lose", "reopen", "edit"):
        raise NotFound("action.unknown", f"Unknown deal action {action!r}.")
    return await _deal_action(request, session, deal_id, action, user.id)
