"""Номенклатура and stock levels: CRUD plus stock setting/adjustment."""

from __future__ import annotations

from fastapi import APIRouter, status

from operational_app.api.deps import IdFilter, IdPath, Limit, Offset, SearchText, SessionDep
from operational_app.api.schemas import Paged
from operational_app.api.schemas_sales import (
    DeleteBody,
    GisSystem,
    ProductCreate,
    ProductPublic,
    ProductUpdate,
    StockPublic,
    StockSet,
)
from operational_app.db.models import Product
from operational_app.domain import products as service
from operational_app.domain import sales_queries
from operational_app.domain.common import get_or_404

router = APIRouter(tags=["products"])


@router.get("/products", response_model=Paged[ProductPublic])
def list_products(
    session: SessionDep,
    q: SearchText = None,
    gis_system: GisSystem | None = None,
    sort: SearchText = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Paged[ProductPublic]:
    """List products (Номенклатура), filtered, sorted and paged.

    `q` matches the name or article (SKU); `gis_system` keeps products traced in ЕГАИС, ВетИС or
    ГИС МТ. `sort` is one of sku, name, base_price, cost_price, created_at; a leading `-` sorts
    descending; the default is by name."""
    page = sales_queries.list_products(
        session, q=q, gis_system=gis_system, sort=sort, limit=limit, offset=offset
    )
    return Paged[ProductPublic].of(page.items, page.total)


@router.get("/products/{product_id}", response_model=ProductPublic)
def get_product(session: SessionDep, product_id: IdPath) -> Product:
    """Read one product (Номенклатура); 404 when missing or deleted."""
    return get_or_404(session, Product, product_id)


@router.post("/products", response_model=ProductPublic, status_code=status.HTTP_201_CREATED)
def create_product(session: SessionDep, body: ProductCreate) -> Product:
    """Create a product (Номенклатура).

    The article (SKU) is unique (`product.sku_taken`); `gis_system` must be egais, vetis or gismt
    when given (`product.gis_unknown`); prices are range-checked (`money.range`)."""
    product = service.create_product(session, **body.model_dump())
    session.commit()
    return product


@router.patch("/products/{product_id}", response_model=ProductPublic)
def update_product(session: SessionDep, product_id: IdPath, body: ProductUpdate) -> Product:
    """Change a product's fields (PATCH).

    The SKU and price rules of create apply. Send the `version` you read: an older one is 409
    `stale_version`."""
    product = get_or_404(session, Product, product_id)
    service.update_product(session, product, body.changes(), expected_version=body.version)
    session.commit()
    return product


@router.delete("/products/{product_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_product(session: SessionDep, product_id: IdPath, body: DeleteBody | None = None) -> None:
    """Delete a product (пометка удаления: a soft delete).

    Refused while an open customer order (draft to to_ship) has it on a line
    (`product.in_use`). The optional body's `version` must be current (409 `stale_version`)."""
    product = get_or_404(session, Product, product_id)
    service.delete_product(session, product, expected_version=body.version if body else None)
    session.commit()


def _stock_public(row: sales_queries.StockRow) -> StockPublic:
    return StockPublic(
        id=row.level.id,
        product_id=row.level.product_id,
        warehouse_id=row.level.warehouse_id,
        quantity_on_hand=row.level.quantity_on_hand,
        reserved=row.reserved,
        free=row.free,
        version=row.level.version,
    )


@router.get("/stock", response_model=Paged[StockPublic])
def list_stock(
    session: SessionDep,
    product_id: IdFilter = None,
    warehouse_id: IdFilter = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Paged[StockPublic]:
    """List stock levels (Остатки товаров): on hand, reserved and free per product and warehouse.

    Filter by `product_id` and/or `warehouse_id`. Free is on hand minus what open customer orders
    have reserved there."""
    page = sales_queries.list_stock(
        session, product_id=product_id, warehouse_id=warehouse_id, limit=limit, offset=offset
    )
    return Paged[StockPublic].of(page.items, page.total, _stock_public)


@router.post("/stock", response_model=StockPublic)
def set_stock(session: SessionDep, body: StockSet) -> StockPublic:
    """Set the on-hand quantity (`quantity_on_hand`) or change it (`delta`).

    An inventory count sets it; a receipt or write-off adds a `delta`. Exactly one of the two
    (`stock.one_of`). On hand can never drop below what open orders have reserved at that
    warehouse (`stock.below_reserved`). `version` guards the stock row (409 `stale_version`)."""
    level = service.set_stock(
        session, **body.model_dump(exclude={"version"}), expected_version=body.version
    )
    session.commit()
    [row] = sales_queries.list_stock(
        session, product_id=level.product_id, warehouse_id=level.warehouse_id
    ).items
    return _stock_public(row)
