"""Розница (issue 21): the operators' pages for stores, cash registers, loyalty programmes,
discount cards and price tag templates (list, create, edit), and the price tags print.

The five reference books share one shape, so one `Book` describes each (its form, fields,
list columns and domain functions) and `_book_routes` makes its four routes; the rules live in
`domain.retail`, `domain.loyalty` and `domain.price_tags`. No JavaScript: a refused save shows
the page again with the error beside its field and the typed values kept; a stale edit (409)
also lists what the other user changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BeforeValidator, Field, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from operational_app.api.deps import IdPath, SessionDep
from operational_app.api.schemas import Id, Name200, PlannedDate, Version, text
from operational_app.db.models import (
    LOYALTY_KINDS,
    CashRegister,
    DiscountCard,
    LoyaltyProgramme,
    Organization,
    PriceTagTemplate,
    Product,
    Store,
    Warehouse,
)
from operational_app.domain import loyalty, price_tags
from operational_app.domain import retail as retail_service
from operational_app.domain.common import get_or_404
from operational_app.domain.errors import DomainError
from operational_app.i18n import translate
from operational_app.web.common import (
    PAGE_SIZE,
    failure_errors,
    form_values,
    page_offset,
    redirect,
    render,
    request_lang,
    text_filter,
)
from operational_app.web.forms import FormModel, _normalise_amount, form_errors
from operational_app.web.stale import is_stale, stale_changes

router = APIRouter(include_in_schema=False)

FormDecimal = Annotated[Decimal, BeforeValidator(_normalise_amount)]
FormPercent = Annotated[FormDecimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
YesNo = Annotated[str, Field(pattern="^[01]$")]


class StoreForm(FormModel):
    version: Version | None = None
    name: Name200
    address: text(300) | None = None
    organization_id: Id
    warehouse_id: Id


class CashRegisterForm(FormModel):
    version: Version | None = None
    store_id: Id
    registration_number: text(20)
    fiscal_drive_number: text(20) | None = None
    ofd_name: text(200) | None = None
    ofd_inn: text(12) | None = None


class ProgrammeForm(FormModel):
    version: Version | None = None
    name: Name200
    kind: text(20)
    discount_percent: FormPercent = Decimal(0)
    accrual_percent: FormPercent = Decimal(0)
    max_redemption_percent: FormPercent = Decimal(0)
    point_value: Annotated[FormDecimal, Field(gt=0, lt=Decimal("1e8"))] = Decimal(1)
    points_validity_days: Annotated[int, Field(gt=0, le=36_500)] | None = None

    def fields(self) -> dict[str, Any]:
        values = self.model_dump(exclude={"version"})
        for name in ("discount_percent", "accrual_percent", "max_redemption_percent"):
            values[name] = values[name] if values[name] is not None else Decimal(0)
        values["point_value"] = values["point_value"] or Decimal(1)
        return values


class CardForm(FormModel):
    version: Version | None = None
    number: text(40)
    programme_id: Id
    partner_id: Id | None = None
    contact_person_id: Id | None = None
    issued_on: PlannedDate
    blocked_on: PlannedDate | None = None


class TemplateForm(FormModel):
    version: Version | None = None
    name: Name200
    columns: Annotated[int, Field(ge=1, le=4)]
    rows: Annotated[int, Field(ge=1, le=12)]
    show_old_price: YesNo = "1"
    show_barcode: YesNo = "1"

    def fields(self) -> dict[str, Any]:
        values = self.model_dump(exclude={"version"})
        values["show_old_price"] = values["show_old_price"] == "1"
        values["show_barcode"] = values["show_barcode"] == "1"
        return values


@dataclass(frozen=True)
class Input:
    """One form input: `kind` text | number | date | select | yesno; `choices(session, lang)`
    gives a select's (value, label) pairs."""

    name: str
    kind: str = "text"
    required: bool = False
    choices: Callable[[Session, str], list[tuple[Any, str]]] | None = None
    attrs: str = ""


@dataclass(frozen=True)
class Book:
    """A reference book's pages: where they live, the form, and what the list shows."""

    key: str  # i18n: nav.<key>s is the list's title, <key>.title the record's
    path: str
    model: type
    form: type[FormModel]
    inputs: tuple[Input, ...]
    columns: tuple[str, ...]  # fields shown in the list (first one links to the record)
    create: Callable[..., Any]
    update: Callable[..., Any]
    rows: Callable[[Session, dict[str, str]], tuple[Sequence[Any], int]]
    shown: Callable[[Session, Sequence[Any], str], dict[str, dict[Any, str]]] = field(
        default=lambda session, rows, lang: {}
    )
    search: bool = False
    hint: str | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(item.name for item in self.inputs)

    def values(self, form: FormModel) -> dict[str, Any]:
        fields = getattr(form, "fields", None)
        return fields() if callable(fields) else form.model_dump(exclude={"version"})


