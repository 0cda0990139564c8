"""Заявки на возврат товаров от клиента (issue 19): the operators' API."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["returns"])
