"""Factories for the engagement tests: orders/shipments written directly, the rest via services."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from sqlalchemy.orm import Session

from operational_app.db.models import CustomerOrder, Shipment
from operational_app.domain import claims as claim_service
from operational_app.domain import contacts as contact_service

_serial = itertools.count(1)
T0 = dt.datetime(2026, 3, 2, 9, 0)


def order_with_shipment(db: Session, partner_id: int) -> tuple[CustomerOrder, Shipment]:
    n = next(_serial)
    order = CustomerOrder(number=f"ЗК-T{n:05d}", partner_id=partner_id, status="shipped")
    db.add(order)
    db.flush()
    shipment = Shipment(
        number=f"РТ-T{n:05d}", customer_order_id=order.id, shipped_at=T0, amount=Decimal(100)
    )
    db.add(shipment)
    db.commit()
    return order, shipment


def contact(db: Session, partner_id: int, name: str = "Сидоров Пётр") -> object:
    person = contact_service.create_contact(db, partner_id=partner_id, full_name=name)
    db.commit()
    return person


def claim(db: Session, partner_id: int, **fields: object):
    created = claim_service.create_claim(db, partner_id=partner_id, **fields)
    db.commit()
    return created


def claim_in_work(db: Session, partner_id: int, **fields: object):
    created = claim(db, partner_id, **fields)
    claim_service.take_into_work(db, created)
    db.commit()
    return created