def _live(session: Session, model: Any, order: Any) -> list[Any]:
    return list(session.scalars(select(model).where(model.deleted_at.is_(None)).order_by(order)))


def _names(session: Session, model: Any, attr: str = "name") -> list[tuple[int, str]]:
    return [(row.id, getattr(row, attr)) for row in _live(session, model, getattr(model, attr))]


def _all(model: Any, order: Any) -> Callable[[Session, dict[str, str]], tuple[list[Any], int]]:
    def rows(session: Session, params: dict[str, str]) -> tuple[list[Any], int]:
        found = _live(session, model, order)
        return found, len(found)

    return rows


def _cards(session: Session, params: dict[str, str]) -> tuple[list[Any], int]:
    query = select(DiscountCard).where(DiscountCard.deleted_at.is_(None))
    number = text_filter(params.get("q")).strip()
    if number:
        query = query.where(DiscountCard.number.contains(number, autoescape=True))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    offset = page_offset(params.get("offset"))
    found = session.scalars(
        query.order_by(DiscountCard.number).offset(offset).limit(PAGE_SIZE)
    ).all()
    return found, total


def _yes_no(session: Session, lang: str) -> list[tuple[str, str]]:
    return [("1", translate("common.yes", lang)), ("0", translate("common.no", lang))]


def _kinds(session: Session, lang: str) -> list[tuple[str, str]]:
    return [(kind, translate(f"loyalty_kind.{kind}", lang)) for kind in LOYALTY_KINDS]


def _store_lookups(session: Session, rows: Sequence[Any], lang: str) -> dict[str, dict]:
    return {
        "organization_id": dict(_names(session, Organization)),
        "warehouse_id": dict(_names(session, Warehouse)),
    }


def _register_lookups(session: Session, rows: Sequence[Any], lang: str) -> dict[str, dict]:
    return {"store_id": dict(_names(session, Store))}


def _programme_lookups(session: Session, rows: Sequence[Any], lang: str) -> dict[str, dict]:
    return {"kind": dict(_kinds(session, lang))}


def _card_lookups(session: Session, rows: Sequence[Any], lang: str) -> dict[str, dict]:
    return {"programme_id": dict(_names(session, LoyaltyProgramme))}


def _template_lookups(session: Session, rows: Sequence[Any], lang: str) -> dict[str, dict]:
    yes_no = {True: translate("common.yes", lang), False: translate("common.no", lang)}
    return {"show_old_price": yes_no, "show_barcode": yes_no}


