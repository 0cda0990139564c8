"""Portal pages: commercial offers sent to the customer (issue 19) — the list, the card with
lines, totals and validity, and accept / reject while the offer is sent and valid. Every query
goes through the customer's PortalScope; the decisions are the operators' domain rules
(domain/offers.py) through portal/api/offers.py, so accepting creates the same order."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from operational_app.api.deps import IdPath, SessionDep
from operational_app.api.schemas import text
from operational_app.db.models import CommercialOffer, CustomerOrder
from operational_app.domain.errors import DomainError, StaleVersion
from operational_app.i18n import translate
from operational_app.portal.api.offers import Now, accept, offer_detail, offer_summary, reject
from operational_app.portal.deps import CurrentCustomer, Customer
from operational_app.web.common import render, request_lang
from operational_app.web.formatting import format_date
from operational_app.web.forms import FormModel, domain_error_message, form_errors

router = APIRouter(prefix="/portal", include_in_schema=False)
LIST_LIMIT = 200


class RejectForm(FormModel):
    reason: text(2000, min_length=0) | None = None


def _posted_version(values: dict[str, str]) -> int | None:
    raw = (values.get("version") or "").strip()
    if raw.isascii() and raw.isdigit() and 0 < int(raw) < 2**31:
        return int(raw)
    return None


@router.get("/offers")
def offers_page(
    request: Request, session: SessionDep, customer: CurrentCustomer, now: Now
) -> Response:
    offers = session.scalars(
        customer.scope.select(CommercialOffer)
        .order_by(CommercialOffer.offered_at.desc(), CommercialOffer.id.desc())
        .limit(LIST_LIMIT)
    )
    return render(
        request,
        "portal/offers/list.html",
        {"offers": [offer_summary(offer, now) for offer in offers]},
    )


def _card(
    request: Request,
    session: Session,
    customer: Customer,
    offer: CommercialOffer,
    now: dt.datetime,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    detail = offer_detail(session, customer, offer, now)
    orders = {
        order.id: order.number
        for order in session.scalars(
            customer.scope.select(CustomerOrder).where(CustomerOrder.id.in_(detail.order_ids))
        )
    }
    return render(
        request,
        "portal/offers/card.html",
        {"offer": detail, "orders": orders, "errors": errors or {}, "form": form or {}},
        status_code=status_code,
    )


@router.get("/offers/{offer_id}")
def offer_card(
    request: Request, session: SessionDep, customer: CurrentCustomer, now: Now, offer_id: IdPath
) -> Response:
    offer = customer.scope.get(session, CommercialOffer, offer_id)
    return _card(request, session, customer, offer, now)


def _refused(
    request: Request,
    session: Session,
    customer: Customer,
    offer_id: int,
    now: dt.datetime,
    exc: Exception,
    form: dict[str, str],
) -> Response:
    session.rollback()
    if isinstance(exc, StaleDataError):
        exc = StaleVersion("stale_version", "The offer was changed meanwhile.")
    assert isinstance(exc, DomainError)
    lang = request_lang(request)
    offer = customer.scope.get(session, CommercialOffer, offer_id)
    if offer.status in ("accepted", "rejected") and exc.status_code == 409:
        # A second click or another tab: say what happened rather than what is not allowed.
        message = translate(f"portal.offers.already_{offer.status}", lang)
    elif offer.status == "expired" or exc.rule == "offer.overdue":
        valid_until = format_date(offer.valid_until, lang) if offer.valid_until else "—"
        message = translate("portal.offers.expired_note", lang, valid_until=valid_until)
    else:
        message = domain_error_message(exc, lang)
    return _card(
        request,
        session,
        customer,
        offer,
        now,
        errors={exc.field or "_": message},
        form=form,
        status_code=exc.status_code,
    )


@router.post("/offers/{offer_id}/accept")
async def offer_accept(
    request: Request, session: SessionDep, customer: CurrentCustomer, now: Now, offer_id: IdPath
) -> Response:
    values = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        accept(session, customer, offer_id, version=_posted_version(values), now=now)
    except (DomainError, StaleDataError) as exc:
        if isinstance(exc, DomainError) and exc.status_code == 404:
            raise
        return _refused(request, session, customer, offer_id, now, exc, {})
    return RedirectResponse(f"/portal/offers/{offer_id}", status_code=303)


@router.post("/offers/{offer_id}/reject")
async def offer_reject(
    request: Request, session: SessionDep, customer: CurrentCustomer, now: Now, offer_id: IdPath
) -> Response:
    values = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        form = RejectForm.model_validate(values)
    except ValidationError as exc:
        offer = customer.scope.get(session, CommercialOffer, offer_id)
        return _card(
            request,
            session,
            customer,
            offer,
            now,
            errors=form_errors(exc, request_lang(request)),
            form=values,
            status_code=422,
        )
    try:
        reject(
            session,
            customer,
            offer_id,
            version=_posted_version(values),
            reason=form.reason,
            now=now,
        )
    except (DomainError, StaleDataError) as exc:
        if isinstance(exc, DomainError) and exc.status_code == 404:
            raise
        return _refused(request, session, customer, offer_id, now, exc, values)
    return RedirectResponse(f"/portal/offers/{offer_id}", status_code=303)
