"""Schemas of Магазины and Кассы ККТ (issue 21)."""

from __future__ import annotations

from typing import ClassVar

from operational_app.api.schemas import Id, Input, Name200, PatchInput, Version, text
from operational_app.api.schemas_sales import Tracked


class StoreCreate(Input):
    name: Name200
    address: text(300) | None = None
    organization_id: Id
    warehouse_id: Id


class StoreUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("name", "organization_id", "warehouse_id")
    version: Version
    name: Name200 | None = None
    address: text(300) | None = None
    organization_id: Id | None = None
    warehouse_id: Id | None = None


class StorePublic(Tracked):
    name: str
    address: str | None
    organization_id: int
    warehouse_id: int


class CashRegisterCreate(Input):
    store_id: Id
    registration_number: text(20)
    fiscal_drive_number: text(20) | None = None
    ofd_name: text(200) | None = None
    ofd_inn: text(12) | None = None


class CashRegisterUpdate(PatchInput):
    non_nullable: ClassVar[tuple[str, ...]] = ("store_id", "registration_number")
    version: Version
    store_id: Id | None = None
    registration_number: text(20) | None = None
    fiscal_drive_number: text(20) | None = None
    ofd_name: text(200) | None = None
    ofd_inn: text(12) | None = None


class CashRegisterPublic(Tracked):
    store_id: int
    registration_number: str
    fiscal_drive_number: str | None
    ofd_name: str | None
    ofd_inn: str | None
