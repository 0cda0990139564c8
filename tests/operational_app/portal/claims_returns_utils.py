"""Fixtures of the claims and returns tests: portal customers of two partners with shipped
orders, reasons, and small files of each allowed type."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import zipfile
from dataclasses import dataclass

from sqlalchemy.orm import Session

from operational_app.db.models import ClaimReason, CustomerOrder, ReturnReason, User
from operational_app.domain import orders, returns
from tests.operational_app.utils.factories import create_random_partner
from tests.operational_app.utils.sales import Sales, create_order, create_sales
from tests.operational_app.utils.users import bearer, create_token

T0 = dt.datetime(2026, 3, 2, 9, 0)
_serial = itertools.count(1)

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
TEXT = "Акт о браке: 3 коробки\n".encode()
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
HTML = b"<html><script>alert(1)</script></html>\x00"


def office_file(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml" if kind == "xlsx" else "word/document.xml", "<x/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.exe", EXE)
    return buffer.getvalue()


@dataclass
class Customer:
    user: User
    headers: dict[str, str]
    order: CustomerOrder
    partner_id: int


def shipped_order(db: Session, sales: Sales, partner_id: int, qty: int = 4, ship: int = 3):
    order = create_order(db, sales, qty=qty, partner_id=partner_id)
    orders.submit_order(db, order)
    orders.release_to_shipping(db, order)
    line = orders.order_lines(db, order.id)[0]
    orders.record_shipment(db, order, [{"order_line_id": line.id, "quantity": ship}], shipped_at=T0)
    db.commit()
    return order


def customer_user(db: Session, partner_id: int) -> User:
    number = next(_serial)
    user = User(
        login=f"customer-{number}",
        full_name=f"Клиент {number}",
        role="customer",
        partner_id=partner_id,
    )
    db.add(user)
    db.commit()
    return user


def two_customers(db: Session) -> tuple[Customer, Customer, Sales]:
    sales = create_sales(db, stock=50)
    other = create_random_partner(db)
    db.commit()
    result = []
    for partner_id in (sales.partner.id, other.id):
        order = shipped_order(db, sales, partner_id)
        user = customer_user(db, partner_id)
        result.append(Customer(user, bearer(create_token(db, user)), order, partner_id))
    return result[0], result[1], sales


def reasons(db: Session) -> tuple[ClaimReason, ReturnReason]:
    claim_reason = ClaimReason(name="Брак")
    return_reason = ReturnReason(name=f"Брак {next(_serial)}")
    db.add_all([claim_reason, return_reason])
    db.commit()
    return claim_reason, return_reason


def shipment_line_id(db: Session, order: CustomerOrder) -> int:
    return returns.returnable_lines(db, order.id)[0].shipment_line.id
