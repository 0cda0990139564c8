"""Dashboard messages of the invoices section (issue 25), merged into dashboards.i18n."""

from __future__ import annotations

INVOICE_CATALOG: dict[str, tuple[str, str]] = {
    "invoices_header": ("Счета на оплату", "Invoices"),
    "invoices_caption": (
        "Счета, датированные в выбранном периоде (без отменённых): выставлено и оплачено "
        "(оплаты, зачтённые в счёт), дни до оплаты — от даты счёта до последней оплаты "
        "полностью оплаченного счёта. Неоплаченные счета по возрасту — все открытые счета на "
        "дату расчёта витрины.",
        "Invoices dated in the chosen period (cancelled ones left out): invoiced and paid "
        "(payments matched to them); days to pay run from the invoice date to the last payment "
        "of a fully paid invoice. Unpaid invoices by age: every open invoice as of the marts' "
        "date.",
    ),
    "invoices_count": ("Счетов выставлено", "Invoices issued"),
    "invoices_invoice_amount": ("Выставлено счетов на", "Invoiced"),
    "invoices_paid_amount": ("Оплачено по счетам", "Paid on invoices"),
    "invoices_outstanding_amount": ("К оплате", "Outstanding"),
    "invoices_overdue_amount": ("Просрочено по счетам", "Overdue on invoices"),
    "invoices_not_yet_due": ("Срок не наступил", "Not yet due"),
    "invoices_mean_days_to_pay": ("Дней до оплаты (среднее)", "Days to pay (mean)"),
    "invoices_paid_count": ("Оплачено счетов", "Paid invoices"),
    "invoices_overdue_count": ("Просрочено счетов", "Overdue invoices"),
    "invoices_issued_vs_paid": ("Выставлено и оплачено по месяцам", "Invoiced vs paid by month"),
    "invoices_unpaid_by_age": ("Неоплаченные счета по возрасту", "Unpaid invoices by age"),
    "invoices_age_days": ("Дней с даты счёта", "Days since the invoice date"),
    "invoices_age_bucket": ("Возраст, дней", "Age, days"),
    "invoices_open": ("Открытые счета", "Open invoices"),
    "invoice_number": ("Счёт", "Invoice"),
    "invoice_date": ("Дата счёта", "Invoice date"),
    "invoice_due_date": ("Оплатить до", "Due date"),
    "invoice_status": ("Статус счёта", "Invoice status"),
    "invoice_days_overdue": ("Дней просрочки", "Days overdue"),
    "invoice_status_issued": ("Выставлен", "Issued"),
    "invoice_status_partly_paid": ("Оплачен частично", "Partly paid"),
    "invoice_status_paid": ("Оплачен", "Paid"),
    "invoice_status_cancelled": ("Отменён", "Cancelled"),
}
