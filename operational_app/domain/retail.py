"""Магазины and кассы ККТ (issue 21): the entry rules.

A store sells from one warehouse for one organization. A cash register is known to the ФНС by
its registration number (РН ККТ, 16 digits: tag 1037 on every receipt, which is how the pipeline
ties receipts to the store); its fiscal drive number (ФН, 16 digits) changes when the drive is
replaced; the ОФД's ИНН is a legal entity's (10 digits).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.db.models import CashRegister, Organization, Store, Warehouse, utc_now
from operational_app.domain.common import clean_text, require_reference, require_text
from operational_app.domain.errors import TransitionNotAllowed, ValidationFailed, check_version
from operational_app.domain.products import soft_delete

STORE_FIELDS: Final = ("name", "address", "organization_id", "warehouse_id")
REGISTER_FIELDS: Final = (
    "store_id",
    "registration_number",
    "fiscal_drive_number",
    "ofd_name",
    "ofd_inn",
)


def _digits(value: str | None, length: int, field: str, *, required: bool) -> str | None:
    cleaned = clean_text(value)
    if cleaned is None:
        if required:
            raise ValidationFailed("text.required", f"{field} must not be empty.", field=field)
        return None
    if not (cleaned.isdigit() and len(cleaned) == length):
        raise ValidationFailed(f"{field}.format", f"{field} must be {length} digits.", field=field)
    return cleaned


def _apply_store(session: Session, store: Store, values: Mapping[str, Any]) -> None:
    if "name" in values:
        name = require_text(values["name"], "name")
        taken = session.scalar(
            select(Store.id).where(
                Store.name == name, Store.id != (store.id or 0), Store.deleted_at.is_(None)
            )
        )
        if taken is not None:
            raise ValidationFailed(
                "store.name_taken", f"Store {name} already exists.", field="name"
            )
        store.name = name
    if "address" in values:
        store.address = clean_text(values["address"])
    for field, model in (("organization_id", Organization), ("warehouse_id", Warehouse)):
        if field in values:
            if values[field] is None:
                raise ValidationFailed("text.required", f"{field} is required.", field=field)
            require_reference(session, model, values[field], field)
            setattr(store, field, values[field])


def create_store(
    session: Session,
    *,
    name: str,
    organization_id: int,
    warehouse_id: int,
    address: str | None = None,
) -> Store:
    store = Store()
    _apply_store(
        session,
        store,
        {
            "name": name,
            "address": address,
            "organization_id": organization_id,
            "warehouse_id": warehouse_id,
        },
    )
    session.add(store)
    session.flush()
    return store


def update_store(
    session: Session, store: Store, changes: Mapping[str, Any], *, expected_version: int | None
) -> Store:
    check_version(store, expected_version)
    _apply_store(session, store, {k: v for k, v in changes.items() if k in STORE_FIELDS})
    store.updated_at = utc_now()
    session.flush()
    return store


def delete_store(session: Session, store: Store, *, expected_version: int | None = None) -> None:
    registers = session.scalar(
        select(CashRegister.id).where(
            CashRegister.store_id == store.id, CashRegister.deleted_at.is_(None)
        )
    )
    if registers is not None:
        raise TransitionNotAllowed(
            "store.has_cash_registers", "The store still has cash registers; remove them first."
        )
    soft_delete(store, expected_version)
    session.flush()


def _apply_register(session: Session, register: CashRegister, values: Mapping[str, Any]) -> None:
    if "store_id" in values:
        if values["store_id"] is None:
            raise ValidationFailed("text.required", "store_id is required.", field="store_id")
        require_reference(session, Store, values["store_id"], "store_id")
        register.store_id = values["store_id"]
    if "registration_number" in values:
        number = _digits(values["registration_number"], 16, "registration_number", required=True)
        taken = session.scalar(
            select(CashRegister.id).where(
                CashRegister.registration_number == number,
                CashRegister.id != (register.id or 0),
            )
        )
        if taken is not None:
            raise ValidationFailed(
                "cash_register.number_taken",
                f"Cash register {number} is already registered.",
                field="registration_number",
            )
        register.registration_number = number  # type: ignore[assignment]
    if "fiscal_drive_number" in values:
        register.fiscal_drive_number = _digits(
            values["fiscal_drive_number"], 16, "fiscal_drive_number", required=False
        )
    if "ofd_name" in values:
        register.ofd_name = clean_text(values["ofd_name"])
    if "ofd_inn" in values:
        register.ofd_inn = _digits(values["ofd_inn"], 10, "ofd_inn", required=False)


def create_cash_register(
    session: Session,
    *,
    store_id: int,
    registration_number: str,
    fiscal_drive_number: str | None = None,
    ofd_name: str | None = None,
    ofd_inn: str | None = None,
) -> CashRegister:
    register = CashRegister()
    _apply_register(
        session,
        register,
        {
            "store_id": store_id,
            "registration_number": registration_number,
            "fiscal_drive_number": fiscal_drive_number,
            "ofd_name": ofd_name,
            "ofd_inn": ofd_inn,
        },
    )
    session.add(register)
    session.flush()
    return register


def update_cash_register(
    session: Session,
    register: CashRegister,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None,
) -> CashRegister:
    check_version(register, expected_version)
    _apply_register(session, register, {k: v for k, v in changes.items() if k in REGISTER_FIELDS})
    register.updated_at = utc_now()
    session.flush()
    return register


def delete_cash_register(
    session: Session, register: CashRegister, *, expected_version: int | None = None
) -> None:
    soft_delete(register, expected_version)
    session.flush()
