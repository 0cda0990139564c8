"""Price tags for a chosen set of products (issue 21): the rules, then the print form.

Each product's tag shows its name, its base price, the barcode when it has one; an old price
(a markdown) and the net quantity of packaged goods (for the unit price the law requires) come
with the request, as the product card does not hold them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.db.models import Product
from operational_app.domain.errors import NotFound, ValidationFailed
from operational_app.print_forms.price_tags import TEMPLATES, PriceTag, render_price_tags

MAX_TAGS = 1_000


def price_tags_pdf(
    session: Session,
    product_ids: Sequence[int],
    template_name: str,
    *,
    old_prices: dict[int, Decimal] | None = None,
    net_quantities: dict[int, tuple[float, Literal["g", "ml"]]] | None = None,
) -> bytes:
    """One PDF with a tag per product id (in the order given; an id twice prints twice)."""
    if not product_ids:
        raise ValidationFailed("price_tags.no_products", "choose at least one product")
    if len(product_ids) > MAX_TAGS:
        raise ValidationFailed("price_tags.too_many", f"at most {MAX_TAGS} tags at once")
    template = TEMPLATES.get(template_name)
    if template is None:
        raise ValidationFailed(
            "price_tags.unknown_template",
            f"unknown template {template_name!r}; one of: {', '.join(TEMPLATES)}",
            field="template",
        )
    products = {
        product.id: product
        for product in session.scalars(
            select(Product).where(Product.id.in_(set(product_ids)), Product.deleted_at.is_(None))
        )
    }
    missing = sorted(set(product_ids) - set(products))
    if missing:
        raise NotFound("product.not_found", f"no such products: {missing}")
    old_prices = old_prices or {}
    net_quantities = net_quantities or {}
    tags = []
    for product_id in product_ids:
        product = products[product_id]
        quantity = net_quantities.get(product_id)
        tags.append(
            PriceTag(
                name=product.name,
                price=Decimal(product.base_price),
                old_price=old_prices.get(product_id),
                barcode=product.barcode,
                net_quantity=None if quantity is None else quantity[0],
                measure=None if quantity is None else quantity[1],
            )
        )
    return render_price_tags(tags, template)
