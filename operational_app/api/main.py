"""The /api/v1 router: one sub-router per entity."""

from __future__ import annotations

from fastapi import APIRouter

from operational_app.api.routes import classifiers, deals, partners

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(partners.router)
api_router.include_router(deals.router)
api_router.include_router(classifiers.router)
