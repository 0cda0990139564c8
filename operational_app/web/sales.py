"""Sales pages: Номенклатура, Склады, Соглашения, Коммерческие предложения, Заказы клиентов.

Plain HTML forms, no JavaScript. A successful POST redirects (PRG); a refused one re-renders the
page with the error beside its field (or as a banner) and what the operator typed kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from jinja2 import pass_context
from pydantic import BeforeValidator, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from operational_app.api.deps import CurrentUser, IdPath, SessionDep
from operational_app.api.schemas import Id, LongText, Name200, Name300, PlannedDate, Version, text
from operational_app.api.schemas_sales import (
    AgreementKind,
    Days,
    GisSystem,
    PaymentKind,
    Pct,
    PriceType,
    Qty,
    QtyOrZero,
    SettlementControl,
    SignedAmount,
)
from operational_app.db.models import (
    AGREEMENT_KINDS,
    OFFER_STATUSES,
    ORDER_STATUSES,
    PRICE_TYPES,
    SETTLEMENT_CONTROLS,
    Agreement,
    CommercialOffer,
    Counterparty,
    CustomerOrder,
    CustomerOrderLine,
    Deal,
    Partner,
    Product,
    ShipmentLine,
    User,
    Warehouse,
)
from operational_app.domain import agreements as agreement_service
from operational_app.domain import offers as offer_service
from operational_app.domain import orders as order_service
from operational_app.domain import products as product_service
from operational_app.domain import queries, sales_queries
from operational_app.domain.common import get_or_404
from operational_app.domain.errors import DomainError, NotFound, StaleVersion
from operational_app.i18n import translate
from operational_app.web.formatting import format_input_number
from operational_app.web.forms import FormAmount, FormModel, domain_error_message, form_errors
from operational_app.web.routes import (
    PAGE_SIZE,
    _form_values,
    _int_or_none,
    _lang,
    _names,
    _redirect,
    _render,
)
from operational_app.web.stale import is_stale, stale_changes

router = APIRouter(include_in_schema=False)


def _normalise_number(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    return value


# Forms (the API's bounded types; numbers may be typed the Russian way)


FormQty = Annotated[Qty, BeforeValidator(_normalise_number)]
FormQtyOrZero = Annotated[QtyOrZero, BeforeValidator(_normalise_number)]
FormPct = Annotated[Pct, BeforeValidator(_normalise_number)]
FormSigned = Annotated[SignedAmount, BeforeValidator(_normalise_number)]


class ProductForm(FormModel):
    sku: text(50)
    name: Name300
    unit: text(20) = "шт"
    base_price: FormAmount = Decimal(0)
    cost_price: FormAmount = Decimal(0)
    gis_system: GisSystem | None = None


class StockForm(FormModel):
    warehouse_id: Id
    quantity_on_hand: FormQtyOrZero


class WarehouseForm(FormModel):
    name: Name200
    business_region_id: Id | None = None


class AgreementForm(FormModel):
    name: Name300
    kind: AgreementKind = "typical"
    partner_id: Id | None = None
    price_type: PriceType = "wholesale"
    discount_percent: FormPct = Decimal(0)
    max_manual_discount_percent: FormPct = Decimal(0)
    prepayment_share: FormPct = Decimal(0)
    deferral_days: Days = 0
    valid_from: PlannedDate
    valid_to: PlannedDate | None = None
    settlement_control: SettlementControl = "by_agreement"


class OfferForm(FormModel):
    partner_id: Id
    agreement_id: Id | None = None
    deal_id: Id | None = None
    valid_until: PlannedDate | None = None
    comment: LongText | None = None


class OrderForm(FormModel):
    partner_id: Id
    agreement_id: Id | None = None
    deal_id: Id | None = None
    planned_shipment_date: PlannedDate | None = None
    comment: LongText | None = None


class LineForm(FormModel):
    product_id: Id
    warehouse_id: Id | None = None
    quantity: FormQty
    price: FormAmount | None = None
    discount_percent: FormPct | None = None
    price_adjustment: FormSigned | None = None


class QtyForm(FormModel):
    quantity: FormQty | None = None


class MoveForm(FormModel):
    line_id: Id
    to_line_id: Id
    quantity: FormQty


class PaymentForm(FormModel):
    amount: FormAmount


class ScheduleItemForm(FormModel):
    due_date: PlannedDate
    kind: PaymentKind = "credit"
    amount: FormAmount


class VersionForm(FormModel):
    version: Version | None = None


# Editing a document on its card: the row's version is required, like the API's PATCH bodies.
# Only the fields the card's form posted are changed (a field the form does not show, such as the
# agreement of an order past the draft, is left alone; the domain refuses it if posted anyway).


class OrderHeaderForm(FormModel):
    version: Version
    agreement_id: Id | None = None
    counterparty_id: Id | None = None
    deal_id: Id | None = None
    manager_id: Id | None = None
    planned_shipment_date: PlannedDate | None = None
    comment: LongText | None = None


class OfferHeaderForm(FormModel):
    version: Version
    agreement_id: Id | None = None
    deal_id: Id | None = None
    manager_id: Id | None = None
    valid_until: PlannedDate | None = None
    comment: LongText | None = None


class LineEditForm(FormModel):
    """One row of the lines table. A blank price or discount keeps the stored one."""

    line_id: Id
    version: Version
    warehouse_id: Id | None = None
    quantity: FormQty
    price: FormAmount | None = None
    discount_percent: FormPct | None = None
    price_adjustment: FormSigned | None = None


ORDER_HEADER_FIELDS = tuple(f for f in OrderHeaderForm.model_fields if f != "version")
OFFER_HEADER_FIELDS = tuple(f for f in OfferHeaderForm.model_fields if f != "version")
ORDER_LINE_EDIT_FIELDS = ("warehouse_id", "quantity", "price", "discount_percent")
OFFER_LINE_EDIT_FIELDS = ("quantity", "price", "price_adjustment", "discount_percent")


def _posted(form: FormModel, values: dict[str, str], fields: tuple[str, ...]) -> dict[str, Any]:
    """The validated values of the fields the page posted."""
    return {name: getattr(form, name) for name in fields if name in values}


def _line_changes(form: LineEditForm, values: dict[str, str], fields: tuple[str, ...]) -> dict:
    changes = _posted(form, values, fields)
    return {
        name: value
        for name, value in changes.items()
        if value is not None or name == "warehouse_id"
    }


def _filter_text(value: str | None) -> str:
    return (value or "").replace("\x00", "")[:200]


def _sort(value: str | None, allowed: tuple[str, ...]) -> str:
    return value if value and value.lstrip("-") in allowed else ""


def _choices(session: Session) -> dict[str, Any]:
    return {
        "partners": queries.partner_choices(session),
        "all_products": sales_queries.list_products(session, limit=500).items,
        "all_warehouses": sales_queries.list_warehouses(session, limit=500).items,
        "all_agreements": sales_queries.list_agreements(session, limit=500).items,
        "regions": queries.business_regions(session),
        "agreement_kinds": AGREEMENT_KINDS,
        "price_types": PRICE_TYPES,
        "settlement_controls": SETTLEMENT_CONTROLS,
        "offer_statuses": OFFER_STATUSES,
        "order_statuses": ORDER_STATUSES,
        "partner_names": _names(session, Partner),
        "product_names": _names(session, Product),
        "warehouse_names": _names(session, Warehouse),
        "agreement_names": _names(session, Agreement),
        "user_names": _names(session, User, "full_name"),
    }


def _stale_diff(
    exc: Exception,
    entity: Any,
    values: dict[str, str],
    fields: tuple[str, ...],
    labels: dict[str, Any] | None = None,
) -> list:
    """What another user changed, when `exc` refused an outdated version (after rollback)."""
    return stale_changes(entity, values, fields, labels) if is_stale(exc) else []


def _enum_labels(request: Request, prefix: str, codes: tuple[str, ...]) -> dict[str, str]:
    return {code: translate(f"{prefix}.{code}", _lang(request)) for code in codes}


def _errors_of(exc: Exception, request: Request, default_field: str) -> tuple[dict[str, str], int]:
    if isinstance(exc, ValidationError):
        return form_errors(exc, _lang(request)), 422
    if isinstance(exc, StaleDataError):
        exc = StaleVersion("stale_version", "The record was changed by someone else.")
    assert isinstance(exc, DomainError)
    return {exc.field or default_field: domain_error_message(exc, _lang(request))}, exc.status_code


# Products and stock


@router.get("/products")
def product_list(
    request: Request,
    session: SessionDep,
    q: str | None = None,
    sort: str | None = None,
    offset: str | None = None,
) -> Response:
    return _product_list(request, session, q, sort, offset, {}, {})


def _product_list(request, session, q, sort, offset, form, errors, status_code=200) -> Response:
    filters = {"q": _filter_text(q), "sort": _sort(sort, sales_queries.PRODUCT_SORTS)}
    start = min(_int_or_none(offset) or 0, 2**31 - 1)
    page = sales_queries.list_products(
        session, q=filters["q"] or None, sort=filters["sort"] or None, limit=PAGE_SIZE, offset=start
    )
    return _render(
        request,
        "products/list.html",
        {
            "page": page,
            "filters": filters,
            "offset": start,
            "page_size": PAGE_SIZE,
            "form": form,
            "errors": errors,
        },
        status_code,
    )


@router.post("/products")
async def product_create(request: Request, session: SessionDep) -> Response:
    values = await _form_values(request)
    try:
        form = ProductForm.model_validate(values)
        product = product_service.create_product(session, **form.model_dump())
        session.commit()
    except (ValidationError, DomainError) as exc:
        session.rollback()
        errors, code = _errors_of(exc, request, "sku")
        return _product_list(request, session, None, None, None, values, errors, code)
    return _redirect(f"/products/{product.id}")


GIS_SYSTEM_NAMES = {"egais": "ЕГАИС", "vetis": "ВетИС", "gismt": "ГИС МТ"}


def _product_card(
    request, session, product, form=None, errors=None, status_code=200, changes=None
) -> Response:
    return _render(
        request,
        "products/card.html",
        {
            "product": product,
            "stock": sales_queries.list_stock(session, product_id=product.id, limit=500).items,
            "form": form or {},
            "errors": errors or {},
            "changes": changes or [],
            "gis_systems": list(GIS_SYSTEM_NAMES.items()),
            **_choices(session),
        },
        status_code,
    )


@router.get("/products/{product_id}")
def product_card(request: Request, session: SessionDep, product_id: IdPath) -> Response:
    return _product_card(request, session, get_or_404(session, Product, product_id))


@router.post("/products/{product_id}/{action}")
async def product_action(
    request: Request, session: SessionDep, product_id: IdPath, action: str
) -> Response:
    product = get_or_404(session, Product, product_id)
    values = await _form_values(request)
    version = _int_or_none(values.get("version"))
    try:
        if action == "edit":
            form = ProductForm.model_validate(values)
            product_service.update_product(
                session, product, form.model_dump(), expected_version=version
            )
        elif action == "stock":
            stock = StockForm.model_validate(values)
            product_service.set_stock(
                session,
                product_id=product.id,
                warehouse_id=stock.warehouse_id,
                quantity_on_hand=stock.quantity_on_hand,
            )
        elif action == "delete":
            product_service.delete_product(session, product, expected_version=version)
            session.commit()
            return _redirect("/products")
        else:
            raise NotFound("action.unknown", f"Unknown action {action!r}.")
        session.commit()
    except (ValidationError, DomainError, StaleDataError) as exc:
        session.rollback()
        errors, code = _errors_of(exc, request, action)
        changes = []
        if action == "edit":
            changes = _stale_diff(
                exc,
                product,
                values,
                product_service.PRODUCT_FIELDS,
                {"gis_system": GIS_SYSTEM_NAMES},
            )
        return _product_card(request, session, product, values, errors, code, changes)
    return _redirect(f"/products/{product.id}")


# Warehouses


def _warehouse_list(request, session, form, errors, status_code=200) -> Response:
    return _render(
        request,
        "products/warehouses.html",
        {
            "warehouses": sales_queries.list_warehouses(session, limit=500).items,
            "stock": sales_queries.list_stock(session, limit=500).items,
            "form": form,
            "errors": errors,
            **_choices(session),
        },
        status_code,
    )


@router.get("/warehouses")
def warehouse_list(request: Request, session: SessionDep) -> Response:
    return _warehouse_list(request, session, {}, {})


@router.post("/warehouses")
async def warehouse_create(request: Request, session: SessionDep) -> Response:
    values = await _form_values(request)
    try:
        form = WarehouseForm.model_validate(values)
        product_service.create_warehouse(session, **form.model_dump())
        session.commit()
    except (ValidationError, DomainError) as exc:
        session.rollback()
        errors, code = _errors_of(exc, request, "name")
        return _warehouse_list(request, session, values, errors, code)
    return _redirect("/warehouses")


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
        "q": _filter_text(q),
        "kind": kind if kind in AGREEMENT_KINDS else "",
        "partner_id": _int_or_none(partner_id),
        "sort": _sort(sort, sales_queries.AGREEMENT_SORTS),
    }
    start = min(_int_or_none(offset) or 0, 2**31 - 1)
    page = sales_queries.list_agreements(
        session,
        q=filters["q"] or None,
        kind=filters["kind"] or None,
        partner_id=filters["partner_id"],
        sort=filters["sort"] or None,
        limit=PAGE_SIZE,
        offset=start,
    )
    return _render(
        request,
        "agreements/list.html",
        {
            "page": page,
            "filters": filters,
            "offset": start,
            "page_size": PAGE_SIZE,
            **_choices(session),
        },
    )


def _agreement_form(
    request, session, form, errors, agreement=None, status_code=200, changes=None
) -> Response:
    return _render(
        request,
        "agreements/form.html",
        {
            "form": form,
            "errors": errors,
            "agreement": agreement,
            "changes": changes or [],
            **_choices(session),
        },
        status_code,
    )


@router.get("/agreements/new")
def agreement_new(request: Request, session: SessionDep, partner_id: str | None = None) -> Response:
    pid = _int_or_none(partner_id)
    form = {
        "kind": "individual" if pid else "typical",
        "partner_id": pid or "",
        "valid_from": dt.date.today().isoformat(),
        "max_manual_discount_percent": "5",
    }
    return _agreement_form(request, session, form, {})


@router.post("/agreements")
async def agreement_create(request: Request, session: SessionDep) -> Response:
    values = await _form_values(request)
    try:
        form = AgreementForm.model_validate(values)
        agreement = agreement_service.create_agreement(session, **form.model_dump())
        session.commit()
    except (ValidationError, DomainError) as exc:
        session.rollback()
        errors, code = _errors_of(exc, request, "name")
        return _agreement_form(request, session, values, errors, None, code)
    return _redirect(f"/agreements/{agreement.id}")


@router.get("/agreements/{agreement_id}")
def agreement_card(request: Request, session: SessionDep, agreement_id: IdPath) -> Response:
    agreement = get_or_404(session, Agreement, agreement_id)
    form = {name: getattr(agreement, name) for name in agreement_service.FIELDS}
    # Percentages as typed in the operator's language (5, not 5.00).
    form = {
        k: format_input_number(v, _lang(request)) if isinstance(v, Decimal) else v
        for k, v in form.items()
    }
    form = {k: ("" if v is None else v) for k, v in form.items()}
    form["version"] = agreement.version
    return _agreement_form(request, session, form, {}, agreement)


@router.post("/agreements/{agreement_id}/edit")
async def agreement_edit(request: Request, session: SessionDep, agreement_id: IdPath) -> Response:
    agreement = get_or_404(session, Agreement, agreement_id)
    values = await _form_values(request)
    try:
        form = AgreementForm.model_validate(values)
        agreement_service.update_agreement(
            session,
            agreement,
            form.model_dump(),
            expected_version=_int_or_none(values.get("version")),
        )
        session.commit()
    except (ValidationError, DomainError, StaleDataError) as exc:
        session.rollback()
        errors, code = _errors_of(exc, request, "name")
        changes = _stale_diff(
            exc,
            agreement,
            values,
            agreement_service.FIELDS,
            {
                "partner_id": _names(session, Partner),
                "kind": _enum_labels(request, "agreement_kind", AGREEMENT_KINDS),
                "price_type": _enum_labels(request, "price_type", PRICE_TYPES),
                "settlement_control": _enum_labels(request, "settlement", SETTLEMENT_CONTROLS),
            },
        )
        return _agreement_form(request, session, values, errors, agreement, code, changes)
    return _redirect(f"/agreements/{agreement.id}")


# Commercial offers


@router.get("/offers")
def offer_list(
    request: Request,
    session: SessionDep,
    q: str | None = None,
    status: str | None = None,
    partner_id: str | None = None,
    sort: str | None = None,
    offset: str | None = None,
) -> Response:
    filters = {
        "q": _filter_text(q),
        "status": status if status in OFFER_STATUSES else "",
        "partner_id": _int_or_none(partner_id),
        "sort": _sort(sort, sales_queries.OFFER_SORTS),
    }
    start = min(_int_or_none(offset) or 0, 2**31 - 1)
    page = sales_queries.list_offers(
        session,
        q=filters["q"] or None,
        status=filters["status"] or None,
        partner_id=filters["partner_id"],
        sort=filters["sort"] or None,
        limit=PAGE_SIZE,
        offset=start,
    )
    return _render(
        request,
        "offers/list.html",
        {
            "page": page,
            "filters": filters,
            "offset": start,
            "page_size": PAGE_SIZE,
            **_choices(session),
        },
    )


def _doc_form(request, session, template, form, errors, status_code=200) -> Response:
    return _render(
        request, template, {"form": form, "errors": errors, **_choices(session)}, status_code
    )


@router.get("/offers/new")
def offer_new(
    request: Request, session: SessionDep, partner_id: str | None = None, deal_id: str | None = None
) -> Response:
    form = {"partner_id": _int_or_none(partner_id) or "", "deal_id": _int_or_none(deal_id) or ""}
    return _doc_form(request, session, "offers/form.html", form, {})


@router.post("/offers")
async def offer_create(request: Request, session: SessionDep) -> Response:
    values = await _form_values(request)
    try:
        form = OfferForm.model_validate(values)
        offer = offer_service.create_offer(session, **form.model_dump())
        session.commit()
    except (ValidationError, DomainError) as exc:
        session.rollback()
        errors, code = _errors_of(exc, request, "partner_id")
        return _doc_form(request, session, "offers/form.html", values, errors, code)
    return _redirect(f"/offers/{offer.id}")


Options = list[tuple[int, str]]


def _with_current(options: Options, current: int | None, names: dict[int, str]) -> Options:
    """A document keeps its reference even when the row left the choices (an expired agreement,
    an inactive manager): posting the form unchanged must not clear it."""
    if current is not None and all(value != current for value, _ in options):
        options = [(current, names.get(current, str(current))), *options]
    return options


def _header_choices(session: Session, document: CustomerOrder | CommercialOffer) -> dict:
    """Options of a document header's edit form: what may be picked for its partner."""
    partner_id = document.partner_id
    agreements = sales_queries.list_agreements(
        session, available_to_partner=partner_id, limit=200
    ).items
    deals = queries.list_deals(session, partner_id=partner_id, limit=300).items
    counterparties = queries.list_counterparties(session, partner_id=partner_id, limit=100).items
    labels = _header_labels(session, document)
    return {
        "agreement_options": _with_current(
            [(a.id, f"{a.number} {a.name}") for a in agreements],
            document.agreement_id,
            labels["agreement_id"],
        ),
        "deal_options": _with_current(
            [(d.id, f"{d.number} {d.name}") for d in deals], document.deal_id, labels["deal_id"]
        ),
        "counterparty_options": _with_current(
            [(c.id, c.legal_name) for c in counterparties],
            getattr(document, "counterparty_id", None),
            labels["counterparty_id"],
        ),
        "manager_options": _with_current(
            [(u.id, u.full_name) for u in queries.users(session)],
            document.manager_id,
            labels["manager_id"],
        ),
    }


