"""Invoice numbers under concurrency (issue 25): twenty invoices issued at once for one
organization get 1..20 of the year's series — distinct and without gaps — on SQLite and
PostgreSQL (the `engine` fixture), and a failed issue gives its number back."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from operational_app.db.models import CustomerOrder, Invoice
from operational_app.domain import invoices as service
from tests.operational_app.utils.invoices import create_invoice_world

ISSUERS = 20
ISSUED_ON = dt.date(2026, 6, 1)


def test_twenty_concurrent_issuers_take_the_series_without_gaps(engine: Engine, db: Session):
    order_ids = [create_invoice_world(db, qty=1).order.id for _ in range(ISSUERS)]
    start = threading.Barrier(ISSUERS)

    def issue_one(order_id: int) -> str:
        start.wait()
        try:
            with Session(engine, expire_on_commit=False) as session:
                order = session.get(CustomerOrder, order_id)
                invoice = service.issue_invoice(session, order, issued_on=ISSUED_ON)
                session.commit()
                return invoice.number
        except Exception as error:  # a failed issue is what this test counts
            return f"failed: {type(error).__name__}: {error}"[:300]

    with ThreadPoolExecutor(ISSUERS) as pool:
        results = list(pool.map(issue_one, order_ids))
    assert [result for result in results if result.startswith("failed")] == []
    db.expire_all()
    stored = db.scalars(select(Invoice.sequence_number).where(Invoice.fiscal_year == 2026)).all()
    assert sorted(stored) == list(range(1, ISSUERS + 1))
    assert sorted(results) == [service.format_number(number) for number in range(1, 21)]


def test_a_rolled_back_issue_gives_its_number_back(engine: Engine, db: Session):
    world = create_invoice_world(db)
    with Session(engine) as session:
        order = session.get(CustomerOrder, world.order.id)
        assert service.issue_invoice(session, order, issued_on=ISSUED_ON).sequence_number == 1
        session.rollback()
    with Session(engine) as session:
        order = session.get(CustomerOrder, world.order.id)
        assert service.issue_invoice(session, order, issued_on=ISSUED_ON).sequence_number == 1
        session.commit()


def test_two_people_invoicing_one_order_at_once_ask_for_it_once(engine: Engine, db: Session):
    order_id = create_invoice_world(db).order.id
    start = threading.Barrier(2)

    def issue(_: int) -> str:
        start.wait()
        try:
            with Session(engine, expire_on_commit=False) as session:
                order = session.get(CustomerOrder, order_id)
                number = service.issue_invoice(session, order, issued_on=ISSUED_ON).number
                session.commit()
                return number
        except Exception as error:  # the refused one is what this test expects
            return f"refused: {type(error).__name__}"

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(issue, range(2)))
    assert sorted(result.startswith("refused") for result in results) == [False, True], results
    db.expire_all()
    assert len(db.scalars(select(Invoice).where(Invoice.customer_order_id == order_id)).all()) == 1
