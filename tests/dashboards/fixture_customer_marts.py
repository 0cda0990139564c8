"""Hand-made rows for the client-base marts (dbt_project/models/marts/customers), for the
«Клиентская база» page. The partners, managers, regions and deal kinds are those of
fixture_marts and conftest; the figures follow the marts' definitions by hand:

- ABC/XYZ in June 2024: window revenues 50 000 / 30 000 / 12 000 / 8 000 of 100 000 give
  cumulative shares 0.50 / 0.80 / 0.92 / 1.00, so A, A, B, C; in May 2024 60 000 / 20 000 /
  12 000 of 92 000 give 0.65 / 0.87 / 1.00, so A, B, C: partners 102 (B -> A) and 103 (C -> B)
  changed class in June, 104 is new to the base (no previous class, no change).
- The offer conversion rows are the offers summed per month, manager and deal kind.
Tests work their expected figures out from these lists, never from the SQL.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from tests.dashboards.fixture_marts import PARTNERS

D = Decimal
MANAGER_NAMES = {1: "Иванов Иван", 2: "Петрова Анна"}
DEAL_KIND_NAMES = {1: "Оптовая продажа", 2: "Разовая продажа", 3: "Тендер"}

# partner_id, class_month, window revenue, abc, xyz, previous abc, previous xyz, cv
CUSTOMER_CLASSES = [
    (101, date(2024, 5, 1), D(60000), "A", "X", "A", "X", 0.05),
    (102, date(2024, 5, 1), D(20000), "B", "Z", None, None, 0.9),
    (103, date(2024, 5, 1), D(12000), "C", "Y", "C", "Y", 0.2),
    (101, date(2024, 6, 1), D(50000), "A", "X", "A", "X", 0.08),
    (102, date(2024, 6, 1), D(30000), "A", "Z", "B", "Z", 0.7),
    (103, date(2024, 6, 1), D(12000), "B", "Y", "C", "Y", 0.2),
    (104, date(2024, 6, 1), D(8000), "C", None, None, None, None),
]

# partner_id, month, is_new, is_active, is_returned, is_lost
CUSTOMER_LIFECYCLE = [
    (101, date(2024, 1, 1), True, True, False, False),
    (101, date(2024, 3, 1), False, True, False, False),
    (101, date(2024, 5, 1), False, True, False, False),
    (102, date(2024, 2, 1), True, True, False, False),
    (102, date(2024, 5, 1), False, False, False, True),
    (102, date(2024, 6, 1), False, True, True, False),
    (103, date(2023, 3, 1), True, True, False, False),  # before the default period
    (103, date(2023, 6, 1), False, False, False, True),  # before the default period
    (103, date(2024, 3, 1), False, True, True, False),
    (104, date(2024, 6, 1), True, True, False, False),
]

# partner_id, first purchase, last purchase, orders, lifetime revenue, days since last purchase
CUSTOMER_LIFETIME = [
    (101, date(2024, 1, 19), date(2024, 5, 31), 3, D(150000), 20),
    (102, date(2024, 2, 18), date(2024, 6, 15), 2, D(90000), 5),
    (103, date(2023, 3, 5), date(2024, 3, 12), 2, D(20000), 100),
    (104, date(2024, 6, 17), date(2024, 6, 17), 1, D(8000), 3),
]
LOST_AFTER_DAYS = 90


@dataclass(frozen=True)
class Offer:
    commercial_offer_id: int
    manager_id: int
    deal_kind_id: int
    offered_date: date
    status: str
    days_to_order: float | None = None
    ordered_amount: Decimal | None = None
    lost_reason: str | None = None
    partner_id: int = 101
    offer_amount: Decimal = D(10000)

    @property
    def is_converted(self) -> bool:
        return self.days_to_order is not None


OFFERS = [
    Offer(1, 1, 1, date(2024, 3, 1), "accepted", 2.0, D(10000)),
    Offer(2, 1, 1, date(2024, 3, 5), "accepted", 4.0, D(5000)),
    Offer(3, 1, 3, date(2024, 4, 2), "rejected", lost_reason="Высокая цена"),
    Offer(4, 2, 1, date(2024, 4, 10), "accepted"),
    Offer(5, 2, 1, date(2024, 5, 15), "expired", lost_reason="expired"),
    Offer(6, 2, 3, date(2024, 5, 20), "sent"),
    Offer(7, 2, 1, date(2024, 6, 1), "draft"),
    Offer(8, 1, 1, date(2023, 1, 10), "accepted", 10.0, D(7000)),  # before the default period
]


def _customer_class_rows() -> list[dict[str, Any]]:
    totals: dict[date, Decimal] = {}
    for _, month, revenue, *_ in CUSTOMER_CLASSES:
        totals[month] = totals.get(month, D(0)) + revenue
    rows = []
    cumulative: dict[date, Decimal] = {}
    ranks: dict[date, int] = {}
    for partner_id, month, revenue, abc, xyz, prev_abc, prev_xyz, cv in CUSTOMER_CLASSES:
        name, manager_id, region_id, _ = PARTNERS[partner_id]
        cumulative[month] = cumulative.get(month, D(0)) + revenue
        ranks[month] = ranks.get(month, 0) + 1
        abc_changed = prev_abc is not None and prev_abc != abc
        xyz_changed = prev_xyz is not None and xyz is not None and prev_xyz != xyz
        rows.append(
            {
                "customer_class_id": f"{partner_id}-{month}",
                "partner_id": partner_id,
                "partner_name": name,
                "business_region_id": region_id,
                "manager_id": manager_id,
                "class_month": month,
                "window_start_month": date(month.year - 1, month.month + 1, 1)
                if month.month < 12
                else date(month.year, 1, 1),
                "month_revenue_amount": revenue / 12,
                "window_revenue_amount": revenue,
                "window_month_count": 12,
                "revenue_rank": ranks[month],
                "revenue_share": float(revenue / totals[month]),
                "cumulative_revenue_share": float(cumulative[month] / totals[month]),
                "monthly_revenue_cv": cv,
                "abc_class": abc,
                "xyz_class": xyz,
                "abc_xyz_class": abc + (xyz or ""),
                "previous_abc_class": prev_abc,
                "previous_xyz_class": prev_xyz,
                "is_abc_changed": abc_changed,
                "is_xyz_changed": xyz_changed,
                "is_class_changed": abc_changed or xyz_changed,
            }
        )
    return rows


def _customer_lifecycle_rows() -> list[dict[str, Any]]:
    rows = []
    for partner_id, month, is_new, is_active, is_returned, is_lost in CUSTOMER_LIFECYCLE:
        name, manager_id, region_id, _ = PARTNERS[partner_id]
        rows.append(
            {
                "customer_lifecycle_id": f"{partner_id}-{month}",
                "partner_id": partner_id,
                "partner_name": name,
                "business_region_id": region_id,
                "manager_id": manager_id,
                "lifecycle_month": month,
                "is_new": is_new,
                "is_active": is_active,
                "is_returned": is_returned,
                "is_lost": is_lost,
            }
        )
    return rows


def _customer_lifetime_rows() -> list[dict[str, Any]]:
    june = {row[0]: row for row in CUSTOMER_CLASSES if row[1] == date(2024, 6, 1)}
    rows = []
    for partner_id, first, last, orders, revenue, days in CUSTOMER_LIFETIME:
        name, manager_id, region_id, region_name = PARTNERS[partner_id]
        rows.append(
            {
                "partner_id": partner_id,
                "partner_name": name,
                "business_region_id": region_id,
                "business_region_name": region_name,
                "manager_id": manager_id,
                "manager_name": MANAGER_NAMES[manager_id],
                "first_purchase_date": first,
                "last_purchase_date": last,
                "shipment_count": orders,
                "order_count": orders,
                "lifetime_revenue_amount": revenue,
                "days_since_last_purchase": days,
                "is_lost": days >= LOST_AFTER_DAYS,
                "abc_class": june[partner_id][3],
                "xyz_class": june[partner_id][4],
            }
        )
    return rows


def _offer_rows() -> list[dict[str, Any]]:
    rows = []
    for offer in OFFERS:
        offered_at = datetime.combine(offer.offered_date, datetime.min.time())
        ordered_at = (
            offered_at + timedelta(days=offer.days_to_order) if offer.is_converted else None
        )
        rows.append(
            {
                "commercial_offer_id": offer.commercial_offer_id,
                "commercial_offer_number": f"КП-{offer.commercial_offer_id:05d}",
                "partner_id": offer.partner_id,
                "manager_id": offer.manager_id,
                "manager_name": MANAGER_NAMES[offer.manager_id],
                "deal_kind_id": offer.deal_kind_id,
                "deal_kind_name": DEAL_KIND_NAMES[offer.deal_kind_id],
                "status": offer.status,
                "offered_at": offered_at,
                "offered_date": offer.offered_date,
                "offered_month": offer.offered_date.replace(day=1),
                "offer_amount": offer.offer_amount,
                "is_sent": offer.status != "draft",
                "is_accepted": offer.status == "accepted",
                "is_converted": offer.is_converted,
                "is_lost": offer.status in ("rejected", "expired"),
                "lost_reason": offer.lost_reason,
                "order_count": int(offer.is_converted),
                "first_ordered_at": ordered_at,
                "ordered_amount": offer.ordered_amount,
                "days_to_order": offer.days_to_order,
            }
        )
    return rows


def _offer_conversion_rows() -> list[dict[str, Any]]:
    groups: dict[tuple[date, int, int], list[Offer]] = {}
    for offer in OFFERS:
        key = (offer.offered_date.replace(day=1), offer.manager_id, offer.deal_kind_id)
        groups.setdefault(key, []).append(offer)
    rows = []
    for (month, manager_id, kind_id), offers in groups.items():
        sent = [offer for offer in offers if offer.status != "draft"]
        accepted = [offer for offer in offers if offer.status == "accepted"]
        converted = [offer for offer in offers if offer.is_converted]
        rejected = [offer for offer in offers if offer.status == "rejected"]
        expired = [offer for offer in offers if offer.status == "expired"]
        days = [offer.days_to_order for offer in converted if offer.days_to_order is not None]
        rows.append(
            {
                "offer_conversion_id": f"{month}-{manager_id}-{kind_id}",
                "offered_month": month,
                "manager_id": manager_id,
                "manager_name": MANAGER_NAMES[manager_id],
                "deal_kind_id": kind_id,
                "deal_kind_name": DEAL_KIND_NAMES[kind_id],
                "offer_count": len(offers),
                "sent_offer_count": len(sent),
                "accepted_offer_count": len(accepted),
                "converted_offer_count": len(converted),
                "rejected_offer_count": len(rejected),
                "expired_offer_count": len(expired),
                "lost_offer_count": len(rejected) + len(expired),
                "open_offer_count": sum(offer.status == "sent" for offer in offers),
                "offer_amount": sum((offer.offer_amount for offer in offers), D(0)),
                "converted_offer_amount": sum((offer.offer_amount for offer in converted), D(0)),
                "ordered_amount": sum((offer.ordered_amount or D(0) for offer in offers), D(0)),
                "acceptance_share": len(accepted) / len(sent) if sent else None,
                "conversion_share": len(converted) / len(sent) if sent else None,
                "days_to_order_sum": sum(days) if days else None,
                "mean_days_to_order": statistics.mean(days) if days else None,
                "median_days_to_order": statistics.median(days) if days else None,
            }
        )
    return rows


def customer_mart_rows() -> dict[str, list[dict[str, Any]]]:
    return {
        "rpt_customer_abc_xyz": _customer_class_rows(),
        "rpt_customer_lifecycle": _customer_lifecycle_rows(),
        "dim_customer_lifetime": _customer_lifetime_rows(),
        "fct_commercial_offers": _offer_rows(),
        "rpt_offer_conversion": _offer_conversion_rows(),
    }
