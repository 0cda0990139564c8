"""Invoice fixtures: our organization with bank requisites, a customer with a counterparty, and
an approved order whose agreement asks for a prepayment (so the schedule has two items)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from operational_app.db.models import Counterparty, CustomerOrder, Organization
from operational_app.domain import orders, organizations, partners
from tests.operational_app.utils.sales import Sales, create_sales

ORGANIZATION = {
    "name": "ООО «Ромашка»",
    "inn": "7707083893",
    "kpp": "773601001",
    "legal_address": "117997, г. Москва, ул. Вавилова, д. 19",
    "bank_name": "ПАО СБЕРБАНК",
    "bank_bik": "044525225",
    "settlement_account": "40702810938000012345",
    "correspondent_account": "30101810400000000225",
    "director_name": "Иванов И. И.",
    "chief_accountant_name": "Петрова А. С.",
}
CUSTOMER = {
    "legal_form": "legal_entity",
    "inn": "7736207543",
    "kpp": "770401001",
    "legal_name": "ООО «Клиент»",
    "legal_address": "119021, г. Москва, ул. Льва Толстого, д. 16",
}


_serial = itertools.count(1)


@dataclass
class InvoiceWorld:
    sales: Sales
    organization: Organization
    counterparty: Counterparty
    order: CustomerOrder


def create_invoice_world(
    db: Session,
    *,
    ordered_at: dt.datetime = dt.datetime(2026, 3, 2, 10, 0),
    qty: int = 7,
    is_vat_payer: bool = True,
    **agreement_fields,
) -> InvoiceWorld:
    """An approved order of `qty` units at 90.00 (100.00 less the agreement's 10%) from our
    organization, 30% prepaid on the order date, the rest due 14 days later."""
    sales = create_sales(db, stock=100, **agreement_fields)
    organization = db.query(Organization).filter_by(inn=ORGANIZATION["inn"]).one_or_none()
    if organization is None:
        organization = organizations.create_organization(
            db, {**ORGANIZATION, "is_vat_payer": is_vat_payer}
        )
    # Each customer its own КПП: ИНН and КПП are unique together.
    kpp = f"7704{next(_serial) % 100:02d}001"
    counterparty = partners.create_counterparty(
        db, partner_id=sales.partner.id, **{**CUSTOMER, "kpp": kpp}
    )
    order = orders.create_order(
        db,
        partner_id=sales.partner.id,
        agreement_id=sales.agreement.id,
        organization_id=organization.id,
        counterparty_id=counterparty.id,
        ordered_at=ordered_at,
        lines=[
            {
                "product_id": sales.product.id,
                "warehouse_id": sales.warehouse.id,
                "quantity": Decimal(qty),
            }
        ],
        now=ordered_at,
    )
    orders.submit_order(db, order, now=ordered_at)
    db.commit()
    return InvoiceWorld(
        sales=sales, organization=organization, counterparty=counterparty, order=order
    )