def _header_labels(
    session: Session, document: CustomerOrder | CommercialOffer
) -> dict[str, dict[int, str]]:
    """Names instead of ids in the "what changed" table of a document header."""
    deals = session.scalars(select(Deal).where(Deal.partner_id == document.partner_id))
    counterparties = session.scalars(
        select(Counterparty).where(Counterparty.partner_id == document.partner_id)
    )
    return {
        "agreement_id": {a.id: f"{a.number} {a.name}" for a in session.scalars(select(Agreement))},
        "deal_id": {d.id: f"{d.number} {d.name}" for d in deals},
        "counterparty_id": {c.id: c.legal_name for c in counterparties},
        "manager_id": _names(session, User, "full_name"),
    }


def _reference_labels(session: Session, document: Any) -> dict[str, dict[int, str]]:
    """Number and name of the deal and offer a document points at, for links that never show
    a bare id."""
    deal_names: dict[int, str] = {}
    offer_names: dict[int, str] = {}
    deal = session.get(Deal, document.deal_id) if getattr(document, "deal_id", None) else None
    if deal is not None:
        deal_names[deal.id] = f"{deal.number} {deal.name}"
    offer_id = getattr(document, "commercial_offer_id", None)
    offer = session.get(CommercialOffer, offer_id) if offer_id else None
    if offer is not None:
        offer_names[offer.id] = offer.number
    return {"deal_names": deal_names, "offer_names": offer_names}


