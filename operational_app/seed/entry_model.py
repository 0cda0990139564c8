"""The seed's second half: classifiers, documents and interactions that follow the deals."""

from __future__ import annotations

import datetime as dt

from operational_app.seed.documents import generate_documents
from operational_app.seed.engagement import generate_engagement
from operational_app.seed.generator import DAY, TableData
from operational_app.seed.intercompany import INTERCOMPANY_TABLES, generate_intercompany
from operational_app.seed.marketing import add_marketing
from operational_app.seed.plans import generate_sales_plans

ENTRY_MODEL_TABLES = (
    "partner_roles",
    "contact_roles",
    "interaction_topics",
    "marketing_events",
    "products",
    "warehouses",
    "stock_levels",
    "agreements",
    "commercial_offers",
    "commercial_offer_lines",
    "customer_orders",
    "customer_order_lines",
    "payment_schedule_items",
    "shipments",
    "shipment_lines",
    "payments",
    "invoices",
    "invoice_lines",
    "invoice_payments",
    "claim_reasons",
    "claims",
    "claim_tasks",
    "return_reasons",
    "return_requests",
    "return_request_lines",
    "partner_role_links",
    "interactions",
    # Issue 22: inter-company and commission documents, the ownership ledger.
    *INTERCOMPANY_TABLES,
    "sales_plans",
)


def add_entry_model(tables: list[TableData], seed: int, as_of: dt.date) -> list[TableData]:
    """`tables` (the sales seed) plus every entry-model table, in foreign-key order."""
    horizon = (as_of - dt.date(1970, 1, 1)).days * DAY
    builder, documents = generate_documents(tables, seed, horizon)
    by_name = {table.name: table for table in tables}
    head, tail = generate_engagement(by_name, builder.claims_info, seed, horizon)
    intercompany = generate_intercompany(
        {**by_name, **{table.name: table for table in documents}}, seed, horizon
    )
    add_marketing({t.name: t for t in [*head, *tables, *tail]}, seed)
    plans = generate_sales_plans(by_name, seed, horizon)
    return [*head, *tables, *documents, *tail, *intercompany, plans]
