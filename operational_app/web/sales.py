"""Forms and helpers shared by the sales pages (products, warehouses, agreements, offers,
orders), and the sales sections of the partner and deal cards (template globals).

Plain HTML forms, no JavaScript. A successful POST redirects (PRG); a refused one re-renders the
page with the error beside its field (or as a banner) and what the operator typed kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Request
from fastapi.responses import Response
from jinja2 import pass_context
from pydantic import BeforeValidator, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from operational_app.api.schemas import Id, LongText, Name200, Name300, PlannedDate, Version, text
from operational_app.api.schemas_sales import (
    AgreementKind,
    Days,
    GisSystem,
    NetQuantity,
    NetUnit,
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
    Deal,
    Partner,
    Product,
    User,
    Warehouse,
)
from operational_app.domain import orders as order_service
from operational_app.domain import queries, sales_queries
from operational_app.domain.errors import DomainError, StaleVersion
from operational_app.i18n import translate
from operational_app.web.common import (
    form_values,
    int_or_none,
    names_by_id,
    redirect,
    render,
    request_lang,
)
from operational_app.web.forms import FormAmount, FormModel, domain_error_message, form_errors
from operational_app.web.stale import is_stale, stale_changes


@dataclass
class Attempt:
    """One action posted from a document's card (an order, an offer): the document, what the
    form posted, and the row being edited (the header or a line), whose stale fields are shown
    when the edit is refused."""

    document: Any
    values: dict[str, str]
    edited: Any = None

    @property
    def version(self) -> int | None:
        return int_or_none(self.values.get("version"))


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
    # Packaged goods: the net quantity the price tag's unit price is computed from.
    net_quantity: Annotated[NetQuantity, BeforeValidator(_normalise_number)] | None = None
    net_unit: NetUnit | None = None


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


def posted_fields(
    form: FormModel, values: dict[str, str], fields: tuple[str, ...]
) -> dict[str, Any]:
    """The validated values of the fields the page posted."""
    return {name: getattr(form, name) for name in fields if name in values}


def line_changes(form: LineEditForm, values: dict[str, str], fields: tuple[str, ...]) -> dict:
    changes = posted_fields(form, values, fields)
    return {
        name: value
        for name, value in changes.items()
        if value is not None or name == "warehouse_id"
    }


def sort_order(value: str | None, allowed: tuple[str, ...]) -> str:
    return value if value and value.lstrip("-") in allowed else ""


def sales_choices(session: Session) -> dict[str, Any]:
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
        "partner_names": names_by_id(session, Partner),
        "product_names": names_by_id(session, Product),
        "warehouse_names": names_by_id(session, Warehouse),
        "agreement_names": names_by_id(session, Agreement),
        "user_names": names_by_id(session, User, "full_name"),
    }


def stale_diff(
    exc: Exception,
    entity: Any,
    values: dict[str, str],
    fields: tuple[str, ...],
    labels: dict[str, Any] | None = None,
) -> list:
    """What another user changed, when `exc` refused an outdated version (after rollback)."""
    return stale_changes(entity, values, fields, labels) if is_stale(exc) else []


def enum_labels(request: Request, prefix: str, codes: tuple[str, ...]) -> dict[str, str]:
    return {code: translate(f"{prefix}.{code}", request_lang(request)) for code in codes}


def errors_of(exc: Exception, request: Request, default_field: str) -> tuple[dict[str, str], int]:
    if isinstance(exc, ValidationError):
        return form_errors(exc, request_lang(request)), 422
    if isinstance(exc, StaleDataError):
        exc = StaleVersion("stale_version", "The record was changed by someone else.")
    assert isinstance(exc, DomainError)
    return {
        exc.field or default_field: domain_error_message(exc, request_lang(request))
    }, exc.status_code


def document_form(request, session, template, form, errors, status_code=200) -> Response:
    return render(
        request, template, {"form": form, "errors": errors, **sales_choices(session)}, status_code
    )


Options = list[tuple[int, str]]


def with_current(options: Options, current: int | None, names: dict[int, str]) -> Options:
    """A document keeps its reference even when the row left the choices (an expired agreement,
    an inactive manager): posting the form unchanged must not clear it."""
    if current is not None and all(value != current for value, _ in options):
        options = [(current, names.get(current, str(current))), *options]
    return options


def header_choices(session: Session, document: CustomerOrder | CommercialOffer) -> dict:
    """Options of a document header's edit form: what may be picked for its partner."""
    partner_id = document.partner_id
    agreements = sales_queries.list_agreements(
        session, available_to_partner=partner_id, limit=200
    ).items
    deals = queries.list_deals(session, partner_id=partner_id, limit=300).items
    counterparties = queries.list_counterparties(session, partner_id=partner_id, limit=100).items
    labels = header_labels(session, document)
    return {
        "agreement_options": with_current(
            [(a.id, f"{a.number} {a.name}") for a in agreements],
            document.agreement_id,
            labels["agreement_id"],
        ),
        "deal_options": with_current(
            [(d.id, f"{d.number} {d.name}") for d in deals], document.deal_id, labels["deal_id"]
        ),
        "counterparty_options": with_current(
            [(c.id, c.legal_name) for c in counterparties],
            getattr(document, "counterparty_id", None),
            labels["counterparty_id"],
        ),
        "manager_options": with_current(
            [(u.id, u.full_name) for u in queries.users(session)],
            document.manager_id,
            labels["manager_id"],
        ),
    }


def header_labels(
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
        "manager_id": names_by_id(session, User, "full_name"),
    }


def reference_labels(session: Session, document: Any) -> dict[str, dict[int, str]]:
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


def _sales_names(session: Session) -> dict[str, Any]:
    return {
        "agreement_names": names_by_id(session, Agreement),
        "partner_names": names_by_id(session, Partner),
    }


async def document_action(
    request: Request,
    session: Session,
    document: Any,
    action: str,
    work: Callable[[Attempt], str | None],
    *,
    card: Callable[..., Response],
    card_url: str,
    header_fields: tuple[str, ...],
    line_fields: tuple[str, ...],
    line_labels: Callable[[], dict[str, Any]] = dict,
) -> Response:
    """Run `work` on a document (an order, an offer) and commit, then back to its card (or to
    where `work` says); a refusal re-renders the card with the error beside the form of
    `action` and, for a stale edit, what another user changed in the header or the line."""
    attempt = Attempt(document, await form_values(request))
    try:
        target = work(attempt) or card_url
        session.commit()
    except (ValidationError, DomainError, StaleDataError) as exc:
        session.rollback()
        errors, code = errors_of(exc, request, action)
        changes, caption = [], ""
        values, edited = attempt.values, attempt.edited
        if edited is document:
            labels = header_labels(session, document)
            changes = stale_diff(exc, document, values, header_fields, labels)
        elif edited is not None:
            changes = stale_diff(exc, edited, values, line_fields, line_labels())
            caption = translate("order.line_n", request_lang(request), line=edited.line_number)
        return card(
            request,
            session,
            document,
            values,
            errors,
            code,
            action=action,
            changes=changes,
            stale_caption=caption,
        )
    return redirect(target)


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