def _offer_card(
    request,
    session,
    offer,
    form=None,
    errors=None,
    status_code=200,
    *,
    action: str = "",
    changes: list | None = None,
    stale_caption: str = "",
) -> Response:
    return _render(
        request,
        "offers/card.html",
        {
            "offer": offer,
            "lines": offer_service.offer_lines(session, offer.id),
            "orders": offer_service.offer_orders(session, offer.id),
            "form": form or {},
            "errors": errors or {},
            "failed_action": action,
            "changes": changes or [],
            "stale_caption": stale_caption,
            **_reference_labels(session, offer),
            **_header_choices(session, offer),
            **_choices(session),
        },
        status_code,
    )


@router.get("/offers/{offer_id}")
def offer_card(request: Request, session: SessionDep, offer_id: IdPath) -> Response:
    return _offer_card(request, session, get_or_404(session, CommercialOffer, offer_id))


@router.post("/offers/{offer_id}/{action}")
async def offer_action(
    request: Request, session: SessionDep, user: CurrentUser, offer_id: IdPath, action: str
) -> Response:
    offer = get_or_404(session, CommercialOffer, offer_id)
    values = await _form_values(request)
    version = _int_or_none(values.get("version"))
    target = f"/offers/{offer.id}"
    edited: Any = None
    try:
        if action == "edit":
            edited = offer
            header = OfferHeaderForm.model_validate(values)
            offer_service.update_offer(
                session,
                offer,
                _posted(header, values, OFFER_HEADER_FIELDS),
                expected_version=header.version,
            )
        elif action == "add_line":
            line = LineForm.model_validate(values)
            offer_service.add_line(session, offer, line.model_dump(exclude_none=True))
        elif action == "edit_line":
            line_id = _int_or_none(values.get("line_id")) or 0
            edited = offer_service.get_line(session, offer, line_id)
            line_form = LineEditForm.model_validate(values)
            offer_service.update_line(
                session,
                offer,
                edited,
                _line_changes(line_form, values, OFFER_LINE_EDIT_FIELDS),
                expected_version=line_form.version,
            )
        elif action == "delete_line":
            line_id = _int_or_none(values.get("line_id")) or 0
            offer_service.delete_line(
                session,
                offer,
                offer_service.get_line(session, offer, line_id),
                expected_version=version,
            )
        elif action == "send":
            offer_service.send_offer(session, offer, expected_version=version)
        elif action == "accept":
            order = offer_service.accept_offer(
                session,
                offer,
                warehouse_id=_int_or_none(values.get("warehouse_id")),
                expected_version=version,
                decided_by_id=user.id,
            )
            session.flush()
            target = f"/orders/{order.id}"
        elif action == "reject":
            offer_service.reject_offer(
                session, offer, expected_version=version, decided_by_id=user.id
            )
        elif action == "expire":
            offer_service.expire_offer(session, offer, expected_version=version)
        elif action == "delete":
            offer_service.delete_offer(session, offer, expected_version=version)
            target = "/offers"
        else:
            raise NotFound("action.unknown", f"Unknown action {action!r}.")
        session.commit()
    except (ValidationError, DomainError, StaleDataError) as exc:
        session.rollback()
        errors, code = _errors_of(exc, request, action)
        changes, caption = [], ""
        if edited is offer:
            labels = _header_labels(session, offer)
            changes = _stale_diff(exc, offer, values, OFFER_HEADER_FIELDS, labels)
        elif edited is not None:
            changes = _stale_diff(exc, edited, values, OFFER_LINE_EDIT_FIELDS)
            caption = translate("order.line_n", _lang(request), line=edited.line_number)
        return _offer_card(
            request,
            session,
            offer,
            values,
            errors,
            code,
            action=action,
            changes=changes,
            stale_caption=caption,
        )
    return _redirect(target)


