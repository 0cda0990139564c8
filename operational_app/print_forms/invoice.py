"""Счет на оплату as PDF, in the layout a Russian accountant expects: the payee's bank block
(bank, БИК, корр. счёт, ИНН/КПП, получатель, расчётный счёт) at the top, the title with number
and date, Поставщик / Покупатель / Основание, the lines with VAT, Итого / В том числе НДС /
Всего к оплате, the count of items and the total in words, the due date, the payment QR code
(ГОСТ Р 56042-2014) and the signature places of Руководитель and Бухгалтер with the stamp place.

`invoice_form(session, invoice)` gathers what the form shows; the PDF (`render_invoice`) and the
HTML preview (templates/invoices/print.html) both draw that one object.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from operational_app.db.models import (
    Counterparty,
    CustomerOrder,
    Invoice,
    InvoiceLine,
    Organization,
    Partner,
)
from operational_app.domain import invoices as invoice_service
from operational_app.domain.amount_words import amount_in_words
from operational_app.domain.vat import rate_label
from operational_app.print_forms import payment_qr
from operational_app.print_forms.document import Column, Document
from operational_app.web.formatting import format_money, format_quantity

MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)


def long_date(value: dt.date) -> str:
    """«7 декабря 2026 г.», as document titles write the date."""
    return f"{value.day} {MONTHS_GENITIVE[value.month - 1]} {value.year} г."


def rub(value: Decimal) -> str:
    return format_money(value, "ru")


def party_line(name: str, inn: str | None, kpp: str | None, address: str | None) -> str:
    """«ООО «Ромашка», ИНН 7700000000, КПП 770001001, 101000, Москва, ...»"""
    parts = [name]
    if inn:
        parts.append(f"ИНН {inn}")
    if kpp:
        parts.append(f"КПП {kpp}")
    if address:
        parts.append(address)
    return ", ".join(parts)


@dataclass(frozen=True)
class InvoiceForm:
    invoice: Invoice
    organization: Organization
    counterparty: Counterparty | None
    partner: Partner
    order: CustomerOrder
    lines: list[InvoiceLine]
    vat_summary: list[tuple[Decimal | None, Decimal]]
    qr_payload: str

    @property
    def title(self) -> str:
        return f"Счет на оплату № {self.invoice.number} от {long_date(self.invoice.issued_on)}"

    @property
    def supplier(self) -> str:
        org = self.organization
        return party_line(org.name, org.inn, org.kpp, org.legal_address)

    @property
    def buyer(self) -> str:
        if self.counterparty is None:
            return self.partner.name
        party = self.counterparty
        return party_line(party.legal_name, party.inn, party.kpp, party.legal_address)

    @property
    def basis(self) -> str:
        return f"Заказ клиента № {self.order.number} от {self.order.ordered_at:%d.%m.%Y}"

    @property
    def vat_rows(self) -> list[tuple[str, str]]:
        """«В том числе НДС (22%):» per rate, or a single «Без НДС:» row."""
        rows = [
            (f"В том числе НДС ({rate_label(rate)}):", rub(amount))
            for rate, amount in self.vat_summary
            if rate is not None
        ]
        return rows or [("Без НДС:", "—")]

    @property
    def words(self) -> str:
        return amount_in_words(Decimal(self.invoice.amount))

    @property
    def count_phrase(self) -> str:
        amount = rub(Decimal(self.invoice.amount))
        return f"Всего наименований {len(self.lines)}, на сумму {amount} руб."

    @property
    def due_phrase(self) -> str:
        return f"Оплатить не позднее {self.invoice.due_date:%d.%m.%Y}"


def invoice_form(session: Session, invoice: Invoice) -> InvoiceForm:
    organization = session.get(Organization, invoice.organization_id)
    counterparty = (
        session.get(Counterparty, invoice.counterparty_id) if invoice.counterparty_id else None
    )
    lines = invoice_service.invoice_lines(session, invoice.id)
    requisites = payment_qr.PaymentRequisites(
        name=organization.name,
        personal_account=organization.settlement_account or "",
        bank_name=organization.bank_name or "",
        bic=organization.bank_bik or "",
        correspondent_account=organization.correspondent_account,
        payee_inn=organization.inn,
        kpp=organization.kpp,
        purpose=invoice.purpose,
        amount=Decimal(invoice.amount),
    )
    return InvoiceForm(
        invoice=invoice,
        organization=organization,
        counterparty=counterparty,
        partner=session.get(Partner, invoice.partner_id),
        order=session.get(CustomerOrder, invoice.customer_order_id),
        lines=lines,
        vat_summary=invoice_service.vat_summary(lines),
        qr_payload=_qr_payload(requisites),
    )


def _qr_payload(requisites: payment_qr.PaymentRequisites) -> str:
    """The QR payload, or "" when the requisites changed since issuing into ones the standard
    refuses (the form still prints, without the code)."""
    try:
        return payment_qr.payload(requisites)
    except ValueError:
        return ""


def render_invoice(form: InvoiceForm) -> bytes:
    """The invoice's PDF."""
    org = form.organization
    doc = Document(title=form.title, font_size=9)
    doc.bank_requisites(
        bank_name=org.bank_name or "",
        bic=org.bank_bik or "",
        correspondent_account=org.correspondent_account or "",
        inn=org.inn,
        kpp=org.kpp or "",
        payee=org.name,
        settlement_account=org.settlement_account or "",
    )
    doc.space(3)
    doc.heading(form.title, size=13, align="L")
    doc.rule()
    doc.labelled(
        [
            ("Поставщик (Исполнитель):", form.supplier),
            ("Покупатель (Заказчик):", form.buyer),
            ("Основание:", form.basis),
        ],
        label_width=44,
    )
    doc.space(1)
    doc.table(
        [
            Column("№", 8, "R"),
            Column("Товары (работы, услуги)", 80),
            Column("Кол-во", 16, "R"),
            Column("Ед.", 11, "C"),
            Column("НДС", 14, "C"),
            Column("Цена", 26, "R"),
            Column("Сумма", 31, "R"),
        ],
        [
            [
                str(line.line_number),
                line.description,
                format_quantity(line.quantity, "ru"),
                line.unit,
                rate_label(Decimal(line.vat_rate) if line.vat_rate is not None else None),
                rub(Decimal(line.price)),
                rub(Decimal(line.amount)),
            ]
            for line in form.lines
        ],
    )
    doc.space(1)
    amount = rub(Decimal(form.invoice.amount))
    doc.right_totals([("Итого:", amount), *form.vat_rows, ("Всего к оплате:", amount)])
    doc.space(2)
    doc.paragraph(form.count_phrase)
    doc.paragraph(form.words, bold=True)
    doc.space(2)
    doc.paragraph(form.due_phrase)
    doc.rule()
    if form.qr_payload:
        doc.image(
            payment_qr.png(form.qr_payload),
            width=32,
            caption="Оплата по QR-коду в приложении банка",
        )
    doc.signature_lines(
        [("Руководитель", org.director_name or ""), ("Бухгалтер", org.chief_accountant_name or "")]
    )
    return doc.render()


__all__ = ["InvoiceForm", "invoice_form", "long_date", "render_invoice"]
