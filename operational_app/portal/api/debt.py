"""Portal API: debt and the reconciliation statement (issue 19), under /api/portal. Every query
goes through PortalScope (operational_app.portal.settlements)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Request

from operational_app.api.deps import IdFilter, SessionDep
from operational_app.api.schemas import Documented
from operational_app.portal import settlements
from operational_app.portal.api.orders import PositionOut, ReportDay, position_out, report_day
from operational_app.portal.deps import CurrentCustomer
from operational_app.print_forms.reconciliation import closing_phrase, title
from operational_app.web.formatting import settings_zone

router = APIRouter(tags=["portal"])


class OverdueBucket(Documented):
    bucket: str
    days_from: int
    days_to: int | None
    amount: Decimal


class PrepaymentDueOut(Documented):
    order_id: int
    order_number: str
    due_date: dt.date
    amount: Decimal
    is_overdue: bool


class OrderDebtOut(Documented):
    order_id: int
    order_number: str
    status: str
    position: PositionOut
    overdue_amount: Decimal


class DebtOut(Documented):
    as_of: dt.date
    position: PositionOut
    debt_amount: Decimal
    advance_amount: Decimal
    overdue_amount: Decimal
    overdue: list[OverdueBucket]
    prepayments_due_amount: Decimal
    prepayments_due: list[PrepaymentDueOut]
    orders: list[OrderDebtOut]


@router.get("/debt", response_model=DebtOut)
def get_debt(
    request: Request, session: SessionDep, customer: CurrentCustomer, as_of: ReportDay = None
) -> DebtOut:
    """The customer's settlement position (Взаиморасчёты) as of a day.

    Balance = shipped − received returns − paid over orders that are not deleted or cancelled;
    positive is the customer's debt, negative an advance. Overdue debt is split by age buckets of
    days past due. Prepayments due are what is expected before goods leave (approved or to_ship
    orders), not yet a debt. `as_of` defaults to today."""
    summary = settlements.debt_summary(
        session,
        customer.scope,
        as_of=report_day(request, as_of),
        zone=settings_zone(request.app.state.settings),
    )
    return DebtOut(
        as_of=summary.as_of,
        position=position_out(summary.total),
        debt_amount=summary.total.debt,
        advance_amount=summary.total.advance,
        overdue_amount=summary.overdue_total,
        overdue=[
            OverdueBucket(
                bucket=key, days_from=first, days_to=last, amount=summary.overdue_buckets[key]
            )
            for key, first, last in settlements.AGE_BUCKETS
        ],
        prepayments_due_amount=summary.prepayments_due_total,
        prepayments_due=[PrepaymentDueOut(**vars(item)) for item in summary.prepayments_due],
        orders=[
            OrderDebtOut(
                order_id=row.order_id,
                order_number=row.order_number,
                status=row.status,
                position=position_out(row.position),
                overdue_amount=row.overdue,
            )
            for row in summary.orders
        ],
    )


class PartyOut(Documented):
    id: int | None
    name: str
    inn: str | None
    kpp: str | None


class EntryOut(Documented):
    date: dt.date
    kind: str
    number: str
    document: str
    debit: Decimal
    credit: Decimal


class StatementOut(Documented):
    title: str
    organization: PartyOut
    counterparty: PartyOut
    date_from: dt.date
    date_to: dt.date
    opening_balance: Decimal
    entries: list[EntryOut]
    debit_turnover: Decimal
    credit_turnover: Decimal
    closing_balance: Decimal
    in_favour_of: str | None
    closing_phrase: str


class ReconciliationOut(Documented):
    date_from: dt.date
    date_to: dt.date
    statements: list[StatementOut]


def statements_for(
    request: Request,
    session: SessionDep,
    customer: CurrentCustomer,
    date_from: dt.date,
    date_to: dt.date,
    organization_id: int | None = None,
    counterparty_id: int | None = None,
) -> list[settlements.Statement]:
    return settlements.reconciliation(
        session,
        customer.scope,
        date_from=date_from,
        date_to=date_to,
        zone=settings_zone(request.app.state.settings),
        organization_id=organization_id,
        counterparty_id=counterparty_id,
    )


def _party(party: settlements.Party) -> PartyOut:
    return PartyOut(id=party.id, name=party.name, inn=party.inn, kpp=party.kpp)


@router.get("/debt/reconciliation", response_model=ReconciliationOut)
def get_reconciliation(
    request: Request,
    session: SessionDep,
    customer: CurrentCustomer,
    date_from: Annotated[dt.date, Query(description="the period's first day, YYYY-MM-DD")],
    date_to: Annotated[dt.date, Query(description="the period's last day, YYYY-MM-DD")],
    organization_id: IdFilter = None,
    counterparty_id: IdFilter = None,
) -> ReconciliationOut:
    """Акт сверки: one statement per (our organisation, your counterparty) pair."""
    statements = statements_for(
        request, session, customer, date_from, date_to, organization_id, counterparty_id
    )
    return ReconciliationOut(
        date_from=date_from,
        date_to=date_to,
        statements=[
            StatementOut(
                title=title(statement),
                organization=_party(statement.organization),
                counterparty=_party(statement.counterparty),
                date_from=statement.date_from,
                date_to=statement.date_to,
                opening_balance=statement.opening,
                entries=[
                    EntryOut(
                        date=entry.day,
                        kind=entry.kind,
                        number=entry.number,
                        document=entry.title,
                        debit=entry.debit,
                        credit=entry.credit,
                    )
                    for entry in statement.entries
                ],
                debit_turnover=statement.debit_turnover,
                credit_turnover=statement.credit_turnover,
                closing_balance=statement.closing,
                in_favour_of=statement.creditor.name if statement.creditor else None,
                closing_phrase=closing_phrase(statement),
            )
            for statement in statements
        ],
    )
