"""Price tags for a chosen set of products (issue 21): the templates operators edit, and the
print of a chosen template for chosen products.

A template (Шаблон ценника) says how many tags an A4 page holds (1–4 columns × 1–12 rows) and
whether a tag shows the old price and the barcode. The name, the price and the unit price where
the law requires it (print_forms/price_tags.py) are not optional: a template cannot hide them.
Each product's tag shows its name, its base price, the barcode when it has one, and the unit
price from its net quantity (packaged goods) or its unit (goods sold by weight); an old price
(a markdown) comes with the request, as the product card does not hold one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.db.models import PriceTagTemplate, Product, utc_now
from operational_app.domain.common import require_text
from operational_app.domain.errors import NotFound, ValidationFailed, check_version
from operational_app.domain.products import soft_delete
from operational_app.print_forms import price_tags as print_form

MAX_TAGS: Final = 1_000
MAX_COPIES: Final = 100
TEMPLATE_FIELDS: Final = ("name", "columns", "rows", "show_old_price", "show_barcode")
COLUMNS_RANGE: Final = (1, 4)
ROWS_RANGE: Final = (1, 12)
MAX_BARCODE_ROWS: Final = max(
    rows for rows in range(1, ROWS_RANGE[1] + 1) if print_form.barcode_fits(rows)
)


@dataclass(frozen=True)
class TagRequest:
    """One product to print: `copies` tags, with `old_price` struck through when given."""

    product_id: int
    copies: int = 1
    old_price: Decimal | None = None


def _bounded(value: Any, field: str, bounds: tuple[int, int]) -> int:
    low, high = bounds
    if value is None or isinstance(value, bool) or not low <= int(value) <= high:
        raise ValidationFailed(
            f"price_tag_template.{field}_range",
            f"{field} must be between {low} and {high}.",
            field=field,
        )
    return int(value)


def _apply_template(
    session: Session, template: PriceTagTemplate, values: Mapping[str, Any]
) -> None:
    if "name" in values:
        name = require_text(values["name"], "name")
        taken = session.scalar(
            select(PriceTagTemplate.id).where(
                PriceTagTemplate.name == name,
                PriceTagTemplate.id != (template.id or 0),
            )
        )
        if taken is not None:
            raise ValidationFailed(
                "price_tag_template.name_taken", f"Template {name} already exists.", field="name"
            )
        template.name = name
    if "columns" in values:
        template.columns = _bounded(values["columns"], "columns", COLUMNS_RANGE)
    if "rows" in values:
        template.rows = _bounded(values["rows"], "rows", ROWS_RANGE)
    for field in ("show_old_price", "show_barcode"):
        if field in values and values[field] is not None:
            setattr(template, field, bool(values[field]))
    if template.show_barcode and not print_form.barcode_fits(template.rows):
        raise ValidationFailed(
            "price_tag_template.barcode_needs_room",
            f"A barcode fits tags of at most {MAX_BARCODE_ROWS} rows per page.",
            field="rows",
        )


def list_templates(session: Session) -> list[PriceTagTemplate]:
    return list(
        session.scalars(
            select(PriceTagTemplate)
            .where(PriceTagTemplate.deleted_at.is_(None))
            .order_by(PriceTagTemplate.name, PriceTagTemplate.id)
        )
    )


def create_template(session: Session, **values: Any) -> PriceTagTemplate:
    template = PriceTagTemplate(show_old_price=True, show_barcode=True)
    values = {k: v for k, v in values.items() if k in TEMPLATE_FIELDS}
    for required in ("name", "columns", "rows"):
        values.setdefault(required, None)
    _apply_template(session, template, values)
    session.add(template)
    session.flush()
    return template


def update_template(
    session: Session,
    template: PriceTagTemplate,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None,
) -> PriceTagTemplate:
    check_version(template, expected_version)
    _apply_template(session, template, {k: v for k, v in changes.items() if k in TEMPLATE_FIELDS})
    template.updated_at = utc_now()
    session.flush()
    return template


def delete_template(
    session: Session, template: PriceTagTemplate, *, expected_version: int | None = None
) -> None:
    soft_delete(template, expected_version)
    session.flush()


def _template(session: Session, template_id: int) -> print_form.PriceTagTemplate:
    row = session.get(PriceTagTemplate, template_id)
    if row is None or row.deleted_at is not None:
        raise ValidationFailed(
            "price_tags.unknown_template", f"no such template: {template_id}", field="template_id"
        )
    return print_form.PriceTagTemplate(
        row.name, row.columns, row.rows, row.show_old_price, row.show_barcode
    )


def tag_for(product: Product, old_price: Decimal | None = None) -> print_form.PriceTag:
    """What a product's tag shows (the unit price follows from its net quantity or unit)."""
    return print_form.PriceTag(
        name=product.name,
        price=Decimal(product.base_price),
        old_price=old_price,
        barcode=product.barcode,
        net_quantity=None if product.net_quantity is None else float(product.net_quantity),
        measure=product.net_unit,  # type: ignore[arg-type]
        unit=product.unit or "шт",
    )


def price_tags_pdf(session: Session, items: Sequence[TagRequest], template_id: int) -> bytes:
    """One PDF with `copies` tags per requested product, in the order given."""
    if not items:
        raise ValidationFailed("price_tags.no_products", "choose at least one product")
    for item in items:
        if not 1 <= item.copies <= MAX_COPIES:
            raise ValidationFailed(
                "price_tags.copies_range", f"copies must be 1 to {MAX_COPIES}", field="copies"
            )
    if sum(item.copies for item in items) > MAX_TAGS:
        raise ValidationFailed("price_tags.too_many", f"at most {MAX_TAGS} tags at once")
    template = _template(session, template_id)
    wanted = {item.product_id for item in items}
    products = {
        product.id: product
        for product in session.scalars(
            select(Product).where(Product.id.in_(wanted), Product.deleted_at.is_(None))
        )
    }
    missing = sorted(wanted - set(products))
    if missing:
        raise NotFound("product.not_found", f"no such products: {missing}")
    tags = [
        tag_for(products[item.product_id], item.old_price)
        for item in items
        for _ in range(item.copies)
    ]
    return print_form.render_price_tags(tags, template)


def default_template_id(session: Session) -> int | None:
    """The oldest live template: what a print without a chosen template uses."""
    return session.scalar(
        select(PriceTagTemplate.id)
        .where(PriceTagTemplate.deleted_at.is_(None))
        .order_by(PriceTagTemplate.id)
        .limit(1)
    )
