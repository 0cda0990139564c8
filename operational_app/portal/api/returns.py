"""Portal API: returns (issue 19), under /api/portal. Every query goes through PortalScope."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["portal"])
