"""The /api/v1 router: one sub-router per entity."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from operational_app.api.deps import current_user
from operational_app.api.routes import (
    account,
    agreements,
    claims,
    classifier_admin,
    classifiers,
    contact_changes,
    contacts,
    deals,
    gift_certificates,
    interactions,
    intercompany,
    invoices,
    offers,
    orders,
    organizations,
    partners,
    portal_invites,
    price_tags,
    products,
    registry,
    retail,
    returns,
    sales_plans,
    warehouses,
)

# Every route under /api/v1 requires a signed-in user (bearer token or session cookie + CSRF
# header); routers included below inherit it. Role checks: `require_role(...)` in the route.
api_router = APIRouter(prefix="/api/v1", dependencies=[Depends(current_user)])
# Before partners: its /counterparties/{counterparty_id} would take "lookup" for an id.
api_router.include_router(registry.router)
api_router.include_router(partners.router)
api_router.include_router(deals.router)
api_router.include_router(classifiers.router)
# Sales: Номенклатура, Склады, Соглашения, Коммерческие предложения, Заказы клиентов.
for _sales_router in (products, warehouses, agreements, offers, orders):
    api_router.include_router(_sales_router.router)
# Engagement: Классификаторы (admin), Контактные лица, Взаимодействия, Претензии клиентов.
for _engagement_router in (classifier_admin, contacts, interactions, claims, returns):
    api_router.include_router(_engagement_router.router)
api_router.include_router(account.router)
# Изменения контактных данных из личного кабинета (issue 19): history operators review.
api_router.include_router(contact_changes.router)
# Portal invites (issue 19): managers invite contact persons to the customer portal.
api_router.include_router(portal_invites.router)
# Организации (admin): our legal entities and their GIS identities.
api_router.include_router(organizations.router)
# Счета на оплату and the print forms of orders and offers (issue 25).
api_router.include_router(invoices.router)
# Розница (issue 21): Магазины and Кассы ККТ.
api_router.include_router(retail.router)
# Подарочные сертификаты (issue 21): series and the register of numbered certificates.
api_router.include_router(gift_certificates.router)
# Шаблоны ценников and the price tags print (issue 21).
api_router.include_router(price_tags.router)
# Межфирменные продажи и комиссия (issue 22).
api_router.include_router(intercompany.router)
# Планы продаж (issue 26): plans by month, manager, business region and deal kind.
api_router.include_router(sales_plans.router)
