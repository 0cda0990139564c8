"""Portal messages: orders, debt and the reconciliation statement. Keys start with `portal.`
(operator-side keys with their entity); order statuses, payment kinds and the order fields reuse
the operator pages' keys (order_status.*, payment_kind.*, order.*)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # Orders
    "portal.orders.title": {"ru": "Мои заказы", "en": "My orders"},
    "portal.orders.status_all": {"ru": "Все статусы", "en": "All statuses"},
    "portal.orders.filter": {"ru": "Показать", "en": "Show"},
    "portal.orders.none": {"ru": "Заказов нет.", "en": "No orders."},
    "portal.orders.number": {"ru": "Номер", "en": "Number"},
    "portal.orders.status": {"ru": "Статус", "en": "Status"},
    "portal.orders.planned": {"ru": "Плановая отгрузка", "en": "Planned shipment"},
    "portal.orders.actual": {"ru": "Фактическая отгрузка", "en": "Actual shipment"},
    "portal.orders.on_time": {"ru": "в срок", "en": "on time"},
    "portal.orders.late": {"ru": "с опозданием", "en": "late"},
    "portal.orders.returned": {"ru": "Возвращено", "en": "Returned"},
    "portal.orders.balance": {"ru": "Задолженность", "en": "Balance due"},
    "portal.orders.ordered": {"ru": "Заказано", "en": "Ordered"},
    "portal.orders.reserved": {"ru": "В резерве", "en": "Reserved"},
    "portal.orders.line_paid": {"ru": "Оплачено (доля)", "en": "Paid (share)"},
    "portal.orders.paid_rule": {
        "ru": "Оплата по строкам — доля оплаты заказа пропорционально сумме строки.",
        "en": "Paid per line: the order's payments shared out in proportion to line amounts.",
    },
    "portal.orders.organization": {"ru": "Организация", "en": "Our organisation"},
    "portal.orders.shipment": {"ru": "Реализация", "en": "Shipment"},
    "portal.orders.no_shipments": {"ru": "Отгрузок пока нет.", "en": "Nothing shipped yet."},
    "portal.orders.no_payments": {"ru": "Оплат пока нет.", "en": "No payments yet."},
    "portal.orders.no_schedule": {
        "ru": "График оплаты появится после согласования заказа.",
        "en": "The payment schedule appears once the order is approved.",
    },
    "portal.orders.returns": {"ru": "Возвраты товаров", "en": "Returns"},
    "portal.orders.schedule_as_of": {"ru": "Состояние на {day}", "en": "As of {day}"},
    "portal.orders.settled_on": {"ru": "Оплачено", "en": "Settled on"},
    "portal.orders.outstanding": {"ru": "Осталось оплатить", "en": "Outstanding"},
    "portal.orders.days_overdue": {"ru": "Дней просрочки", "en": "Days overdue"},
    "portal.orders.prev": {"ru": "← Назад", "en": "← Previous"},
    "portal.orders.next": {"ru": "Дальше →", "en": "Next →"},
    "portal.orders.shown": {
        "ru": "Показаны {first}–{last} из {total}",
        "en": "Showing {first}–{last} of {total}",
    },
    "portal.schedule_status.paid": {"ru": "Оплачено", "en": "Paid"},
    "portal.schedule_status.partly_paid": {"ru": "Оплачено частично", "en": "Partly paid"},
    "portal.schedule_status.due": {"ru": "К оплате", "en": "Due"},
    "portal.schedule_status.overdue": {"ru": "Просрочено", "en": "Overdue"},
    # Debt
    "portal.debt.title": {"ru": "Взаиморасчёты", "en": "Settlements"},
    "portal.debt.as_of": {"ru": "На дату", "en": "As of"},
    "portal.debt.show": {"ru": "Показать", "en": "Show"},
    "portal.debt.balance": {"ru": "Ваша задолженность", "en": "You owe"},
    "portal.debt.advance": {"ru": "Ваш аванс (переплата)", "en": "Your advance"},
    "portal.debt.settled": {"ru": "Задолженности нет", "en": "Nothing owed"},
    "portal.debt.shipped": {"ru": "Отгружено", "en": "Shipped"},
    "portal.debt.returned": {"ru": "Возвращено", "en": "Returned"},
    "portal.debt.paid": {"ru": "Оплачено", "en": "Paid"},
    "portal.debt.overdue": {"ru": "Просроченная задолженность", "en": "Overdue debt"},
    "portal.debt.overdue_age": {"ru": "Дней просрочки", "en": "Days past due"},
    "portal.debt.bucket.0_30": {"ru": "до 30", "en": "up to 30"},
    "portal.debt.bucket.31_60": {"ru": "31–60", "en": "31–60"},
    "portal.debt.bucket.61_90": {"ru": "61–90", "en": "61–90"},
    "portal.debt.bucket.over_90": {"ru": "более 90", "en": "over 90"},
    "portal.debt.prepayments": {"ru": "Предоплата к оплате", "en": "Prepayments due"},
    "portal.debt.no_prepayments": {
        "ru": "Ожидаемых предоплат нет.",
        "en": "No prepayments are due.",
    },
    "portal.debt.by_order": {"ru": "По заказам", "en": "By order"},
    "portal.debt.total": {"ru": "Итого", "en": "Total"},
    "portal.debt.reconciliation": {
        "ru": "Акт сверки взаиморасчётов",
        "en": "Reconciliation statement",
    },
    "portal.debt.date_from": {"ru": "С", "en": "From"},
    "portal.debt.date_to": {"ru": "По", "en": "To"},
    "portal.debt.download_pdf": {"ru": "Скачать PDF", "en": "Download PDF"},
    "portal.debt.download_xlsx": {"ru": "Скачать Excel", "en": "Download Excel"},
    "portal.debt.reconciliation_hint": {
        "ru": "Один акт на каждую пару «наша организация — ваш контрагент».",
        "en": "One statement per pair of our organisation and your counterparty.",
    },
    # Refusals of the statement's period (rule.<rule> as the error pages translate them)
    "rule.reconciliation.period_reversed": {
        "ru": "Дата начала периода ({date_from}) позже даты окончания ({date_to}).",
        "en": "The period starts ({date_from}) after it ends ({date_to}).",
    },
    "rule.reconciliation.date_out_of_range": {
        "ru": "Даты периода должны лежать между {earliest} и {latest}.",
        "en": "The period's dates must lie between {earliest} and {latest}.",
    },
    "rule.reconciliation.period_too_long": {
        "ru": "Акт сверки строится не более чем за {days} дней; укажите период короче.",
        "en": "A statement covers at most {days} days; choose a shorter period.",
    },
    "rule.reconciliation.date_invalid": {
        "ru": "Дата указана неверно: нужен формат ГГГГ-ММ-ДД.",
        "en": "The date must be given as YYYY-MM-DD.",
    },
    "rule.reconciliation.dates_required": {
        "ru": "Укажите обе даты периода.",
        "en": "Give both dates of the period.",
    },
}
