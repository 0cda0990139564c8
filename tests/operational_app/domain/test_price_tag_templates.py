"""Price tag templates (domain): the layout's bounds, the unique name, the fields a template may
hide, and the print of a chosen template for chosen products."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session

from operational_app.db.models import Product
from operational_app.domain import price_tags as service
from operational_app.domain import products
from operational_app.domain.errors import NotFound, ValidationFailed
from operational_app.seed.retail import ean13


@pytest.mark.parametrize(("columns", "rows"), [(0, 5), (5, 5), (2, 0), (2, 13)])
def test_layout_bounds(db: Session, columns: int, rows: int) -> None:
    with pytest.raises(ValidationFailed, match="between"):
        service.create_template(db, name="T", columns=columns, rows=rows)


def test_name_unique(db: Session) -> None:
    first = service.create_template(db, name="Витрина", columns=2, rows=4)
    with pytest.raises(ValidationFailed) as refused:
        service.create_template(db, name="Витрина", columns=1, rows=1)
    assert refused.value.rule == "price_tag_template.name_taken"
    service.delete_template(db, first)
    assert first not in service.list_templates(db)
    with pytest.raises(ValidationFailed):  # a deleted template keeps its name (history)
        service.create_template(db, name="Витрина", columns=1, rows=1)


def test_print_uses_the_template_grid_and_fields(db: Session) -> None:
    template = service.create_template(
        db, name="2×2", columns=2, rows=2, show_old_price=False, show_barcode=False
    )
    tea = products.create_product(
        db, sku="T-1", name="Чай чёрный 100 г", base_price=Decimal("150"),
        net_quantity=Decimal(100), net_unit="g",
    )  # fmt: skip
    pdf = service.price_tags_pdf(
        db, [service.TagRequest(tea.id, copies=5, old_price=Decimal(200))], template.id
    )
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2  # 4 tags a page
    text = " ".join(page.extract_text() for page in reader.pages)
    assert text.count("Чай чёрный 100 г") == 5
    assert text.count("150,00 ₽ за 100 г") == 5
    assert "200,00 ₽" not in text
    with pytest.raises(NotFound):
        service.price_tags_pdf(db, [service.TagRequest(tea.id + 1)], template.id)
    with pytest.raises(ValidationFailed):
        service.price_tags_pdf(db, [service.TagRequest(tea.id, copies=0)], template.id)


def test_net_quantity_needs_its_unit(db: Session) -> None:
    with pytest.raises(ValidationFailed) as refused:
        products.create_product(db, sku="X", name="X", net_quantity=Decimal(500))
    assert refused.value.rule == "product.net_quantity_unit"
    with pytest.raises(ValidationFailed):
        products.create_product(db, sku="Y", name="Y", net_quantity=Decimal(5), net_unit="kg")
    ok = products.create_product(db, sku="Z", name="Z", net_quantity=Decimal(5), net_unit="ml")
    assert isinstance(ok, Product) and ok.net_unit == "ml"


def test_a_barcode_needs_tags_tall_enough(db: Session) -> None:
    with pytest.raises(ValidationFailed) as refused:
        service.create_template(db, name="Тесный", columns=4, rows=service.MAX_BARCODE_ROWS + 1)
    assert refused.value.rule == "price_tag_template.barcode_needs_room"
    service.create_template(db, name="Тесный без штрихкода", columns=4, rows=12, show_barcode=False)
    dense = service.create_template(db, name="Плотный", columns=4, rows=service.MAX_BARCODE_ROWS)
    milk = products.create_product(
        db, sku="M-1", name="Молоко 1 л", base_price=Decimal("1234.50"),
        net_quantity=Decimal(1000), net_unit="ml",
    )  # fmt: skip
    milk.barcode = ean13(460_000_000_001)
    db.flush()
    pdf = service.price_tags_pdf(db, [service.TagRequest(milk.id, copies=3)], dense.id)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert text.count(ean13(460_000_000_001)) == 3 and text.count("1 234,50 ₽ за 1 л") == 3
