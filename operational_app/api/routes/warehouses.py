"""Склады: CRUD."""

from __future__ import annotations

from fastapi import APIRouter, status

from operational_app.api.deps import IdFilter, IdPath, Limit, Offset, SearchText, SessionDep
from operational_app.api.schemas import Paged
from operational_app.api.schemas_sales import (
    DeleteBody,
    WarehouseCreate,
    WarehousePublic,
    WarehouseUpdate,
)
from operational_app.db.models import Warehouse
from operational_app.domain import products as service
from operational_app.domain import sales_queries
from operational_app.domain.common import get_or_404

router = APIRouter(tags=["warehouses"])


@router.get("/warehouses", response_model=Paged[WarehousePublic])
def list_warehouses(
    session: SessionDep,
    q: SearchText = None,
    business_region_id: IdFilter = None,
    sort: SearchText = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Paged[WarehousePublic]:
    """List warehouses (Склады), filtered, sorted and paged.

    `q` matches the name; filter by `business_region_id`. `sort` is name or created_at (a leading
    `-` sorts descending)."""
    page = sales_queries.list_warehouses(
        session,
        q=q,
        business_region_id=business_region_id,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return Paged[WarehousePublic].of(page.items, page.total)


@router.get("/warehouses/{warehouse_id}", response_model=WarehousePublic)
def get_warehouse(session: SessionDep, warehouse_id: IdPath) -> Warehouse:
    """Read one warehouse (Склад); 404 when missing or deleted."""
    return get_or_404(session, Warehouse, warehouse_id)


@router.post("/warehouses", response_model=WarehousePublic, status_code=status.HTTP_201_CREATED)
def create_warehouse(session: SessionDep, body: WarehouseCreate) -> Warehouse:
    """Create a warehouse (Склад); its name is unique (`warehouse.name_taken`)."""
    warehouse = service.create_warehouse(session, **body.model_dump())
    session.commit()
    return warehouse


@router.patch("/warehouses/{warehouse_id}", response_model=WarehousePublic)
def update_warehouse(session: SessionDep, warehouse_id: IdPath, body: WarehouseUpdate) -> Warehouse:
    """Change a warehouse's fields (PATCH).

    The name stays unique (`warehouse.name_taken`). Send the `version` you read: an older one is
    409 `stale_version`."""
    warehouse = get_or_404(session, Warehouse, warehouse_id)
    service.update_warehouse(session, warehouse, body.changes(), expected_version=body.version)
    session.commit()
    return warehouse


@router.delete("/warehouses/{warehouse_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_warehouse(
    session: SessionDep, warehouse_id: IdPath, body: DeleteBody | None = None
) -> None:
    """Delete a warehouse (a soft delete); refused while it holds stock (`warehouse.has_stock`).

    The optional body's `version` must be current (409 `stale_version`)."""
    warehouse = get_or_404(session, Warehouse, warehouse_id)
    service.delete_warehouse(session, warehouse, expected_version=body.version if body else None)
    session.commit()
