"""Коммерческое предложение клиенту and the order confirmation (Подтверждение заказа) as PDF: the
supplier's and the buyer's requisites, the goods with discounts and VAT, the totals and the sum
in words, the terms (valid until; shipment date and the payment schedule) and the signatures.

Prices include VAT; each line's rate is the product's on the document date (domain/vat.py).
`offer_form` / `order_form` gather what the form shows; `render_sales_document` draws the PDF
and templates/invoices/sales_print.html the HTML preview of the same object.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.db.models import (
    CommercialOffer,
    CommercialOfferLine,
    Counterparty,
    CustomerOrder,
    CustomerOrderLine,
    Organization,
    Partner,
    PaymentScheduleItem,
    Product,
    User,
)
from operational_app.domain.amount_words import amount_in_words
from operational_app.domain.common import live_children
from operational_app.domain.vat import rate_label, vat_included, vat_rate
from operational_app.print_forms.document import Column, Document
from operational_app.print_forms.invoice import long_date, party_line, rub
from operational_app.web.formatting import format_money, format_quantity

PAYMENT_KIND_LABELS = {"prepayment": "Предоплата", "credit": "Оплата после отгрузки"}


@dataclass(frozen=True)
class FormLine:
    name: str
    quantity: Decimal
    unit: str
    price: Decimal
    discount_percent: Decimal
    amount: Decimal
    vat_rate: Decimal | None

    @property
    def vat_amount(self) -> Decimal:
        return vat_included(self.amount, self.vat_rate)


@dataclass(frozen=True)
class SalesDocumentForm:
    title: str
    supplier: str
    buyer: str
    lines: list[FormLine]
    terms: list[tuple[str, str]] = field(default_factory=list)
    schedule: list[tuple[str, str, str]] = field(default_factory=list)
    signers: list[tuple[str, str]] = field(default_factory=list)
    closing: str = ""

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def vat_rows(self) -> list[tuple[str, str]]:
        summary: dict[Decimal | None, Decimal] = {}
        for line in self.lines:
            summary[line.vat_rate] = summary.get(line.vat_rate, Decimal(0)) + line.vat_amount
        rows = [
            (f"В том числе НДС ({rate_label(rate)}):", rub(amount))
            for rate, amount in summary.items()
            if rate is not None
        ]
        return rows or [("Без НДС:", "—")]

    @property
    def words(self) -> str:
        return amount_in_words(self.total)

    @property
    def count_phrase(self) -> str:
        return f"Всего наименований {len(self.lines)}, на сумму {rub(self.total)} руб."


def _organization(session: Session, organization_id: int | None) -> Organization | None:
    return session.get(Organization, organization_id) if organization_id else None


def _supplier(organization: Organization | None) -> str:
    if organization is None:
        return ""
    return party_line(
        organization.name, organization.inn, organization.kpp, organization.legal_address
    )


def _buyer(session: Session, partner_id: int, counterparty_id: int | None) -> str:
    counterparty = session.get(Counterparty, counterparty_id) if counterparty_id else None
    if counterparty is None:
        counterparty = session.scalar(
            select(Counterparty)
            .where(Counterparty.partner_id == partner_id, Counterparty.deleted_at.is_(None))
            .order_by(Counterparty.id)
            .limit(1)
        )
    if counterparty is None:
        return session.get(Partner, partner_id).name
    return party_line(
        counterparty.legal_name, counterparty.inn, counterparty.kpp, counterparty.legal_address
    )


def _lines(
    session: Session, rows, on: dt.date, organization: Organization | None
) -> list[FormLine]:
    payer = organization.is_vat_payer if organization else True
    lines = []
    for line in rows:
        product = session.get(Product, line.product_id)
        price = Decimal(line.price) + Decimal(getattr(line, "price_adjustment", 0) or 0)
        lines.append(
            FormLine(
                name=product.name,
                quantity=Decimal(line.quantity),
                unit=product.unit,
                price=price,
                discount_percent=Decimal(line.discount_percent),
                amount=Decimal(line.amount),
                vat_rate=vat_rate(product.vat_kind, on, is_vat_payer=payer),
            )
        )
    return lines


def _signers(session: Session, organization: Organization | None, manager_id: int | None):
    manager = session.get(User, manager_id) if manager_id else None
    signers = [("Руководитель", organization.director_name or "" if organization else "")]
    signers.append(("Менеджер", manager.full_name if manager else ""))
    return signers


def offer_form(session: Session, offer: CommercialOffer) -> SalesDocumentForm:
    on = (offer.offered_at or offer.created_at).date()
    organization = _organization(session, offer.organization_id)
    rows = live_children(
        session,
        CommercialOfferLine.commercial_offer_id,
        offer.id,
        CommercialOfferLine.line_number,
    )
    terms = []
    if offer.valid_until:
        terms.append(("Предложение действительно до:", f"{offer.valid_until:%d.%m.%Y}"))
    return SalesDocumentForm(
        title=f"Коммерческое предложение № {offer.number} от {long_date(on)}",
        supplier=_supplier(organization),
        buyer=_buyer(session, offer.partner_id, None),
        lines=_lines(session, rows, on, organization),
        terms=terms,
        signers=_signers(session, organization, offer.manager_id),
        closing="Цены указаны в рублях с учётом НДС, если не указано «Без НДС».",
    )


def order_form(session: Session, order: CustomerOrder) -> SalesDocumentForm:
    on = order.ordered_at.date()
    organization = _organization(session, order.organization_id)
    rows = live_children(
        session,
        CustomerOrderLine.customer_order_id,
        order.id,
        CustomerOrderLine.line_number,
    )
    terms = []
    if order.planned_shipment_date:
        terms.append(("Плановая дата отгрузки:", f"{order.planned_shipment_date:%d.%m.%Y}"))
    schedule = [
        (
            f"{item.due_date:%d.%m.%Y}",
            PAYMENT_KIND_LABELS.get(item.kind, item.kind),
            format_money(item.amount, "ru"),
        )
        for item in live_children(
            session,
            PaymentScheduleItem.customer_order_id,
            order.id,
            PaymentScheduleItem.due_date,
            PaymentScheduleItem.id,
        )
    ]
    return SalesDocumentForm(
        title=f"Подтверждение заказа № {order.number} от {long_date(on)}",
        supplier=_supplier(organization),
        buyer=_buyer(session, order.partner_id, order.counterparty_id),
        lines=_lines(session, rows, on, organization),
        terms=terms,
        schedule=schedule,
        signers=_signers(session, organization, order.manager_id),
        closing="Настоящим подтверждаем принятие заказа к исполнению на указанных условиях.",
    )


def render_sales_document(form: SalesDocumentForm) -> bytes:
    doc = Document(title=form.title, font_size=9)
    doc.heading(form.title, size=13, align="L")
    doc.rule()
    parties = [("Поставщик:", form.supplier)] if form.supplier else []
    doc.labelled([*parties, ("Покупатель:", form.buyer)], label_width=30)
    doc.space(1)
    doc.table(
        [
            Column("№", 8, "R"),
            Column("Товары (работы, услуги)", 72),
            Column("Кол-во", 16, "R"),
            Column("Ед.", 11, "C"),
            Column("Цена", 24, "R"),
            Column("Скидка, %", 17, "R"),
            Column("НДС", 13, "C"),
            Column("Сумма", 25, "R"),
        ],
        [
            [
                str(index),
                line.name,
                format_quantity(line.quantity, "ru"),
                line.unit,
                rub(line.price),
                format_quantity(line.discount_percent, "ru") if line.discount_percent else "",
                rate_label(line.vat_rate),
                rub(line.amount),
            ]
            for index, line in enumerate(form.lines, start=1)
        ],
    )
    doc.space(1)
    doc.right_totals([("Итого:", rub(form.total)), *form.vat_rows])
    doc.space(2)
    doc.paragraph(form.count_phrase)
    doc.paragraph(form.words, bold=True)
    if form.terms:
        doc.space(2)
        doc.labelled(form.terms, label_width=60)
    if form.schedule:
        doc.space(1)
        doc.paragraph("График оплаты:", bold=True)
        doc.table(
            [Column("Срок оплаты", 35), Column("Вид оплаты", 60), Column("Сумма", 35, "R")],
            [list(row) for row in form.schedule],
        )
    if form.closing:
        doc.space(2)
        doc.paragraph(form.closing)
    doc.signature_lines(form.signers)
    return doc.render()