# Customer orders


@router.get("/orders")
def order_list(
    request: Request,
    session: SessionDep,
    q: str | None = None,
    status: str | None = None,
    partner_id: str | None = None,
    requires_approval: str | None = None,
    sort: str | None = None,
    offset: str | None = None,
) -> Response:
    filters = {
        "q": _filter_text(q),
        "status": status if status in ORDER_STATUSES else "",
        "partner_id": _int_or_none(partner_id),
        "requires_approval": "1" if requires_approval == "1" else "",
        "sort": _sort(sort, sales_queries.ORDER_SORTS),
    }
    start = min(_int_or_none(offset) or 0, 2**31 - 1)
    page = sales_queries.list_orders(
        session,
        q=filters["q"] or None,
        status=filters["status"] or None,
        partner_id=filters["partner_id"],
        requires_approval=True if filters["requires_approval"] else None,
        sort=filters["sort"] or None,
        limit=PAGE_SIZE,
        offset=start,
    )
    return _render(
        request,
        "orders/list.html",
        {
            "page": page,
            "filters": filters,
            "offset": start,
            "page_size": PAGE_SIZE,
            "sums": sales_queries.shipped_and_paid(session, [o.id for o in page.items]),
            **_choices(session),
        },
    )


@router.get("/orders/new")
def order_new(
    request: Request, session: SessionDep, partner_id: str | None = None, deal_id: str | None = None
) -> Response:
    form = {"partner_id": _int_or_none(partner_id) or "", "deal_id": _int_or_none(deal_id) or ""}
    return _doc_form(request, session, "orders/form.html", form, {})


