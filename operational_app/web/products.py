"""Номенклатура: the product list and card with stock and GIS settings."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm.exc import StaleDataError

from operational_app.api.deps import IdPath, SessionDep
from operational_app.db.models import (
    Product,
)
from operational_app.domain import products as product_service
from operational_app.domain import sales_queries
from operational_app.domain.common import get_or_404
from operational_app.domain.errors import DomainError, NotFound
from operational_app.web.common import (
    PAGE_SIZE,
    form_values,
    int_or_none,
    redirect,
    render,
    text_filter,
)
from operational_app.web.sales import (
    ProductForm,
    StockForm,
    errors_of,
    sales_choices,
    sort_order,
    stale_diff,
)

router = APIRouter(include_in_schema=False)


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
    filters = {"q": text_filter(q), "sort": sort_order(sort, sales_queries.PRODUCT_SORTS)}
    start = min(int_or_none(offset) or 0, 2**31 - 1)
    page = sales_queries.list_products(
        session, q=filters["q"] or None, sort=filters["sort"] or None, limit=PAGE_SIZE, offset=start
    )
    return render(
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
    values = await form_values(request)
    try:
        form = ProductForm.model_validate(values)
        product = product_service.create_product(session, **form.model_dump())
        session.commit()
    except (ValidationError, DomainError) as exc:
        session.rollback()
        errors, code = errors_of(exc, request, "sku")
        return _product_list(request, session, None, None, None, values, errors, code)
    return redirect(f"/products/{product.id}")


GIS_SYSTEM_NAMES = {"egais": "ЕГАИС", "vetis": "ВетИС", "gismt": "ГИС МТ"}


def _product_card(
    request, session, product, form=None, errors=None, status_code=200, changes=None
) -> Response:
    return render(
        request,
        "products/card.html",
        {
            "product": product,
            "stock": sales_queries.list_stock(session, product_id=product.id, limit=500).items,
            "form": form or {},
            "errors": errors or {},
            "changes": changes or [],
            "gis_systems": list(GIS_SYSTEM_NAMES.items()),
            **sales_choices(session),
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
    values = await form_values(request)
    version = int_or_none(values.get("version"))
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
            return redirect("/products")
        else:
            raise NotFound("action.unknown", f"Unknown action {action!r}.")
        session.commit()
    except (ValidationError, DomainError, StaleDataError) as exc:
        session.rollback()
        errors, code = errors_of(exc, request, action)
        changes = []
        if action == "edit":
            changes = stale_diff(
                exc,
                product,
                values,
                product_service.PRODUCT_FIELDS,
                {"gis_system": GIS_SYSTEM_NAMES},
            )
        return _product_card(request, session, product, values, errors, code, changes)
    return redirect(f"/products/{product.id}")
