"""Document numbers under concurrency (#16 item 4): twenty creators at once never collide.

Numbers used to be `max(id) + 1`, read before the insert: two transactions read the same
maximum and the second failed on the unique number (a 409), 20-75% of creations on SQLite and
37-50% on PostgreSQL. Each runs on SQLite and PostgreSQL (the `engine` fixture).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from operational_app.db.models import Claim, CommercialOffer, CustomerOrder, Deal
from operational_app.domain import claims as claim_service
from operational_app.domain import deals as deal_service
from operational_app.domain import offers as offer_service
from operational_app.domain import orders as order_service
from tests.operational_app.utils.factories import Classifiers, create_random_deal
from tests.operational_app.utils.sales import Sales, create_sales

CREATORS = 20


def _create_deal(session: Session, world: dict) -> object:
    return deal_service.create_deal(
        session,
        name="Параллельная сделка",
        partner_id=world["partner_id"],
        deal_kind_id=world["kind_id"],
    )


def _create_claim(session: Session, world: dict) -> object:
    return claim_service.create_claim(session, partner_id=world["partner_id"])


def _create_offer(session: Session, world: dict) -> object:
    return offer_service.create_offer(
        session,
        partner_id=world["partner_id"],
        agreement_id=world["agreement_id"],
        lines=[{"product_id": world["product_id"], "quantity": Decimal(1)}],
    )


def _create_order(session: Session, world: dict) -> object:
    return order_service.create_order(
        session,
        partner_id=world["partner_id"],
        agreement_id=world["agreement_id"],
        lines=[
            {
                "product_id": world["product_id"],
                "warehouse_id": world["warehouse_id"],
                "quantity": Decimal(1),
            }
        ],
    )


CREATE: dict[type, Callable[[Session, dict], object]] = {
    Deal: _create_deal,
    Claim: _create_claim,
    CommercialOffer: _create_offer,
    CustomerOrder: _create_order,
}


def _world(db: Session, classifiers: Classifiers) -> dict:
    sales: Sales = create_sales(db, stock=100)
    # A document already there (numbered the old way) the new numbers must step past.
    create_random_deal(db, classifiers, partner_id=sales.partner.id)
    return {
        "partner_id": sales.partner.id,
        "kind_id": classifiers.kind.id,
        "agreement_id": sales.agreement.id,
        "product_id": sales.product.id,
        "warehouse_id": sales.warehouse.id,
    }


@pytest.mark.parametrize("model", list(CREATE), ids=lambda model: model.__tablename__)
def test_twenty_concurrent_creators_all_succeed_with_distinct_numbers(
    engine: Engine, db: Session, classifiers: Classifiers, model: type
):
    world = _world(db, classifiers)
    before = db.scalar(select(func.count()).select_from(model)) or 0
    start = threading.Barrier(CREATORS)

    def create_one(_: int) -> str | None:
        start.wait()
        try:
            with Session(engine, expire_on_commit=False) as session:
                document = CREATE[model](session, world)
                session.commit()
                return document.number  # type: ignore[attr-defined]
        except Exception as error:  # a failed creation is what this test counts
            return f"failed: {type(error).__name__}: {error}"[:300]

    with ThreadPoolExecutor(CREATORS) as pool:
        results = list(pool.map(create_one, range(CREATORS)))
    failures = [result for result in results if result is None or result.startswith("failed")]
    assert failures == []
    assert len(set(results)) == CREATORS
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(model)) == before + CREATORS
    stored = db.scalars(select(model.number)).all()  # type: ignore[attr-defined]
    assert len(stored) == len(set(stored))


def test_numbers_continue_past_existing_and_hand_entered_ones(
    db: Session, classifiers: Classifiers
):
    first = create_random_deal(db, classifiers)
    taken = f"{deal_service.NUMBER_PREFIX}{int(first.number[-6:]) + 1:06d}"
    create_random_deal(db, classifiers, number=taken)
    following = create_random_deal(db, classifiers)
    assert following.number > taken
    assert following.number.startswith(deal_service.NUMBER_PREFIX)
