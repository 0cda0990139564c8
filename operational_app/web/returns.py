"""Operator pages of Заявки на возврат товаров от клиента (issue 19): list, card, approve,
reject, receive."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