BOOKS = (
    Book(
        key="store",
        path="/stores",
        model=Store,
        form=StoreForm,
        inputs=(
            Input("name", required=True, attrs='maxlength="200"'),
            Input("address", attrs='maxlength="300"'),
            Input("organization_id", "select", True, lambda s, _: _names(s, Organization)),
            Input("warehouse_id", "select", True, lambda s, _: _names(s, Warehouse)),
        ),
        columns=("name", "address", "organization_id", "warehouse_id"),
        create=retail_service.create_store,
        update=retail_service.update_store,
        rows=_all(Store, Store.name),
        shown=_store_lookups,
    ),
    Book(
        key="cash_register",
        path="/cash-registers",
        model=CashRegister,
        form=CashRegisterForm,
        inputs=(
            Input("store_id", "select", True, lambda s, _: _names(s, Store)),
            Input(
                "registration_number",
                required=True,
                attrs='inputmode="numeric" maxlength="16"',
            ),
            Input("fiscal_drive_number", attrs='inputmode="numeric" maxlength="16"'),
            Input("ofd_name", attrs='maxlength="200"'),
            Input("ofd_inn", attrs='inputmode="numeric" maxlength="10"'),
        ),
        columns=("registration_number", "store_id", "fiscal_drive_number", "ofd_name"),
        create=retail_service.create_cash_register,
        update=retail_service.update_cash_register,
        rows=_all(CashRegister, CashRegister.registration_number),
        shown=_register_lookups,
    ),
    Book(
        key="loyalty_programme",
        path="/loyalty-programmes",
        model=LoyaltyProgramme,
        form=ProgrammeForm,
        inputs=(
            Input("name", required=True, attrs='maxlength="200"'),
            Input("kind", "select", True, _kinds),
            Input("discount_percent", "number", attrs='inputmode="decimal"'),
            Input("accrual_percent", "number", attrs='inputmode="decimal"'),
            Input("max_redemption_percent", "number", attrs='inputmode="decimal"'),
            Input("point_value", "number", attrs='inputmode="decimal"'),
            Input("points_validity_days", "number", attrs='inputmode="numeric"'),
        ),
        columns=(
            "name",
            "kind",
            "discount_percent",
            "accrual_percent",
            "max_redemption_percent",
            "point_value",
            "points_validity_days",
        ),
        create=loyalty.create_programme,
        update=loyalty.update_programme,
        rows=_all(LoyaltyProgramme, LoyaltyProgramme.name),
        shown=_programme_lookups,
    ),
    Book(
        key="discount_card",
        path="/discount-cards",
        model=DiscountCard,
        form=CardForm,
        inputs=(
            Input("number", required=True, attrs='maxlength="40"'),
            Input("programme_id", "select", True, lambda s, _: _names(s, LoyaltyProgramme)),
            Input("partner_id", "number", attrs='inputmode="numeric"'),
            Input("contact_person_id", "number", attrs='inputmode="numeric"'),
            Input("issued_on", "date", True),
            Input("blocked_on", "date"),
        ),
        columns=(
            "number",
            "programme_id",
            "partner_id",
            "contact_person_id",
            "issued_on",
            "blocked_on",
        ),
        create=loyalty.create_card,
        update=loyalty.update_card,
        rows=_cards,
        shown=_card_lookups,
        search=True,
        hint="retail.holder_hint",
    ),
    Book(
        key="price_tag_template",
        path="/price-tag-templates",
        model=PriceTagTemplate,
        form=TemplateForm,
        inputs=(
            Input("name", required=True, attrs='maxlength="200"'),
            Input("columns", "number", True, attrs='min="1" max="4"'),
            Input("rows", "number", True, attrs='min="1" max="12"'),
            Input("show_old_price", "yesno"),
            Input("show_barcode", "yesno"),
        ),
        columns=("name", "columns", "rows", "show_old_price", "show_barcode"),
        create=price_tags.create_template,
        update=price_tags.update_template,
        rows=_all(PriceTagTemplate, PriceTagTemplate.name),
        shown=_template_lookups,
        hint="retail.template_hint",
    ),
)


def _form_of(book: Book, record: Any) -> dict[str, str]:
    form = {}
    for item in book.inputs:
        value = getattr(record, item.name)
        if isinstance(value, bool):
            form[item.name] = "1" if value else "0"
        else:
            form[item.name] = "" if value is None else str(value)
    return form


def _list_page(request: Request, session: Session, book: Book) -> Response:
    params = dict(request.query_params)
    rows, total = book.rows(session, params)
    lang = request_lang(request)
    lookups = book.shown(session, rows, lang)
    table = [
        (
            row.id,
            [
                lookups.get(column, {}).get(getattr(row, column), getattr(row, column))
                for column in book.columns
            ],
        )
        for row in rows
    ]
    return render(
        request,
        "retail/list.html",
        {
            "book": book,
            "table": table,
            "total": total,
            "q": text_filter(params.get("q")),
            "offset": page_offset(params.get("offset")),
            "page_size": PAGE_SIZE,
        },
    )


def _form_page(
    request: Request,
    session: Session,
    book: Book,
    record: Any,
    form: dict[str, Any],
    errors: dict[str, str] | None = None,
    *,
    changes: list | None = None,
    status_code: int = 200,
) -> Response:
    lang = request_lang(request)
    choices = {
        item.name: (_yes_no if item.kind == "yesno" else item.choices)(session, lang)
        for item in book.inputs
        if item.kind in ("select", "yesno") and (item.choices or item.kind == "yesno")
    }
    return render(
        request,
        "retail/form.html",
        {
            "book": book,
            "record": record,
            "form": form,
            "errors": errors or {},
            "changes": changes or [],
            "choices": choices,
        },
        status_code=status_code,
    )


