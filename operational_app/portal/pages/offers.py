"""Portal pages: offers (issue 19). Every query goes through the customer's PortalScope."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/portal", include_in_schema=False)