@router.post("/orders")
async def order_create(request: Request, session: SessionDep) -> Response:
    values = await _form_values(request)
    try:
        form = OrderForm.model_validate(values)
        order = order_service.create_order(session, **form.model_dump())
        session.commit()
    except (ValidationError, DomainError) as exc:
        session.rollback()
        errors, code = _errors_of(exc, request, "partner_id")
        return _doc_form(request, session, "orders/form.html", values, errors, code)
    return _redirect(f"/orders/{order.id}")


def _order_card(
    request,
    session,
    order,
    form=None,
    errors=None,
    status_code=200,
    *,
    action: str = "",
    changes: list | None = None,
    stale_caption: str = "",
) -> Response:
    lines = order_service.order_lines(session, order.id)
    shipments = order_service.shipments(session, order.id)
    shipment_lines = {
        s.id: list(
            session.query(ShipmentLine).filter(
                ShipmentLine.shipment_id == s.id, ShipmentLine.deleted_at.is_(None)
            )
        )
        for s in shipments
    }
    # Lines of other open orders with the same goods: targets for Корректировка назначения.
    move_targets = {}
    for line in lines:
        if line.warehouse_id is None:
            continue
        move_targets[line.id] = list(
            session.query(CustomerOrderLine)
            .join(CustomerOrder, CustomerOrder.id == CustomerOrderLine.customer_order_id)
            .filter(
                CustomerOrderLine.product_id == line.product_id,
                CustomerOrderLine.warehouse_id == line.warehouse_id,
                CustomerOrderLine.id != line.id,
                CustomerOrderLine.deleted_at.is_(None),
                CustomerOrder.deleted_at.is_(None),
                CustomerOrder.status.in_(product_service.OPEN_ORDER_STATUSES),
            )
            .limit(50)
        )
    order_numbers = _names(session, CustomerOrder, "number")
    adjustments = order_service.reserve_adjustments(session, order.id)
    # Корректировка назначения names lines as "order number / line number", never by row id.
    adjusted_ids = {a.from_order_line_id for a in adjustments} | {
        a.to_order_line_id for a in adjustments
    }
    adjusted_ids.discard(None)
    line_labels = {
        line.id: f"{order_numbers.get(line.customer_order_id, '')} / {line.line_number}"
        for line in session.query(CustomerOrderLine).filter(CustomerOrderLine.id.in_(adjusted_ids))
    }
    return _render(
        request,
        "orders/card.html",
        {
            "order": order,
            "lines": lines,
            "totals": order_service.order_totals(session, order),
            "schedule": order_service.payment_schedule(session, order.id),
            "shipments": shipments,
            "shipment_lines": shipment_lines,
            "payments": order_service.payments(session, order.id),
            "adjustments": adjustments,
            "line_labels": line_labels,
            **_reference_labels(session, order),
            "move_targets": move_targets,
            "order_numbers": order_numbers,
            "line_orders": {
                line.id: line.customer_order_id
                for targets in move_targets.values()
                for line in targets
            },
            "limit": order_service.discount_limit(
                session.get(Agreement, order.agreement_id) if order.agreement_id else None
            ),
            "header_editable": order.status in product_service.OPEN_ORDER_STATUSES,
            "form": form or {},
            "errors": errors or {},
            "failed_action": action,
            "changes": changes or [],
            "stale_caption": stale_caption,
            **_header_choices(session, order),
            **_choices(session),
        },
        status_code,
    )


