"""Messages of invoices and print forms (issue 25), merged into i18n.MESSAGES."""

from __future__ import annotations

INVOICE_MESSAGES: dict[str, dict[str, str]] = {
    "nav.invoices": {"ru": "Счета на оплату", "en": "Invoices"},
    "invoice.list_title": {"ru": "Счета на оплату", "en": "Invoices"},
    "invoice.title": {"ru": "Счет на оплату", "en": "Invoice"},
    "invoice.issued_on": {"ru": "Дата счета", "en": "Invoice date"},
    "invoice.due_date": {"ru": "Оплатить до", "en": "Due date"},
    "invoice.kind": {"ru": "Основание", "en": "Basis"},
    "invoice.basis": {"ru": "Счет на", "en": "Invoice for"},
    "invoice.whole_order": {"ru": "Весь заказ (остаток)", "en": "The whole order (the rest)"},
    "invoice.issue": {"ru": "Выставить счет", "en": "Issue invoice"},
    "invoice.organization": {"ru": "Организация", "en": "Organization"},
    "invoice.vat_amount": {"ru": "В т.ч. НДС", "en": "Incl. VAT"},
    "invoice.vat_rate": {"ru": "Ставка НДС", "en": "VAT rate"},
    "invoice.no_vat": {"ru": "Без НДС", "en": "No VAT"},
    "invoice.unit": {"ru": "Ед.", "en": "Unit"},
    "invoice.outstanding": {"ru": "Осталось оплатить", "en": "Outstanding"},
    "invoice.purpose": {"ru": "Назначение платежа", "en": "Payment purpose"},
    "invoice.match_payments": {"ru": "Зачесть оплаты заказа", "en": "Match the order's payments"},
    "invoice.match_this": {"ru": "Зачесть", "en": "Match"},
    "invoice.matched_here": {"ru": "Зачтено в счет", "en": "Matched here"},
    "invoice.unmatched": {"ru": "Не распределено", "en": "Unmatched"},
    "invoice.cancel": {"ru": "Отменить счет", "en": "Cancel invoice"},
    "invoice_status.issued": {"ru": "Выставлен", "en": "Issued"},
    "invoice_status.partly_paid": {"ru": "Оплачен частично", "en": "Partly paid"},
    "invoice_status.paid": {"ru": "Оплачен", "en": "Paid"},
    "invoice_status.cancelled": {"ru": "Отменен", "en": "Cancelled"},
    "invoice_kind.order": {"ru": "Заказ", "en": "Order"},
    "invoice_kind.prepayment": {"ru": "Предоплата", "en": "Prepayment"},
    "invoice_kind.credit": {"ru": "Оплата по графику", "en": "Scheduled payment"},
    "print.preview": {"ru": "Просмотр печатной формы", "en": "Print preview"},
    "print.order_confirmation": {"ru": "Подтверждение заказа", "en": "Order confirmation"},
    "print.offer": {"ru": "Коммерческое предложение", "en": "Commercial offer"},
    "organization.bank_requisites": {
        "ru": "Банковские реквизиты и подписи счетов",
        "en": "Bank requisites and invoice signers",
    },
    "field.bank_name": {"ru": "Банк", "en": "Bank"},
    "field.bank_bik": {"ru": "БИК", "en": "BIC"},
    "field.settlement_account": {"ru": "Расчётный счёт", "en": "Settlement account"},
    "field.correspondent_account": {"ru": "Корр. счёт", "en": "Correspondent account"},
    "field.legal_address": {"ru": "Юридический адрес", "en": "Legal address"},
    "field.director_name": {"ru": "Руководитель", "en": "Director"},
    "field.chief_accountant_name": {"ru": "Главный бухгалтер", "en": "Chief accountant"},
    "field.is_vat_payer": {"ru": "Плательщик НДС", "en": "Pays VAT"},
    "rule.organization.digits": {
        "ru": "Поле «{field}» — {length} цифр.",
        "en": "{field} must be {length} digits.",
    },
    "rule.product.vat_kind_unknown": {
        "ru": "Неизвестный вид ставки НДС.",
        "en": "Unknown VAT kind.",
    },
    "rule.invoice.organization_required": {
        "ru": "В заказе не указана организация, от которой выставляется счет.",
        "en": "The order names no organization to issue the invoice from.",
    },
    "rule.invoice.requisites_missing": {
        "ru": "У организации «{organization}» не заполнены банковские реквизиты: {missing}.",
        "en": "Organization “{organization}” lacks bank requisites: {missing}.",
    },
    "rule.invoice.order_status": {
        "ru": "Счет выставляется по заказу в статусе: {allowed}.",
        "en": "An invoice needs the order in status {allowed}.",
    },
    "rule.invoice.schedule_item_unknown": {
        "ru": "Этапа графика оплаты нет в этом заказе.",
        "en": "The payment schedule item is not in this order.",
    },
    "rule.invoice.schedule_item_invoiced": {
        "ru": "На этот этап графика уже выставлен счет {number}.",
        "en": "Invoice {number} already asks for this schedule item.",
    },
    "rule.invoice.nothing_to_invoice": {
        "ru": "По заказу уже выставлено счетов на {invoiced} из {total}.",
        "en": "The order is already invoiced for {invoiced} of {total}.",
    },
    "rule.invoice.cancel_forbidden": {
        "ru": "Отменить можно только неоплаченный счет.",
        "en": "Only an unpaid invoice can be cancelled.",
    },
    "rule.invoice.not_open": {
        "ru": "Оплаты зачитываются только в открытые счета.",
        "en": "Payments are matched to open invoices only.",
    },
    "rule.invoice.payment_other_order": {
        "ru": "Оплата {payment} относится к другому заказу.",
        "en": "Payment {payment} belongs to another order.",
    },
    "rule.invoice.match_amount": {
        "ru": "Не распределено по оплате {free}, счету осталось {owed}: нельзя зачесть {amount}.",
        "en": "The payment has {free} unmatched, the invoice expects {owed}: {amount} cannot be "
        "matched.",
    },
}
