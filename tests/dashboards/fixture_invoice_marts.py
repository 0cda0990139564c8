"""fct_invoices rows for the fixture warehouse (issue 25), written by hand on the fixture's
orders and partners; the expected figures in the tests are recomputed from INVOICES here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D
from typing import Any

AS_OF = date(2024, 6, 30)


@dataclass(frozen=True)
class Invoice:
    invoice_id: int
    order_id: int
    partner_id: int
    status: str
    issued: date
    due: date
    amount: D
    paid: D
    paid_date: date | None = None

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def outstanding(self) -> D:
        return D(0) if self.status in ("paid", "cancelled") else self.amount - self.paid

    @property
    def is_overdue(self) -> bool:
        return self.outstanding > 0 and self.due < AS_OF


INVOICES = [
    Invoice(1, 1, 101, "paid", date(2024, 1, 15), date(2024, 1, 15), D(3000), D(3000),
            date(2024, 1, 16)),
    Invoice(2, 1, 101, "paid", date(2024, 1, 19), date(2024, 2, 1), D(7000), D(7000),
            date(2024, 1, 30)),
    Invoice(3, 2, 102, "partly_paid", date(2024, 2, 10), date(2024, 5, 25), D(20000), D(5000)),
    Invoice(4, 3, 103, "issued", date(2024, 3, 5), date(2024, 12, 1), D(8000), D(0)),
    Invoice(5, 4, 101, "paid", date(2024, 5, 20), date(2024, 5, 25), D(5000), D(5000),
            date(2024, 5, 22)),
    Invoice(6, 5, 102, "cancelled", date(2024, 4, 1), date(2024, 4, 10), D(9999), D(0)),
]  # fmt: skip


def invoice_rows(partners: dict[int, tuple[str, int, int, str]]) -> list[dict[str, Any]]:
    rows = []
    for invoice in INVOICES:
        name, manager_id, region_id, _ = partners[invoice.partner_id]
        age = (AS_OF - invoice.issued).days if invoice.outstanding > 0 else None
        rows.append(
            {
                "invoice_id": invoice.invoice_id,
                "invoice_number": f"СЧ-{invoice.invoice_id:06d}",
                "organization_id": 1,
                "fiscal_year": invoice.issued.year,
                "sequence_number": invoice.invoice_id,
                "order_id": invoice.order_id,
                "order_number": f"ЗК-{invoice.order_id:05d}",
                "partner_id": invoice.partner_id,
                "partner_name": name,
                "business_region_id": region_id,
                "manager_id": manager_id,
                "invoice_kind": "order",
                "invoice_status": invoice.status,
                "is_cancelled": invoice.is_cancelled,
                "is_paid": invoice.status == "paid",
                "is_overdue": invoice.is_overdue,
                "issued_date": invoice.issued,
                "issued_month": invoice.issued.replace(day=1),
                "due_date": invoice.due,
                "paid_date": invoice.paid_date,
                "invoice_amount": invoice.amount,
                "vat_amount": (invoice.amount * 20 / 120).quantize(D("0.01")),
                "paid_amount": invoice.paid,
                "outstanding_amount": invoice.outstanding,
                "overdue_amount": invoice.outstanding if invoice.is_overdue else D(0),
                "matched_payment_count": int(invoice.paid > 0),
                "days_to_pay": (invoice.paid_date - invoice.issued).days
                if invoice.paid_date
                else None,
                "age_days": age,
                "age_bucket": None
                if age is None
                else "0-30"
                if age <= 30
                else "31-60"
                if age <= 60
                else "61-90"
                if age <= 90
                else "90+",
                "days_overdue": (AS_OF - invoice.due).days if invoice.is_overdue else 0,
                "as_of_date": AS_OF,
            }
        )
    return rows