@router.get("/orders/{order_id}")
def order_card(request: Request, session: SessionDep, order_id: IdPath) -> Response:
    return _order_card(request, session, get_or_404(session, CustomerOrder, order_id))


def _line_of(session: Session, order: CustomerOrder, values: dict[str, str]) -> CustomerOrderLine:
    return order_service.get_line(session, order, _int_or_none(values.get("line_id")) or 0)


@router.post("/orders/{order_id}/{action}")
async def order_action(
    request: Request, session: SessionDep, order_id: IdPath, action: str, user: CurrentUser
) -> Response:
    order = get_or_404(session, CustomerOrder, order_id)
    values = await _form_values(request)
    version = _int_or_none(values.get("version"))
    target = f"/orders/{order.id}"
    simple: dict[str, Callable[..., Any]] = {
        "to_ship": order_service.release_to_shipping,
        "return_to_draft": order_service.return_to_draft,
        "close": order_service.close_order,
    }
    edited: Any = None
    try:
        if action == "edit":
            edited = order
            header = OrderHeaderForm.model_validate(values)
            order_service.update_order(
                session,
                order,
                _posted(header, values, ORDER_HEADER_FIELDS),
                expected_version=header.version,
            )
        elif action == "add_line":
            line = LineForm.model_validate(values)
            order_service.add_line(
                session, order, line.model_dump(exclude_none=True, exclude={"price_adjustment"})
            )
        elif action == "edit_line":
            edited = _line_of(session, order, values)
            line_form = LineEditForm.model_validate(values)
            order_service.update_line(
                session,
                order,
                edited,
                _line_changes(line_form, values, ORDER_LINE_EDIT_FIELDS),
                expected_version=line_form.version,
                user_id=user.id,
            )
        elif action == "delete_line":
            order_service.delete_line(
                session,
                order,
                _line_of(session, order, values),
                expected_version=version,
                user_id=user.id,
            )
        elif action == "reserve_all":
            order_service.reserve_order(session, order, user_id=user.id)
        elif action == "reserve":
            qty = QtyForm.model_validate(values).quantity
            order_service.reserve_line(
                session, order, _line_of(session, order, values), qty, user_id=user.id
            )
        elif action == "release":
            qty = QtyForm.model_validate(values).quantity
            order_service.release_reserve(
                session, order, _line_of(session, order, values), qty, user_id=user.id
            )
        elif action == "release_excess":
            order_service.release_excess(session, order, user_id=user.id)
        elif action == "move_reserve":
            move = MoveForm.model_validate(values)
            source = order_service.get_line(session, order, move.line_id)
            other = session.get(CustomerOrderLine, move.to_line_id)
            if other is None or other.deleted_at is not None:
                raise NotFound("order_line.not_found", "The target line does not exist.")
            order_service.move_reserve(session, source, other, move.quantity, user_id=user.id)
        elif action == "submit":
            order_service.submit_order(session, order, expected_version=version, user=user)
        elif action == "approve":
            order_service.approve_order(session, order, user, expected_version=version)
        elif action == "cancel":
            order_service.cancel_order(session, order, expected_version=version, user_id=user.id)
        elif action in simple:
            simple[action](session, order, expected_version=version)
        elif action == "ship":
            lines = []
            for line in order_service.order_lines(session, order.id):
                raw = (values.get(f"ship_{line.id}") or "").strip()
                if raw:
                    qty = QtyForm.model_validate({"quantity": raw}).quantity
                    lines.append({"order_line_id": line.id, "quantity": qty})
            order_service.record_shipment(session, order, lines, expected_version=version)
        elif action == "pay":
            payment = PaymentForm.model_validate(values)
            order_service.record_payment(session, order, payment.amount, expected_version=version)
        elif action == "schedule":
            items = []
            for index in range(10):
                if not (values.get(f"amount_{index}") or "").strip():
                    continue
                item = ScheduleItemForm.model_validate(
                    {
                        "due_date": values.get(f"due_date_{index}"),
                        "kind": values.get(f"kind_{index}"),
                        "amount": values.get(f"amount_{index}"),
                    }
                )
                items.append(item.model_dump())
            order_service.replace_payment_schedule(session, order, items, expected_version=version)
        elif action == "delete":
            order_service.delete_order(session, order, expected_version=version)
            target = "/orders"
        else:
            raise NotFound("action.unknown", f"Unknown action {action!r}.")
        session.commit()
    except (ValidationError, DomainError, StaleDataError) as exc:
        session.rollback()
        errors, code = _errors_of(exc, request, action)
        changes, caption = [], ""
        if edited is order:
            labels = _header_labels(session, order)
            changes = _stale_diff(exc, order, values, ORDER_HEADER_FIELDS, labels)
        elif edited is not None:
            labels = {"warehouse_id": _names(session, Warehouse)}
            changes = _stale_diff(exc, edited, values, ORDER_LINE_EDIT_FIELDS, labels)
            caption = translate("order.line_n", _lang(request), line=edited.line_number)
        return _order_card(
            request,
            session,
            order,
            values,
            errors,
            code,
            action=action,
            changes=changes,
            stale_caption=caption,
        )
    return _redirect(target)


