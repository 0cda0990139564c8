"""Hand-made rows for the marts added after the sales ones, and for the publish step's meta tables.

Every table is created from its dbt contract (the model's .yml: column names and data types), so
the fixture follows the contract the dashboards read. The rows are small and consistent with one
another and with the deals in conftest.py: claims and orders belong to partners 101-103 (the
partners of deals 1-3, with those deals' managers and regions), the forecast covers the open
deals 4 and 5 with the win shares the fixture's closed deals give, the region revenue is the
shipments summed per region and month, and the daily GIS report is the documents summed per day.
Tests work their expected figures out from these Python lists, never from the SQL.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import yaml

MARTS_DIR = Path(__file__).resolve().parents[2] / "dbt_project" / "models" / "marts"
D = Decimal

# partner_id -> (name, manager_id, business_region_id, business_region_name)
PARTNERS: dict[int, tuple[str, int, int, str]] = {
    101: ("Партнёр 1", 1, 1, "Центр"),
    102: ("Партнёр 2", 2, 2, "Сибирь"),
    103: ("Партнёр 3", 1, 2, "Сибирь"),
    104: ("Партнёр 4", 2, 1, "Центр"),  # deal 4's partner, with no orders or claims
}

# dim_partners.industry (the role "Отрасль: <name>"): two industries and one partner without.
# The deals' other partners (105-113) are not in dim_partners, so their industry is unknown too.
INDUSTRIES: dict[int, str | None] = {
    101: "Розничная торговля",
    102: "Производство",
    103: "Розничная торговля",
    104: None,
}


def industry_of(partner_id: int) -> str | None:
    return INDUSTRIES.get(partner_id)


# claim_reason_id -> (name, parent id or None)
CLAIM_REASONS: dict[int, tuple[str, int | None]] = {
    10: ("Качество", None),
    11: ("Брак упаковки", 10),
    12: ("Истёк срок годности", 10),
    20: ("Логистика", None),
    21: ("Опоздание доставки", 20),
    30: ("Документы", None),
}


@dataclass(frozen=True)
class Claim:
    claim_id: int
    claim_reason_id: int | None
    partner_id: int
    registered_at: datetime
    status: str  # registered | in_work | resolved
    days_to_resolve: float | None = None
    is_satisfied: bool | None = None
    claimed_amount: Decimal = D(0)
    source: str = "claims_list"

    @property
    def resolved_at(self) -> datetime | None:
        if self.days_to_resolve is None:
            return None
        return self.registered_at + timedelta(days=self.days_to_resolve)

    @property
    def resolved_date(self) -> date | None:
        resolved = self.resolved_at
        return resolved.date() if resolved else None

    @property
    def manager_id(self) -> int:
        return PARTNERS[self.partner_id][1]

    @property
    def business_region_id(self) -> int:
        return PARTNERS[self.partner_id][2]

    @property
    def parent_claim_reason_id(self) -> int | None:
        if self.claim_reason_id is None:
            return None
        return CLAIM_REASONS[self.claim_reason_id][1] or self.claim_reason_id


CLAIMS = [
    Claim(1, 11, 101, datetime(2024, 1, 10, 9), "resolved", 2.5, True, D("1000.00")),
    Claim(2, 11, 102, datetime(2024, 1, 20, 9), "resolved", 4.0, False, D("2500.50"), "portal"),
    Claim(3, 12, 101, datetime(2024, 2, 5, 12), "resolved", 10.0, True, D("300"), "partner_card"),
    Claim(4, 21, 103, datetime(2024, 2, 28, 10), "resolved", 5.0, True, D("0"), "discrepancy_act"),
    Claim(5, 21, 102, datetime(2024, 3, 15, 10), "in_work", claimed_amount=D("700")),
    Claim(6, 30, 103, datetime(2024, 4, 1, 8), "resolved", 1.0, False, D("150")),
    Claim(7, None, 101, datetime(2024, 5, 5, 8), "registered", claimed_amount=D("50")),
    Claim(8, 11, 102, datetime(2023, 3, 1, 8), "resolved", 3.0, True, D("999")),
    # Registered inside the default period, resolved after its end (2024-06-20).
    Claim(9, 12, 103, datetime(2024, 6, 10, 8), "resolved", 20.0, True, D("400")),
]  # fmt: skip

# responsible_user_id, planned_date, total, planned, done, overdue, cancelled, unreviewed
EVENTS_CALENDAR = [
    (1, date(2024, 6, 3), 3, 1, 2, 1, 0, 1),
    (1, date(2024, 6, 4), 2, 0, 1, 0, 1, 0),
    (2, date(2024, 6, 3), 4, 2, 2, 1, 0, 3),
    (2, date(2024, 6, 10), 1, 1, 0, 0, 0, 1),
    (None, date(2024, 6, 5), 1, 1, 0, 1, 0, 1),
    (3, date(2023, 1, 10), 2, 0, 2, 0, 0, 0),
    # Planned after the data's last date (2024-06-20): the calendar's default period shows it.
    (2, date(2024, 7, 15), 2, 2, 0, 0, 0, 0),
]


@dataclass(frozen=True)
class Order:
    order_id: int
    partner_id: int
    status: str
    ordered_date: date
    ordered_amount: Decimal
    shipped_amount: Decimal
    cost_amount: Decimal
    paid_amount: Decimal
    overdue_amount: Decimal
    planned_shipment_date: date | None
    actual_shipment_date: date | None
    planned_payment_date: date | None
    actual_payment_date: date | None
    is_paid_on_time: bool | None
    # Schedule items past due and not paid, prepayments included (CONTRACT_DEBT.md).
    overdue_payment_amount: Decimal = D(0)

    @property
    def counts_for_debt(self) -> bool:
        return self.status in ("approved", "to_ship", "shipped", "closed")

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def returned_amount(self) -> Decimal:
        """Goods received back (received returns of the order's shipments)."""
        received = [line for line in RETURNS if line.is_received]
        return sum((line.amount for line in received if line.order_id == self.order_id), D(0))

    @property
    def debt_amount(self) -> Decimal:
        """What the customer owes on this order: shipped, less goods received back, beyond paid
        (never negative)."""
        if not self.counts_for_debt:
            return D(0)
        return max(self.shipped_amount - self.returned_amount - self.paid_amount, D(0))

    @property
    def prepayment_amount(self) -> Decimal:
        """Advance received beyond what was shipped and kept."""
        if not self.counts_for_debt:
            return D(0)
        return max(self.paid_amount - (self.shipped_amount - self.returned_amount), D(0))

    @property
    def is_shipped_on_time(self) -> bool | None:
        if self.planned_shipment_date is None or self.actual_shipment_date is None:
            return None
        return self.actual_shipment_date <= self.planned_shipment_date

    @property
    def manager_id(self) -> int:
        return PARTNERS[self.partner_id][1]

    @property
    def business_region_id(self) -> int:
        return PARTNERS[self.partner_id][2]


d = date
ORDERS = [
    Order(1, 101, "shipped", d(2024, 1, 15), D(10000), D(10000), D(7000), D(10000), D(0),
          d(2024, 1, 20), d(2024, 1, 19), d(2024, 2, 1), d(2024, 1, 30), True),
    Order(2, 102, "shipped", d(2024, 2, 10), D(20000), D(20000), D(15000), D(5000), D(15000),
          d(2024, 2, 15), d(2024, 2, 18), d(2024, 5, 25), None, False, D(15000)),
    Order(3, 103, "to_ship", d(2024, 3, 5), D(8000), D(3000), D(2000), D(0), D(0),
          d(2024, 3, 10), d(2024, 3, 9), d(2024, 12, 1), None, None, D(5000)),
    Order(4, 101, "approved", d(2024, 5, 20), D(5000), D(0), D(0), D(5000), D(0),
          d(2024, 6, 1), None, d(2024, 5, 25), d(2024, 5, 22), True),
    Order(5, 102, "cancelled", d(2024, 4, 1), D(9999), D(0), D(0), D(0), D(0),
          d(2024, 4, 10), None, None, None, None),
    Order(6, 103, "closed", d(2023, 3, 1), D(4000), D(4000), D(3000), D(1000), D(3000),
          d(2023, 3, 5), d(2023, 3, 5), d(2023, 4, 1), None, False, D(3000)),
]  # fmt: skip

# shipment_id, order_id, shipped_date, shipped_amount, cost_amount (one shipment per order here)
SHIPMENTS = [
    (1, 1, d(2024, 1, 19), D(10000), D(7000)),
    (2, 2, d(2024, 2, 18), D(20000), D(15000)),
    (3, 3, d(2024, 3, 9), D(3000), D(2000)),
    (4, 6, d(2023, 3, 5), D(4000), D(3000)),
]

# Return request lines (fct_returns) on the shipments above. Only received ones reduce revenue
# (in the month received) and debt; order 6's overdue debt (3000) is untouched by its return.
RETURN_REASONS = {1: "Брак", 2: "Пересорт"}
RETURN_PRODUCTS = {1: "Стеллаж складской", 2: "Перчатки х/б"}


@dataclass(frozen=True)
class ReturnLine:
    return_line_id: int
    return_request_id: int
    line_number: int
    shipment_id: int
    product_id: int
    return_reason_id: int | None
    status: str  # registered | approved | rejected | received | cancelled
    source: str  # operator | portal
    quantity: Decimal
    amount: Decimal
    registered_at: datetime
    hours_to_decision: float | None = None
    received_date: date | None = None

    @property
    def order_id(self) -> int:
        return next(order for shipment, order, *_ in SHIPMENTS if shipment == self.shipment_id)

    @property
    def partner_id(self) -> int:
        return next(o.partner_id for o in ORDERS if o.order_id == self.order_id)

    @property
    def is_received(self) -> bool:
        return self.status == "received"

    @property
    def cost_amount(self) -> Decimal:
        _, _, _, shipped, cost = next(row for row in SHIPMENTS if row[0] == self.shipment_id)
        return (self.amount * cost / shipped).quantize(D("0.01"))


dt_ = datetime
RETURNS = [
    ReturnLine(1, 1, 1, 1, 1, 1, "received", "portal", D(2), D(200), dt_(2024, 1, 22, 10), 5.0,
               d(2024, 1, 29)),
    ReturnLine(2, 1, 2, 1, 2, 1, "received", "portal", D(10), D(100), dt_(2024, 1, 22, 10), 5.0,
               d(2024, 1, 29)),
    ReturnLine(3, 2, 1, 2, 1, 2, "approved", "operator", D(1), D(1000), dt_(2024, 2, 25, 9),
               20.0),
    ReturnLine(4, 3, 1, 3, 2, None, "rejected", "portal", D(5), D(50), dt_(2024, 3, 12, 9), 9.0),
    ReturnLine(5, 4, 1, 3, 1, 2, "received", "operator", D(1), D(500), dt_(2024, 3, 11, 12),
               30.0, d(2024, 3, 28)),
    ReturnLine(6, 5, 1, 2, 2, 1, "registered", "portal", D(4), D(40), dt_(2024, 6, 5, 11)),
    ReturnLine(7, 6, 1, 4, 1, 1, "cancelled", "operator", D(1), D(400), dt_(2023, 3, 20, 9)),
]  # fmt: skip

# Portal claims' hours to the first operator response (claim_id -> hours; unanswered: absent).
CLAIM_FIRST_RESPONSE_HOURS = {2: 3.0, 1: 1.0, 3: 7.5, 5: 26.0}

# Overdue schedule items as of AGEING_AS_OF: partner, order, due date, uncovered amount.
AGEING_AS_OF = d(2024, 6, 20)
OVERDUE_ITEMS = [
    (102, 2, d(2024, 3, 1), D(10000)),
    (102, 2, d(2024, 5, 25), D(5000)),
    (103, 6, d(2023, 4, 1), D(3000)),
]

# deal_id -> (stage, manager, partner, kind win shares) worked out from conftest.DEALS: stage 13
# reached by closed deals 1 (won), 2, 8 (won) -> 2/3; stage 11 by 1, 2, 3, 8, 9, 11 -> 2/6;
# manager 2 closed 2, 6 (won), 9, 10 (won), 11, 13 -> 2/6; manager 1 closed 1, 3, 7, 8, 12 ->
# 2/5; kind 1 closed 1, 2, 3, 8, 9, 11 -> 2/6; the partners have no closed deals.
FORECAST = [
    # deal_id, kind, manager, partner, stage, potential, stage, manager, partner, kind shares
    (4, 1, 2, 104, 13, D(300000), 2 / 3, 2 / 6, None, 2 / 6),
    (5, 1, 1, 105, 11, D(80000), 2 / 6, 2 / 5, None, 2 / 6),
]


@dataclass(frozen=True)
class GisDocument:
    system: str
    document_id: str
    document_type: str
    status_group: str
    first_event_at: datetime
    hours_to_acceptance: float | None = None
    error_code: str | None = None
    direction: str = "outbound"

    @property
    def is_open(self) -> bool:
        return self.status_group in ("processing", "error")


dt, IN, VET_IN = datetime, "inbound", "VetDocument:INCOMING"
GIS_DOCUMENTS = [
    GisDocument("egais", "WB-1", "WayBill_v4", "accepted", datetime(2024, 6, 1, 10), 4.0),
    GisDocument("egais", "WB-2", "WayBill_v4", "rejected", datetime(2024, 6, 1, 11), None, "REJ-1"),
    GisDocument("vetis", "VD-1", "VetDocument:OUTGOING", "processing", datetime(2024, 6, 2, 9)),
    GisDocument("gismt", "GM-1", "LP_SHIP_GOODS", "error", datetime(2024, 6, 2, 12), None, "E-500"),
    GisDocument("gismt", "GM-2", "LP_SHIP_GOODS", "accepted", datetime(2024, 6, 2, 13), 24.0),
    GisDocument("egais", "WB-3", "WayBill_v4", "accepted", datetime(2023, 1, 5, 9), 2.0),
    # Documents for the lifecycle marts (one of every lifecycle state with GIS_LIFECYCLES).
    GisDocument("egais", "WB-4", "WayBill_v4", "rejected", dt(2024, 6, 10, 8), direction=IN),
    GisDocument("egais", "WB-5", "ReplyNoAnswerTTN", "processing", dt(2021, 6, 1, 9), direction=IN),
    GisDocument("egais", "WB-6", "WayBill_v4", "processing", dt(2024, 6, 15, 9), direction=IN),
    GisDocument("egais", "WB-7", "WayBill_v4", "accepted", dt(2024, 6, 12, 9), 3.0),
    GisDocument("egais", "WB-8", "WayBill_v4", "processing", dt(2024, 6, 18, 9), direction=IN),
    GisDocument("egais", "WB-9", "WayBill_v4", "accepted", dt(2024, 6, 5, 9), 2.0),
    GisDocument("egais", "WB-10", "WayBill_v4", "accepted", dt(2024, 6, 3, 9), 30.0, None, IN),
    GisDocument("egais", "WB-11", "WayBill_v4", "rejected", dt(2024, 6, 4, 9), direction=IN),
    GisDocument("vetis", "VD-2", VET_IN, "processing", dt(2024, 6, 19, 9), direction=IN),
    GisDocument("vetis", "VD-3", VET_IN, "accepted", dt(2024, 6, 6, 9), 26.0, None, IN),
    GisDocument("vetis", "VD-4", "VetDocument:OUTGOING", "rejected", dt(2024, 6, 7, 9)),
    GisDocument("vetis", "AP-1", "Application", "processing", dt(2024, 6, 3, 9)),
    GisDocument("gismt", "GM-3", "LP_SHIP_GOODS", "rejected", dt(2024, 6, 8, 9)),
]  # fmt: skip

# fct_gis_document_lifecycles' clock (dbt var as_of) in the fixture: days_open counts to it.
GIS_AS_OF = date(2024, 6, 20)
ORGANIZATIONS = ("7701000001", "7701000002")  # our two legal entities' ИНН


@dataclass(frozen=True)
class GisLifecycle:
    """Where a document of GIS_DOCUMENTS stands: its state, whose move it is (None once closed),
    our organization, the partner (its ИНН is dim_partners' inn) or the counterparty's GIS id,
    and the order whose number is the reference."""

    document_id: str
    lifecycle_state: str
    pending_with: str | None
    organization_inn: str
    partner_id: int | None = None
    counterparty_gis_id: str | None = None
    reference: str | None = None
    order_id: int | None = None

    @property
    def document(self) -> GisDocument:
        return next(doc for doc in GIS_DOCUMENTS if doc.document_id == self.document_id)

    @property
    def is_open(self) -> bool:
        return self.pending_with is not None

    @property
    def counterparty_inn(self) -> str | None:
        return None if self.partner_id is None else f"77{self.partner_id:08d}"

    @property
    def counterparty_key(self) -> str | None:
        return self.counterparty_inn or self.counterparty_gis_id

    @property
    def days_open(self) -> int | None:
        opened = self.document.first_event_at.date()
        return (GIS_AS_OF - opened).days if self.is_open else None


_OURS, _OTHER = ORGANIZATIONS
GIS_LIFECYCLES = [
    GisLifecycle("WB-1", "accepted", None, _OURS, 101, None, "ЗК-00001", 1),
    GisLifecycle("WB-2", "registration_rejected", "us", _OURS, 101, None, "ЗК-00002", 2),
    GisLifecycle("VD-1", "issued", "counterparty", _OURS, 102),
    GisLifecycle("GM-1", "error", "us", _OTHER),
    GisLifecycle("GM-2", "accepted", None, _OTHER, 103),
    GisLifecycle("WB-3", "accepted", None, _OURS, 103),
    GisLifecycle("WB-4", "act_rejected", "us", _OURS, 103, reference="ТТН-77"),
    GisLifecycle("WB-5", "no_answer", "us", _OTHER, None, "010000000467", reference="ПН-3"),
    GisLifecycle("WB-6", "awaiting_ticket", "system", _OURS, 102),
    GisLifecycle("WB-7", "awaiting_act", "counterparty", _OURS, 101, None, "ЗК-00004", 4),
    GisLifecycle("WB-8", "awaiting_act", "us", _OTHER, 102),
    GisLifecycle("WB-9", "differences_to_confirm", "us", _OURS, 103, None, "ЗК-00003", 3),
    GisLifecycle("WB-10", "accepted_with_differences", None, _OURS, 101),
    GisLifecycle("WB-11", "refused", None, _OURS, 102),
    GisLifecycle("VD-2", "issued", "us", _OURS, 101),
    GisLifecycle("VD-3", "utilised", None, _OURS, 102),
    GisLifecycle("VD-4", "withdrawn", None, _OTHER, 103),
    GisLifecycle("AP-1", "processing", "system", _OURS),
    GisLifecycle("GM-3", "rejected", None, _OTHER, 101),
]  # fmt: skip

PUBLISHED_AT = datetime(2024, 6, 20, 2, 10)
# source, last_loaded_at, rows
DATA_FRESHNESS = [
    ("raw_gis.egais", datetime(2024, 6, 19, 23, 0), 5),
    ("raw_oltp.claims", datetime(2024, 6, 20, 2, 0), len(CLAIMS)),
    ("raw_oltp.deals", datetime(2024, 6, 20, 2, 0), 13),
]
RUN_ID = "run-fixture"

# The interaction-level mart the events calendar lists (dashboards.queries INTERACTIONS_MART:
# a proposed contract, no dbt model yet, so the columns are spelled out here).
INTERACTION_COLUMNS = [
    ("interaction_id", "bigint"),
    ("partner_id", "bigint"),
    ("partner_name", "varchar"),
    ("responsible_user_id", "bigint"),
    ("interaction_kind", "varchar"),
    ("interaction_topic_name", "varchar"),
    ("summary", "varchar"),
    ("planned_at", "timestamp"),
    ("status", "varchar"),
    ("is_overdue", "boolean"),
    ("is_unreviewed", "boolean"),
]
# interaction_id, partner, responsible, kind, topic, summary, planned_at (UTC), status,
# overdue, unreviewed
INTERACTIONS = [
    (1, 101, 1, "call", "Продление договора", "Обсудить продление", datetime(2024, 6, 3, 6),
     "planned", True, True),
    (2, 102, 2, "meeting", None, "Презентация", datetime(2024, 6, 10, 9), "done", False, True),
    (3, 103, 1, "email", None, "Счёт", datetime(2024, 6, 4, 7), "done", False, False),
    (4, 101, None, "call", None, None, datetime(2024, 6, 5, 8), "planned", True, True),
    (5, 102, 2, "call", None, "Позже", datetime(2024, 7, 15, 8), "planned", False, False),
]  # fmt: skip


def _month(day: date) -> date:
    return day.replace(day=1)


def _contracts() -> dict[str, list[tuple[str, str]]]:
    """model name -> [(column, data_type)] from every marts .yml."""
    contracts: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(MARTS_DIR.rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            columns = [(column["name"], column["data_type"]) for column in model["columns"]]
            contracts[model["name"]] = columns
    return contracts


def _claim_rows() -> list[dict[str, Any]]:
    rows = []
    for claim in CLAIMS:
        reason = CLAIM_REASONS.get(claim.claim_reason_id) if claim.claim_reason_id else None
        parent = claim.parent_claim_reason_id
        resolved = claim.resolved_at
        rows.append(
            {
                "claim_id": claim.claim_id,
                "claim_number": f"ПР-{claim.claim_id:05d}",
                "claim_reason_id": claim.claim_reason_id,
                "claim_reason_name": reason[0] if reason else None,
                "parent_claim_reason_id": parent,
                "parent_claim_reason_name": CLAIM_REASONS[parent][0] if parent else None,
                "partner_id": claim.partner_id,
                "partner_name": PARTNERS[claim.partner_id][0],
                "manager_id": claim.manager_id,
                "business_region_id": claim.business_region_id,
                "responsible_user_id": claim.manager_id,
                "source": claim.source,
                "claimed_amount": claim.claimed_amount,
                "status": claim.status,
                "result": (
                    None
                    if claim.is_satisfied is None
                    else ("satisfied" if claim.is_satisfied else "not_satisfied")
                ),
                "is_resolved": claim.status == "resolved",
                "is_satisfied": claim.is_satisfied,
                "registered_at": claim.registered_at,
                "registered_date": claim.registered_at.date(),
                "registered_month": _month(claim.registered_at.date()),
                "resolved_at": resolved,
                "resolved_date": resolved.date() if resolved else None,
                "resolved_month": _month(resolved.date()) if resolved else None,
                "days_to_resolve": claim.days_to_resolve,
                "is_via_portal": claim.source == "portal",
                "first_response_at": (
                    claim.registered_at + timedelta(hours=hours)
                    if (hours := CLAIM_FIRST_RESPONSE_HOURS.get(claim.claim_id)) is not None
                    else None
                ),
                "hours_to_first_response": CLAIM_FIRST_RESPONSE_HOURS.get(claim.claim_id),
            }
        )
    return rows


def _claim_reason_rows() -> list[dict[str, Any]]:
    rows = []
    for reason_id, (name, parent) in CLAIM_REASONS.items():
        group = parent or reason_id
        rows.append(
            {
                "claim_reason_id": reason_id,
                "claim_reason_name": name,
                "parent_claim_reason_id": group,
                "parent_claim_reason_name": CLAIM_REASONS[group][0],
                "group_claim_reason_id": group,
                "group_claim_reason_name": CLAIM_REASONS[group][0],
                "is_top_level": parent is None,
            }
        )
    return rows


# Registry statuses (dim_counterparty_statuses): counterparty_id -> (partner_id, status, at risk,
# debt). Partner 102's bankrupt counterparty has nothing open, so it is not at risk.
COUNTERPARTY_STATUSES: dict[int, tuple[int, str, bool, Decimal]] = {
    1: (101, "liquidated", True, D("1000.00")),
    2: (102, "bankrupt", False, D(0)),
    3: (103, "liquidating", True, D(0)),
    4: (103, "active", False, D(0)),
}


def _counterparty_status_rows() -> list[dict[str, Any]]:
    return [
        {
            "counterparty_id": counterparty_id,
            "partner_id": partner_id,
            "partner_name": PARTNERS[partner_id][0],
            "partner_kind": "customer",
            "inn": f"77{counterparty_id:08d}",
            "kpp": "770101001",
            "legal_name": f"ООО «Контрагент {counterparty_id}»",
            "registry_status": status,
            "status_changed_at": datetime(2024, 6, 3, 1, 0) if status != "active" else None,
            "registry_change_count": 0,
            "last_registry_change_at": None,
            "open_deal_count": 1 if at_risk and debt == 0 else 0,
            "open_order_count": 0,
            "debt_amount": debt,
            "is_registry_active": status == "active",
            "is_customer_at_risk": at_risk,
        }
        for counterparty_id, (partner_id, status, at_risk, debt) in COUNTERPARTY_STATUSES.items()
    ]


def _partner_rows() -> list[dict[str, Any]]:
    return [
        {
            "partner_id": partner_id,
            "partner_name": name,
            "partner_kind": "customer",
            "business_region_id": region_id,
            "business_region_name": region_name,
            "manager_id": manager_id,
            "manager_name": {1: "Иванов Иван", 2: "Петрова Анна"}[manager_id],
            "inn": f"77{partner_id:08d}",
            "industry": INDUSTRIES[partner_id],
            "created_at": datetime(2020, 1, 1),
        }
        for partner_id, (name, manager_id, region_id, region_name) in PARTNERS.items()
    ]


def _events_rows() -> list[dict[str, Any]]:
    names = (
        "responsible_user_id",
        "planned_date",
        "interactions_total",
        "interactions_planned",
        "interactions_done",
        "interactions_overdue",
        "interactions_cancelled",
        "interactions_unreviewed",
    )
    return [
        {"events_calendar_id": f"{row[0]}-{row[1]}", **dict(zip(names, row, strict=True))}
        for row in EVENTS_CALENDAR
    ]


def _order_rows() -> list[dict[str, Any]]:
    rows = []
    for order in ORDERS:
        name, manager_id, region_id, region_name = PARTNERS[order.partner_id]
        rows.append(
            {
                "order_id": order.order_id,
                "order_number": f"ЗК-{order.order_id:05d}",
                "partner_id": order.partner_id,
                "partner_name": name,
                "business_region_id": region_id,
                "business_region_name": region_name,
                "manager_id": manager_id,
                "status": order.status,
                "is_cancelled": order.is_cancelled,
                "ordered_at": datetime.combine(order.ordered_date, datetime.min.time()),
                "ordered_date": order.ordered_date,
                "ordered_month": _month(order.ordered_date),
                "ordered_amount": order.ordered_amount,
                "shipped_amount": order.shipped_amount,
                "cost_amount": order.cost_amount,
                "margin_amount": order.shipped_amount - order.cost_amount,
                "paid_amount": order.paid_amount,
                "debt_amount": order.debt_amount,
                "overdue_amount": order.overdue_amount,
                "prepayment_amount": order.prepayment_amount,
                "overdue_payment_amount": order.overdue_payment_amount,
                "shipment_count": int(order.shipped_amount > 0),
                "planned_shipment_date": order.planned_shipment_date,
                "actual_shipment_date": order.actual_shipment_date,
                "is_shipped_on_time": order.is_shipped_on_time,
                "is_fully_shipped": order.shipped_amount == order.ordered_amount,
                "planned_payment_date": order.planned_payment_date,
                "actual_payment_date": order.actual_payment_date,
                "is_paid_on_time": order.is_paid_on_time,
                "returned_amount": order.returned_amount,
                "net_shipped_amount": order.shipped_amount - order.returned_amount,
                "net_margin_amount": order.shipped_amount
                - order.returned_amount
                - (
                    order.cost_amount
                    - sum(
                        (
                            r.cost_amount
                            for r in RETURNS
                            if r.order_id == order.order_id and r.is_received
                        ),
                        D(0),
                    )
                ),
            }
        )
    return rows


def _shipment_rows() -> list[dict[str, Any]]:
    orders = {order.order_id: order for order in ORDERS}
    rows = []
    for shipment_id, order_id, shipped, amount, cost in SHIPMENTS:
        order = orders[order_id]
        rows.append(
            {
                "shipment_id": shipment_id,
                "shipment_number": f"РТ-{shipment_id:05d}",
                "order_id": order_id,
                "order_number": f"ЗК-{order_id:05d}",
                "partner_id": order.partner_id,
                "business_region_id": order.business_region_id,
                "manager_id": order.manager_id,
                "shipped_at": datetime.combine(shipped, datetime.min.time()),
                "shipped_date": shipped,
                "shipped_month": _month(shipped),
                "planned_shipment_date": order.planned_shipment_date,
                "is_on_time": order.is_shipped_on_time,
                "shipped_amount": amount,
                "cost_amount": cost,
                "margin_amount": amount - cost,
                "returned_amount": _received_of_shipment(shipment_id),
                "net_shipped_amount": amount - _received_of_shipment(shipment_id),
            }
        )
    return rows


def _received_of_shipment(shipment_id: int) -> Decimal:
    return sum(
        (line.amount for line in RETURNS if line.shipment_id == shipment_id and line.is_received),
        D(0),
    )


def ageing_bucket(days_overdue: int) -> tuple[str, int]:
    for limit, bucket, order in ((30, "0-30", 1), (60, "31-60", 2), (90, "61-90", 3)):
        if days_overdue <= limit:
            return bucket, order
    return "90+", 4


def _ageing_rows() -> list[dict[str, Any]]:
    buckets: dict[tuple[int, str], dict[str, Any]] = {}
    for partner_id, order_id, due, amount in OVERDUE_ITEMS:
        days_overdue = (AGEING_AS_OF - due).days
        bucket, bucket_order = ageing_bucket(days_overdue)
        row = buckets.setdefault(
            (partner_id, bucket),
            {
                "debt_ageing_id": f"{partner_id}-{bucket}",
                "partner_id": partner_id,
                "partner_name": PARTNERS[partner_id][0],
                "ageing_bucket": bucket,
                "bucket_order": bucket_order,
                "overdue_items": 0,
                "orders": set(),
                "overdue_amount": D(0),
                "max_days_overdue": 0,
                "as_of_date": AGEING_AS_OF,
            },
        )
        row["overdue_items"] += 1
        row["orders"].add(order_id)
        row["overdue_amount"] += amount
        row["max_days_overdue"] = max(row["max_days_overdue"], days_overdue)
    return [
        {key: value for key, value in row.items() if key != "orders"}
        | {"overdue_orders": len(row["orders"])}
        for row in buckets.values()
    ]


def _region_revenue_rows() -> list[dict[str, Any]]:
    orders = {order.order_id: order for order in ORDERS}
    grouped: dict[tuple[int, date], dict[str, Any]] = {}
    for _, order_id, shipped, amount, cost in SHIPMENTS:
        _, _, region_id, region_name = PARTNERS[orders[order_id].partner_id]
        row = grouped.setdefault(
            (region_id, _month(shipped)),
            {
                "region_revenue_id": f"{region_id}-{_month(shipped)}",
                "business_region_id": region_id,
                "business_region_name": region_name,
                "revenue_month": _month(shipped),
                "shipment_count": 0,
                "order_count": 0,
                "revenue_amount": D(0),
                "cost_amount": D(0),
                "return_count": 0,
                "returns_amount": D(0),
                "returns_cost_amount": D(0),
            },
        )
        row["shipment_count"] += 1
        row["order_count"] += 1
        row["revenue_amount"] += amount
        row["cost_amount"] += cost
    for line in RETURNS:
        if not line.is_received:
            continue
        # every received return here falls in a month its region also shipped in
        row = grouped[(PARTNERS[line.partner_id][2], _month(line.received_date))]
        row["return_count"] += line.line_number == 1  # requests, not lines
        row["returns_amount"] += line.amount
        row["returns_cost_amount"] += line.cost_amount
    for row in grouped.values():
        row["margin_amount"] = row["revenue_amount"] - row["cost_amount"]
        row["margin_share"] = float(row["margin_amount"] / row["revenue_amount"])
        row["net_revenue_amount"] = row["revenue_amount"] - row["returns_amount"]
        row["net_margin_amount"] = row["net_revenue_amount"] - (
            row["cost_amount"] - row["returns_cost_amount"]
        )
    return list(grouped.values())


def _return_rows() -> list[dict[str, Any]]:
    rows = []
    for line in RETURNS:
        name, manager_id, region_id, _ = PARTNERS[line.partner_id]
        decided = (
            line.registered_at + timedelta(hours=line.hours_to_decision)
            if line.hours_to_decision is not None
            else None
        )
        received = (
            datetime.combine(line.received_date, datetime.min.time())
            if line.received_date
            else None
        )
        rows.append(
            {
                "return_line_id": line.return_line_id,
                "return_request_id": line.return_request_id,
                "return_number": f"ВЗ-{line.return_request_id:06d}",
                "line_number": line.line_number,
                "partner_id": line.partner_id,
                "partner_name": name,
                "business_region_id": region_id,
                "manager_id": manager_id,
                "order_id": line.order_id,
                "order_number": f"ЗК-{line.order_id:05d}",
                "shipment_id": line.shipment_id,
                "shipment_number": f"РТ-{line.shipment_id:05d}",
                "product_id": line.product_id,
                "product_name": RETURN_PRODUCTS[line.product_id],
                "return_reason_id": line.return_reason_id,
                "return_reason_name": RETURN_REASONS.get(line.return_reason_id),
                "status": line.status,
                "source": line.source,
                "is_via_portal": line.source == "portal",
                "is_received": line.is_received,
                "quantity": line.quantity,
                "price": line.amount / line.quantity,
                "amount": line.amount,
                "cost_amount": line.cost_amount,
                "received_quantity": line.quantity if line.is_received else D(0),
                "received_amount": line.amount if line.is_received else D(0),
                "received_cost_amount": line.cost_amount if line.is_received else D(0),
                "registered_at": line.registered_at,
                "registered_date": line.registered_at.date(),
                "registered_month": _month(line.registered_at.date()),
                "decided_at": decided,
                "decided_date": decided.date() if decided else None,
                "received_at": received,
                "received_date": line.received_date,
                "received_month": _month(line.received_date) if line.received_date else None,
                "hours_to_decision": line.hours_to_decision,
            }
        )
    return rows


def _returns_report_rows() -> list[dict[str, Any]]:
    """rpt_returns: per month, reason, product and partner; a request counts on its first line."""
    grouped: dict[tuple, dict[str, Any]] = {}
    for line in RETURNS:
        month = _month(line.registered_at.date())
        key = (month, line.return_reason_id, line.product_id, line.partner_id)
        row = grouped.setdefault(
            key,
            {
                "returns_report_id": "-".join(map(str, key)),
                "return_month": month,
                "return_reason_id": line.return_reason_id,
                "return_reason_name": RETURN_REASONS.get(line.return_reason_id),
                "product_id": line.product_id,
                "product_name": RETURN_PRODUCTS[line.product_id],
                "partner_id": line.partner_id,
                "partner_name": PARTNERS[line.partner_id][0],
                "business_region_id": PARTNERS[line.partner_id][2],
                "return_request_count": 0,
                "portal_return_request_count": 0,
                "received_return_request_count": 0,
                "return_line_count": 0,
                "requested_quantity": D(0),
                "requested_amount": D(0),
                "rejected_quantity": D(0),
                "rejected_amount": D(0),
                "received_quantity": D(0),
                "received_amount": D(0),
            },
        )
        first = line.line_number == 1
        row["return_request_count"] += first
        row["portal_return_request_count"] += first and line.source == "portal"
        row["received_return_request_count"] += first and line.is_received
        row["return_line_count"] += 1
        row["requested_quantity"] += line.quantity
        row["requested_amount"] += line.amount
        if line.status == "rejected":
            row["rejected_quantity"] += line.quantity
            row["rejected_amount"] += line.amount
        if line.is_received:
            row["received_quantity"] += line.quantity
            row["received_amount"] += line.amount
    for row in grouped.values():
        row["received_share"] = float(row["received_amount"] / row["requested_amount"])
    return list(grouped.values())


def _portal_adoption_rows() -> list[dict[str, Any]]:
    """rpt_portal_adoption: claims and return requests per month of registration."""
    months: dict[date, dict[str, Any]] = {}

    def month_row(month: date) -> dict[str, Any]:
        return months.setdefault(month, {"claims": [], "requests": {}})

    for claim in CLAIMS:
        month_row(_month(claim.registered_at.date()))["claims"].append(claim)
    for line in RETURNS:
        month_row(_month(line.registered_at.date()))["requests"][line.return_request_id] = line
    rows = []
    for month, found in sorted(months.items()):
        claims, requests = found["claims"], list(found["requests"].values())
        portal_claims = [claim for claim in claims if claim.source == "portal"]
        hours = [
            CLAIM_FIRST_RESPONSE_HOURS[c.claim_id]
            for c in portal_claims
            if c.claim_id in CLAIM_FIRST_RESPONSE_HOURS
        ]
        portal_requests = [line for line in requests if line.source == "portal"]
        decided = [
            line.hours_to_decision for line in portal_requests if line.hours_to_decision is not None
        ]
        rows.append(
            {
                "adoption_month": month,
                "claim_count": len(claims),
                "portal_claim_count": len(portal_claims),
                "portal_claim_share": len(portal_claims) / len(claims) if claims else None,
                "portal_claim_answered_count": len(hours),
                "portal_claim_median_hours_to_first_response": _median(hours),
                "portal_claim_mean_hours_to_first_response": _mean(hours),
                "return_request_count": len(requests),
                "portal_return_request_count": len(portal_requests),
                "portal_return_share": len(portal_requests) / len(requests) if requests else None,
                "portal_return_decided_count": len(decided),
                "portal_return_median_hours_to_decision": _median(decided),
                "portal_return_mean_hours_to_decision": _mean(decided),
            }
        )
    return rows


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


def forecast_probability(shares: tuple[float | None, ...]) -> float:
    known = [share for share in shares if share is not None]
    return sum(known) / len(known)


def _forecast_rows() -> list[dict[str, Any]]:
    rows = []
    for deal_id, kind, manager, partner, stage, potential, *shares in FORECAST:
        probability = forecast_probability(tuple(shares))
        rows.append(
            {
                "deal_id": deal_id,
                "deal_number": f"СД-{deal_id:05d}",
                "partner_id": partner,
                "manager_id": manager,
                "deal_kind_id": kind,
                "current_stage_id": stage,
                "potential_amount": potential,
                "stage_win_share": shares[0],
                "manager_win_share": shares[1],
                "partner_win_share": shares[2],
                "deal_kind_win_share": shares[3],
                "shares_with_history": sum(share is not None for share in shares),
                "forecast_probability": probability,
                "weighted_amount": (potential * D(str(probability))).quantize(D("0.01")),
            }
        )
    return rows


def _gis_document_rows() -> list[dict[str, Any]]:
    lifecycles = {lifecycle.document_id: lifecycle for lifecycle in GIS_LIFECYCLES}
    rows = []
    for document in GIS_DOCUMENTS:
        lifecycle = lifecycles[document.document_id]
        hours = document.hours_to_acceptance
        accepted = document.first_event_at + timedelta(hours=hours) if hours is not None else None
        rows.append(
            {
                "gis_document_id": f"{document.system}-{document.document_id}",
                "system": document.system,
                "document_id": document.document_id,
                "document_type": document.document_type,
                "direction": document.direction,
                "reference": lifecycle.reference,
                "order_id": lifecycle.order_id,
                "latest_status": document.status_group.upper(),
                "latest_status_group": document.status_group,
                "latest_error_code": document.error_code,
                "is_open": document.is_open,
                "event_count": 1 if document.status_group == "processing" else 2,
                "error_event_count": int(document.status_group == "error"),
                "rejected_event_count": int(document.status_group == "rejected"),
                "first_event_at": document.first_event_at,
                "first_event_date": document.first_event_at.date(),
                "last_event_at": accepted or document.first_event_at,
                "accepted_at": accepted,
                "hours_to_acceptance": hours,
            }
        )
    return rows


def _gis_daily_rows() -> list[dict[str, Any]]:
    days: dict[tuple[str, str, date], list[GisDocument]] = {}
    for document in GIS_DOCUMENTS:
        key = (document.system, document.document_type, document.first_event_at.date())
        days.setdefault(key, []).append(document)
    rows = []
    for (system, document_type, day), documents in days.items():
        total = len(documents)
        for group in sorted({document.status_group for document in documents}):
            in_group = [document for document in documents if document.status_group == group]
            hours = [doc.hours_to_acceptance for doc in in_group if doc.hours_to_acceptance]
            rows.append(
                {
                    "gis_exchange_daily_id": f"{system}-{document_type}-{day}-{group}",
                    "system": system,
                    "document_type": document_type,
                    "exchange_date": day,
                    "status_group": group,
                    "documents": len(in_group),
                    "documents_in_day": total,
                    "rejection_rate": sum(doc.status_group == "rejected" for doc in documents)
                    / total,
                    "error_rate": sum(doc.status_group == "error" for doc in documents) / total,
                    "open_backlog_documents": sum(doc.is_open for doc in documents),
                    "mean_hours_to_acceptance": sum(hours) / len(hours) if hours else None,
                }
            )
    return rows


def _gis_error_code_rows() -> list[dict[str, Any]]:
    rows = []
    for document in GIS_DOCUMENTS:
        if document.error_code:
            rows.append(
                {
                    "gis_error_code_id": f"{document.system}-{document.error_code}",
                    "system": document.system,
                    "error_code": document.error_code,
                    "error_events": 1,
                    "documents_affected": 1,
                    "rank_in_system": 1,
                    "first_seen_at": document.first_event_at,
                    "last_seen_at": document.first_event_at,
                }
            )
    return rows


_GIS_KINDS = {"egais": "waybill", "gismt": "gismt_document"}


def _gis_kind(document: GisDocument) -> str:
    if document.system == "vetis":
        return (
            "vet_document"
            if document.document_type.startswith("VetDocument")
            else ("vetis_application")
        )
    return _GIS_KINDS[document.system]


def _gis_lifecycle_rows() -> list[dict[str, Any]]:
    rows = []
    for lifecycle in GIS_LIFECYCLES:
        document = lifecycle.document
        opened = document.first_event_at
        closed = None if lifecycle.is_open else opened + timedelta(hours=30)
        rows.append(
            {
                "gis_document_id": f"{document.system}-{document.document_id}",
                "system": document.system,
                "document_id": document.document_id,
                "document_kind": _gis_kind(document),
                "direction": document.direction,
                "organization_inn": lifecycle.organization_inn,
                "counterparty_inn": lifecycle.counterparty_inn,
                "counterparty_gis_id": lifecycle.counterparty_gis_id,
                "partner_id": lifecycle.partner_id,
                "reference": lifecycle.reference,
                "act_decision": None,
                "latest_status": document.status_group.upper(),
                "lifecycle_state": lifecycle.lifecycle_state,
                "is_open": lifecycle.is_open,
                "pending_with": lifecycle.pending_with,
                "event_count": 2,
                "opened_at": opened,
                "opened_date": opened.date(),
                "closed_at": closed,
                "last_event_at": closed or opened,
                "days_to_close": None if closed is None else 1.25,
                "days_open": lifecycle.days_open,
            }
        )
    return rows


def _gis_open_backlog_rows() -> list[dict[str, Any]]:
    groups: dict[tuple[Any, ...], list[GisLifecycle]] = {}
    for lifecycle in GIS_LIFECYCLES:
        if lifecycle.is_open:
            document = lifecycle.document
            key = (
                lifecycle.organization_inn,
                lifecycle.counterparty_key,
                document.system,
                _gis_kind(document),
                lifecycle.lifecycle_state,
                lifecycle.pending_with,
            )
            groups.setdefault(key, []).append(lifecycle)
    rows = []
    for key, members in groups.items():
        ages = [member.days_open or 0 for member in members]
        partners = [member.partner_id for member in members if member.partner_id is not None]
        rows.append(
            {
                "gis_open_backlog_id": "-".join(str(part) for part in key),
                "organization_inn": key[0],
                "counterparty_key": key[1],
                "partner_id": max(partners) if partners else None,
                "system": key[2],
                "document_kind": key[3],
                "lifecycle_state": key[4],
                "pending_with": key[5],
                "open_documents": len(members),
                "oldest_opened_at": min(member.document.first_event_at for member in members),
                "max_days_open": max(ages),
                "total_days_open": sum(ages),
            }
        )
    return rows


def new_mart_rows() -> dict[str, list[dict[str, Any]]]:
    from tests.dashboards import (
        fixture_customer_marts,  # it reads PARTNERS from this module
        fixture_invoice_marts,
        fixture_plan_marts,
        fixture_report_marts,
    )

    return {
        "dim_partners": _partner_rows(),
        "dim_claim_reasons": _claim_reason_rows(),
        "fct_claims": _claim_rows(),
        "rpt_claim_structure": fixture_report_marts.claim_structure_rows(_claim_rows()),
        "rpt_deal_interactions": fixture_report_marts.deal_interaction_rows(),
        "rpt_events_calendar": _events_rows(),
        "fct_orders": _order_rows(),
        "fct_shipments": _shipment_rows(),
        "rpt_debt_ageing": _ageing_rows(),
        "rpt_region_revenue": _region_revenue_rows(),
        "fct_returns": _return_rows(),
        "rpt_returns": _returns_report_rows(),
        "rpt_portal_adoption": _portal_adoption_rows(),
        "rpt_pipeline_forecast": _forecast_rows(),
        "fct_gis_documents": _gis_document_rows(),
        "rpt_gis_exchange_daily": _gis_daily_rows(),
        "rpt_gis_error_codes": _gis_error_code_rows(),
        "fct_gis_document_lifecycles": _gis_lifecycle_rows(),
        "rpt_gis_open_backlog": _gis_open_backlog_rows(),
        "dim_counterparty_statuses": _counterparty_status_rows(),
        # invoices (issue 25)
        "fct_invoices": fixture_invoice_marts.invoice_rows(PARTNERS),
        # client base (marts/customers)
        **fixture_customer_marts.customer_mart_rows(),
        # sales plans (marts/sales/rpt_plan_fact)
        **fixture_plan_marts.plan_mart_rows(),
    }


def write_new_marts(connection: duckdb.DuckDBPyConnection, *, empty: bool = False) -> None:
    """Create the new marts from their contracts and the meta tables, and fill them."""
    contracts = _contracts()
    for table, rows in new_mart_rows().items():
        columns = contracts[table]
        connection.execute(
            f"create table marts.{table} ("
            + ", ".join(f"{name} {data_type}" for name, data_type in columns)
            + ")"
        )
        if empty or not rows:
            continue
        names = list(rows[0])
        unknown = set(names) - {name for name, _ in columns}
        assert not unknown, f"{table}: columns not in the contract: {sorted(unknown)}"
        connection.executemany(
            f"insert into marts.{table} ({', '.join(names)}) "
            f"values ({', '.join('?' * len(names))})",
            [[row[name] for name in names] for row in rows],
        )
    connection.execute(
        "create table marts.fct_interactions ("
        + ", ".join(f"{name} {data_type}" for name, data_type in INTERACTION_COLUMNS)
        + ")"
    )
    if not empty:
        connection.executemany(
            "insert into marts.fct_interactions values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (number, partner, PARTNERS[partner][0], *rest)
                for number, partner, *rest in INTERACTIONS
            ],
        )
    # The publish step's tables (ingestion/publish.py).
    connection.execute("create schema meta")
    connection.execute(
        "create table meta.data_freshness (source varchar not null primary key, "
        "last_loaded_at timestamp not null, rows bigint, published_at timestamp not null)"
    )
    connection.execute("create table meta.publication (run_id varchar, published_at timestamp)")
    if not empty:
        connection.executemany(
            "insert into meta.data_freshness values (?, ?, ?, ?)",
            [(*row, PUBLISHED_AT) for row in DATA_FRESHNESS],
        )
        connection.execute("insert into meta.publication values (?, ?)", [RUN_ID, PUBLISHED_AT])