def _book_routes(book: Book) -> None:
    async def create(request: Request, session: SessionDep) -> Response:
        values = await form_values(request)
        lang = request_lang(request)
        try:
            form = book.form.model_validate(values)
        except ValidationError as exc:
            errors = form_errors(exc, lang)
            return _form_page(request, session, book, None, values, errors, status_code=422)
        try:
            book.create(session, **book.values(form))
            session.commit()
        except DomainError as exc:
            errors, code = failure_errors(session, exc, lang)
            return _form_page(request, session, book, None, values, errors, status_code=code)
        return redirect(book.path)

    async def update(request: Request, session: SessionDep, record_id: IdPath) -> Response:
        record = get_or_404(session, book.model, record_id)
        values = await form_values(request)
        lang = request_lang(request)
        try:
            form = book.form.model_validate(values)
            if form.version is None:  # type: ignore[attr-defined]
                raise ValueError
        except (ValidationError, ValueError) as exc:
            errors = (
                form_errors(exc, lang)
                if isinstance(exc, ValidationError)
                else {"_": translate("input.missing", lang)}
            )
            return _form_page(request, session, book, record, values, errors, status_code=422)
        try:
            book.update(
                session,
                record,
                book.values(form),
                expected_version=form.version,  # type: ignore[attr-defined]
            )
            session.commit()
        except (DomainError, StaleDataError) as exc:
            errors, code = failure_errors(session, exc, lang)
            changes = []
            if is_stale(exc):
                session.refresh(record)
                stored = SimpleNamespace(**_form_of(book, record))
                changes = stale_changes(stored, values, book.fields)
            return _form_page(
                request, session, book, record, values, errors, changes=changes, status_code=code
            )
        return redirect(book.path)

    def listing(request: Request, session: SessionDep) -> Response:
        return _list_page(request, session, book)

    def new(request: Request, session: SessionDep) -> Response:
        return _form_page(request, session, book, None, {})

    def edit(request: Request, session: SessionDep, record_id: IdPath) -> Response:
        record = get_or_404(session, book.model, record_id)
        return _form_page(request, session, book, record, _form_of(book, record))

    router.add_api_route(book.path, listing, methods=["GET"], name=f"{book.key}_list")
    router.add_api_route(book.path, create, methods=["POST"], name=f"{book.key}_create")
    router.add_api_route(f"{book.path}/new", new, methods=["GET"], name=f"{book.key}_new")
    router.add_api_route(
        f"{book.path}/{{record_id}}", edit, methods=["GET"], name=f"{book.key}_edit"
    )
    router.add_api_route(
        f"{book.path}/{{record_id}}", update, methods=["POST"], name=f"{book.key}_update"
    )


for _book in BOOKS:
    _book_routes(_book)


# Price tags: choose a template and products, get the PDF.


def _print_page(
    request: Request,
    session: Session,
    values: dict[str, str],
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    q = text_filter(values.get("q")).strip()
    query = select(Product).where(Product.deleted_at.is_(None))
    if q:
        query = query.where(
            Product.name.contains(q, autoescape=True)
            | Product.sku.contains(q, autoescape=True)
            | (Product.barcode == q)
        )
    products = session.scalars(query.order_by(Product.name).limit(PAGE_SIZE)).all()
    chosen = {key.removeprefix("product_") for key in values if key.startswith("product_")}
    return render(
        request,
        "retail/price_tags.html",
        {
            "templates": price_tags.list_templates(session),
            "template_id": values.get("template_id")
            or str(price_tags.default_template_id(session) or ""),
            "products": products,
            "unit_prices": {
                p.id: price_tags.print_form.unit_price(price_tags.tag_for(p)) for p in products
            },
            "q": q,
            "values": values,
            "chosen": chosen,
            "error": error,
        },
        status_code,
    )


@router.get("/price-tags")
def price_tags_page(request: Request, session: SessionDep) -> Response:
    return _print_page(request, session, dict(request.query_params))


@router.post("/price-tags")
async def price_tags_print(request: Request, session: SessionDep) -> Response:
    """The PDF for the ticked products (`product_<id>`), each with `copies_<id>` tags and an
    optional `old_price_<id>`; refused input shows the page again with the reason."""
    values = await form_values(request)
    lang = request_lang(request)
    items = []
    try:
        for key in values:
            if not key.startswith("product_"):
                continue
            product_id = int(key.removeprefix("product_"))
            copies = int(values.get(f"copies_{product_id}") or 1)
            old = _normalise_amount(values.get(f"old_price_{product_id}") or "")
            items.append(price_tags.TagRequest(product_id, copies, Decimal(old) if old else None))
        template_id = int(values.get("template_id") or 0)
    except (ValueError, ArithmeticError):
        return _print_page(request, session, values, translate("input.invalid", lang), 422)
    if not items:
        return _print_page(request, session, values, translate("price_tags.none_chosen", lang), 422)
    try:
        content = price_tags.price_tags_pdf(session, items, template_id)
    except DomainError as exc:
        errors, code = failure_errors(session, exc, lang)
        return _print_page(request, session, values, next(iter(errors.values())), code)
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="price-tags.pdf"'},
    )