def _sales_names(session: Session) -> dict[str, Any]:
    return {
        "agreement_names": _names(session, Agreement),
        "partner_names": _names(session, Partner),
    }


@pass_context
def partner_sales(context: dict, partner_id: int) -> dict[str, Any]:
    """The partner card's sections: agreements, orders and the partner's debt."""
    with context["request"].app.state.session_factory() as session:
        orders_page = sales_queries.list_orders(session, partner_id=partner_id, limit=200)
        return {
            "agreements": sales_queries.list_agreements(
                session, available_to_partner=partner_id, limit=200
            ).items,
            "orders": orders_page.items,
            "sums": sales_queries.shipped_and_paid(session, [o.id for o in orders_page.items]),
            "debt": order_service.partner_debt(session, partner_id),
            **_sales_names(session),
        }


@pass_context
def deal_sales(context: dict, deal_id: int) -> dict[str, Any]:
    """The deal card's sections: its commercial offers and customer orders."""
    with context["request"].app.state.session_factory() as session:
        return {
            "offers": sales_queries.list_offers(session, deal_id=deal_id, limit=200).items,
            "orders": sales_queries.list_orders(session, deal_id=deal_id, limit=200).items,
            **_sales_names(session),
        }


def template_globals() -> dict[str, Any]:
    return {"partner_sales": partner_sales, "deal_sales": deal_sales}
