"""Шаблоны ценников (CRUD) and the price tags print (issue 21); the rules live in
operational_app/domain/price_tags."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from pydantic import Field

from operational_app.api.deps import IdPath, SessionDep
from operational_app.api.schemas import MAX_ID
from operational_app.api.schemas_retail import (
    PriceTagPrint,
    PriceTagTemplateCreate,
    PriceTagTemplatePublic,
    PriceTagTemplateUpdate,
)
from operational_app.api.schemas_sales import DeleteBody
from operational_app.db.models import PriceTagTemplate
from operational_app.domain import price_tags as service
from operational_app.domain.common import get_or_404
from operational_app.domain.errors import ValidationFailed

router = APIRouter(tags=["price tags"])


@router.get("/price-tag-templates", response_model=list[PriceTagTemplatePublic])
def list_price_tag_templates(session: SessionDep) -> list[PriceTagTemplate]:
    """List price tag templates (Шаблоны ценников) not marked deleted, by name."""
    return service.list_templates(session)


@router.get("/price-tag-templates/{template_id}", response_model=PriceTagTemplatePublic)
def get_price_tag_template(session: SessionDep, template_id: IdPath) -> PriceTagTemplate:
    """Read a price tag template; 404 when missing or deleted."""
    return get_or_404(session, PriceTagTemplate, template_id)


@router.post(
    "/price-tag-templates",
    response_model=PriceTagTemplatePublic,
    status_code=status.HTTP_201_CREATED,
)
def create_price_tag_template(
    session: SessionDep, body: PriceTagTemplateCreate
) -> PriceTagTemplate:
    """Create a price tag template: tags per A4 page (1–4 columns × 1–12 rows) and whether a
    tag shows the old price and the barcode.

    The name, the price and the unit price (where the Правила продажи товаров require it) are
    always printed. The name is unique, deleted ones included (422
    `price_tag_template.name_taken`)."""
    template = service.create_template(session, **body.model_dump())
    session.commit()
    return template


@router.patch("/price-tag-templates/{template_id}", response_model=PriceTagTemplatePublic)
def update_price_tag_template(
    session: SessionDep, template_id: IdPath, body: PriceTagTemplateUpdate
) -> PriceTagTemplate:
    """Change a price tag template's fields (PATCH).

    The rules of create apply. Send the `version` you read: an older one is 409 `stale_version`."""
    template = get_or_404(session, PriceTagTemplate, template_id)
    service.update_template(session, template, body.changes(), expected_version=body.version)
    session.commit()
    return template


@router.delete("/price-tag-templates/{template_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_price_tag_template(
    session: SessionDep, template_id: IdPath, body: DeleteBody | None = None
) -> None:
    """Delete a price tag template (пометка удаления: a soft delete).

    The optional body's `version` must be current (409 `stale_version`)."""
    template = get_or_404(session, PriceTagTemplate, template_id)
    service.delete_template(session, template, expected_version=body.version if body else None)
    session.commit()


def _pdf(content: bytes) -> Response:
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="price-tags.pdf"'},
    )


@router.get("/price-tags.pdf", response_class=Response)
def price_tags_pdf(
    session: SessionDep,
    product_id: Annotated[
        list[Annotated[int, Field(gt=0, le=MAX_ID)]],
        Query(min_length=1, max_length=service.MAX_TAGS),
    ],
    template_id: Annotated[
        int | None,
        Query(
            gt=0,
            le=MAX_ID,
            description=(
                "Шаблон ценника: a template id from /api/v1/price-tag-templates; the oldest "
                "template when omitted. An unknown or deleted one is 422 "
                "`price_tags.unknown_template`."
            ),
        ),
    ] = None,
) -> Response:
    """Ценники: one tag per `product_id` (repeat an id for more copies), as a PDF.

    Each tag shows the product's name and base price, the unit price where the law requires it
    (from the product's net quantity, or its unit кг/л), and, as the template says, the barcode.
    An unknown product is 404 `product.not_found`. For old prices (markdowns) use POST."""
    chosen = template_id or service.default_template_id(session)
    if chosen is None:
        raise ValidationFailed("price_tags.unknown_template", "no price tag template exists")
    items = [service.TagRequest(product_id=pid) for pid in product_id]
    return _pdf(service.price_tags_pdf(session, items, chosen))


@router.post("/price-tags.pdf", response_class=Response)
def print_price_tags(session: SessionDep, body: PriceTagPrint) -> Response:
    """Ценники for a chosen template and products, as a PDF: per item `copies` tags and,
    when given and the template shows it, the `old_price` struck through.

    At most 1 000 tags at once (422 `price_tags.too_many`); an unknown template is 422
    `price_tags.unknown_template`, an unknown product 404 `product.not_found`."""
    items = [service.TagRequest(**item.model_dump()) for item in body.items]
    return _pdf(service.price_tags_pdf(session, items, body.template_id))
