"""Rows of the two reports the pages read since issue 24: rpt_claim_structure (worked out here in
Python from the fixture claims, as the mart's .yml states it) and rpt_deal_interactions (written
by hand: deal, manager, region, kind, partner, creation month, interactions, done, orders,
potential, ordered and actual amounts)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

D = Decimal

DEAL_INTERACTIONS = [
    (7001, 1, 1, 1, 101, date(2024, 2, 1), 4, 3, 1, D(100000), D(90000), D(80000)),
    (7002, 1, 2, 1, 102, date(2024, 3, 1), 2, 2, 0, D(50000), D(0), D(0)),
    (7003, 2, 2, 3, 103, date(2024, 3, 1), 6, 5, 2, D(200000), D(210000), D(150000)),
    (7004, 2, 1, 1, 104, date(2024, 5, 1), 1, 0, 0, D(0), D(0), D(0)),
    (7005, 1, 1, 1, 101, date(2022, 5, 1), 9, 9, 1, D(10000), D(10000), D(10000)),  # before
]


def deal_interaction_rows() -> list[dict[str, Any]]:
    return [
        {
            "deal_id": deal_id,
            "deal_number": f"СД-{deal_id:05d}",
            "partner_id": partner,
            "manager_id": manager,
            "deal_kind_id": kind,
            "business_region_id": region,
            "created_month": month,
            "status": "in_progress",
            "interactions_total": total,
            "interactions_done": done,
            "order_count": orders,
            "potential_amount": potential,
            "ordered_amount": ordered,
            "actual_amount": actual,
            "actual_to_potential_share": float(actual / potential) if potential else None,
        }
        for deal_id, manager, region, kind, partner, month, total, done, orders, potential,
        ordered, actual in DEAL_INTERACTIONS
    ]  # fmt: skip


def claim_structure_rows(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """rpt_claim_structure from fct_claims rows: per month and reason, shares of the month."""
    per_reason: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for claim in claims:
        per_reason[(claim["registered_month"], claim["claim_reason_id"])].append(claim)
    per_month = Counter(claim["registered_month"] for claim in claims)
    per_parent = Counter(
        (claim["registered_month"], claim["parent_claim_reason_id"]) for claim in claims
    )
    rows = []
    for (month, reason), mine in per_reason.items():
        first = mine[0]
        previous_month = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
        previous = len(per_reason.get((previous_month, reason), []))
        parent = per_parent[(month, first["parent_claim_reason_id"])]
        rows.append(
            {
                "claim_structure_id": f"{month}-{reason}",
                "registered_month": month,
                "claim_reason_id": reason,
                "claim_reason_name": first["claim_reason_name"],
                "parent_claim_reason_id": first["parent_claim_reason_id"],
                "parent_claim_reason_name": first["parent_claim_reason_name"],
                "claims_registered": len(mine),
                "claims_in_month": per_month[month],
                "share_of_month": len(mine) / per_month[month],
                "parent_claims_registered": parent,
                "parent_share_of_month": parent / per_month[month],
                "claims_registered_previous_month": previous,
                "change_from_previous_month": len(mine) - previous,
                "claimed_amount": sum((claim["claimed_amount"] or D(0) for claim in mine), D(0)),
            }
        )
    return rows
