"""Partners and their counterparties (legal entities), edited from the partner card."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from operational_app.api.deps import IdPath, SessionDep
from operational_app.db.models import (
    LEGAL_FORMS,
    PARTNER_KINDS,
    BusinessRegion,
    Counterparty,
    Partner,
    SalesStage,
    User,
)
from operational_app.domain import partners as partner_service
from operational_app.domain import queries
from operational_app.domain.common import get_or_404
from operational_app.domain.errors import DomainError, NotFound, StaleVersion
from operational_app.i18n import translate
from operational_app.registry.monitoring import registry_changes_of
from operational_app.web import contact_changes
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
    CounterpartyForm,
    PartnerEditForm,
    PartnerForm,
    domain_error_message,
    form_errors,
)
from operational_app.web.stale import is_stale, stale_changes

router = APIRouter(include_in_schema=False)


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
        "business_region_id": int_or_none(business_region_id),
        "manager_id": int_or_none(manager_id),
    }
    start = min(int_or_none(offset) or 0, 2**31 - 1)
    page = queries.list_partners(
        session,
        q=filters["q"] or None,
        kind=filters["kind"] or None,
        business_region_id=filters["business_region_id"],
        manager_id=filters["manager_id"],
        limit=PAGE_SIZE,
        offset=start,
    )
    return render(
        request,
        "partners/list.html",
        {
            "page": page,
            "filters": filters,
            "offset": start,
            "page_size": PAGE_SIZE,
            "region_names": names_by_id(session, BusinessRegion),
            "manager_names": names_by_id(session, User, "full_name"),
            **classifier_choices(session),
        },
    )


def _partner_form(
    request: Request,
    session: Session,
    form: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "partners/form.html",
        {"form": form, "errors": errors, **classifier_choices(session)},
        status_code=status_code,
    )


@router.get("/partners/new")
def partner_new(request: Request, session: SessionDep) -> Response:
    return _partner_form(request, session, {"kind": "customer", "legal_form": "legal_entity"}, {})


@router.post("/partners")
async def partner_create(request: Request, session: SessionDep) -> Response:
    values = await form_values(request)
    try:
        form = PartnerForm.model_validate(values)
    except ValidationError as exc:
        return _partner_form(request, session, values, form_errors(exc, request_lang(request)), 422)
    try:
        partner, _ = partner_service.create_partner_with_counterparty(
            session, partner=form.partner_fields(), counterparty=form.counterparty_fields()
        )
        session.commit()
    except DomainError as exc:
        session.rollback()
        errors = {exc.field or "_": domain_error_message(exc, request_lang(request))}
        return _partner_form(request, session, values, errors, exc.status_code)
    return redirect(f"/partners/{partner.id}")


@router.get("/partners/{partner_id}")
def partner_card(request: Request, session: SessionDep, partner_id: IdPath) -> Response:
    partner = get_or_404(session, Partner, partner_id)
    counterparties = partner_service.partner_counterparties(session, partner.id)
    deals = queries.list_deals(session, partner_id=partner.id, limit=500).items
    return render(
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
            "stage_names": names_by_id(session, SalesStage),
            "manager_names": names_by_id(session, User, "full_name"),
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
    return render(
        request,
        "partners/edit.html",
        {
            "partner": partner,
            "form": form,
            "errors": errors,
            "changes": changes or [],
            **classifier_choices(session),
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
    values = await form_values(request)
    lang = request_lang(request)
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
                "manager_id": names_by_id(session, User, "full_name"),
                "business_region_id": names_by_id(session, BusinessRegion),
                "kind": {kind: translate(f"partner_kind.{kind}", lang) for kind in PARTNER_KINDS},
            }
            changes = stale_changes(partner, values, partner_service.PARTNER_FIELDS, labels)
        return _partner_edit_page(
            request, session, partner, values, errors, changes=changes, status_code=exc.status_code
        )
    return redirect(f"/partners/{partner.id}")


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
    return render(
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
    values = await form_values(request)
    lang = request_lang(request)
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
    return redirect(f"/partners/{partner.id}#counterparties")


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
    values = await form_values(request)
    lang = request_lang(request)
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
                session, counterparty, expected_version=int_or_none(values.get("version"))
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
    return redirect(f"/partners/{partner.id}#counterparties")
