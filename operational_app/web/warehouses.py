"""Склады: the warehouse list and entry form."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from operational_app.api.deps import SessionDep
from operational_app.domain import products as product_service
from operational_app.domain import sales_queries
from operational_app.domain.errors import DomainError
from operational_app.web.common import (
    form_values,
    redirect,
    render,
)
from operational_app.web.sales import (
    WarehouseForm,
    errors_of,
    sales_choices,
)

router = APIRouter(include_in_schema=False)


# Warehouses


def _warehouse_list(request, session, form, errors, status_code=200) -> Response:
    return render(
        request,
        "products/warehouses.html",
        {
            "warehouses": sales_queries.list_warehouses(session, limit=500).items,
            "stock": sales_queries.list_stock(session, limit=500).items,
            "form": form,
            "errors": errors,
            **sales_choices(session),
        },
        status_code,
    )


@router.get("/warehouses")
def warehouse_list(request: Request, session: SessionDep) -> Response:
    return _warehouse_list(request, session, {}, {})


@router.post("/warehouses")
async def warehouse_create(request: Request, session: SessionDep) -> Response:
    values = await form_values(request)
    try:
        form = WarehouseForm.model_validate(values)
        product_service.create_warehouse(session, **form.model_dump())
        session.commit()
    except (ValidationError, DomainError) as exc:
        session.rollback()
        errors, code = errors_of(exc, request, "name")
        return _warehouse_list(request, session, values, errors, code)
    return redirect("/warehouses")
