"""Read-only queries of the «Розница» page over marts.rpt_retail_sales_hourly (issue 21).

The mart owns the definitions; here only sums of its additive columns over the filter and the
ratios it documents: average check = sales / sale receipts, items per receipt = sale items /
sale receipts, returns share = returns / sales.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import polars as pl

from dashboards.queries.core import Filters, _query

RetailDimension = Literal["store", "day", "hour", "weekday"]

_GROUPS: dict[str, str] = {
    "store": "store_name",
    "day": "receipt_date",
    "hour": "receipt_hour",
    "weekday": "receipt_weekday",
}

_FIGURES_SQL = """
    sum(revenue) as revenue,
    sum(sale_receipts) as sale_receipts,
    sum(sales_amount) / nullif(sum(sale_receipts), 0) as average_check,
    sum(sale_items) / nullif(sum(sale_receipts), 0) as items_per_receipt,
    sum(returns_amount) / nullif(sum(sales_amount), 0) as returns_share,
    sum(return_receipts) as return_receipts,
    sum(card_receipts) / nullif(sum(sale_receipts), 0) as card_receipt_share,
    sum(card_sales_amount) / nullif(sum(sales_amount), 0) as card_sales_share,
    sum(gift_certificates_sold_amount) as gift_certificates_sold_amount,
    sum(gift_certificates_redeemed_amount) as gift_certificates_redeemed_amount,
"""

_FILTER_SQL = """
    ($start::date is null or receipt_date >= $start::date)
    and ($end::date is null or receipt_date <= $end::date)
    and ($stores::varchar[] is null or list_contains($stores::varchar[], store_name))
"""


def _params(filters: Filters, stores: tuple[str, ...]) -> dict[str, Any]:
    return {"start": filters.start, "end": filters.end, "stores": tuple(stores) or None}


def retail_date_range() -> tuple[date | None, date | None]:
    row = _query(
        "select min(receipt_date) as first, max(receipt_date) as last "
        "from marts.rpt_retail_sales_hourly"
    ).row(0)
    return row[0], row[1]


def store_names() -> list[str]:
    return _query("select distinct store_name from marts.rpt_retail_sales_hourly order by 1")[
        "store_name"
    ].to_list()


def retail_kpis(filters: Filters, stores: tuple[str, ...] = ()) -> pl.DataFrame:
    """One row: revenue, receipts, average check, items per receipt, returns share, ..."""
    return _query(
        f"select {_FIGURES_SQL} from marts.rpt_retail_sales_hourly where {_FILTER_SQL}",
        _params(filters, stores),
    )


def retail_by(
    filters: Filters, by: RetailDimension = "store", stores: tuple[str, ...] = ()
) -> pl.DataFrame:
    """The same figures per store, day, hour or weekday (`group_key`), ordered by it."""
    column = _GROUPS[by]  # KeyError for anything not whitelisted
    return _query(
        f"""
        select {column} as group_key, {_FIGURES_SQL}
        from marts.rpt_retail_sales_hourly
        where {_FILTER_SQL}
        group by 1
        order by 1
        """,
        _params(filters, stores),
    )


def cardholder_totals() -> pl.DataFrame:
    """One row: cardholders, repeat rate, revenue per cardholder (rpt_retail_cardholders)."""
    return _query(
        """
        select
            count(*) as cardholders,
            avg(case when is_repeat then 1.0 else 0.0 end) as repeat_rate,
            sum(revenue) / nullif(count(*), 0) as revenue_per_cardholder,
        from marts.rpt_retail_cardholders
        """
    )


def cardholders_by_rfm() -> pl.DataFrame:
    """Cardholders and their revenue per recency and frequency score."""
    return _query(
        """
        select r_score, f_score, count(*) as cardholders, sum(revenue) as revenue,
        from marts.rpt_retail_cardholders
        group by 1, 2
        order by 1 desc, 2 desc
        """
    )


def gift_certificates_by_month(filters: Filters) -> pl.DataFrame:
    """Certificates sold, redeemed and the liability outstanding per month of the period."""
    return _query(
        """
        select receipt_month, sold_amount, redeemed_amount, outstanding_liability,
            sale_receipts_with_certificates, receipts_paid_by_certificates,
        from marts.rpt_retail_gift_certificates_monthly
        where ($start::date is null or receipt_month >= date_trunc('month', $start::date))
            and ($end::date is null or receipt_month <= $end::date)
        order by 1
        """,
        {"start": filters.start, "end": filters.end},
    )


def loyalty_by_month(filters: Filters) -> pl.DataFrame:
    """Active cardholders, points and bonus liability per month and programme of the period
    (rpt_retail_loyalty_monthly); the liability is the mart's month-end figure."""
    return _query(
        """
        select receipt_month, programme_name, active_cardholders, card_purchases,
            points_accrued, points_redeemed, points_adjusted, points_expired,
            points_outstanding, bonus_liability,
        from marts.rpt_retail_loyalty_monthly
        where ($start::date is null or receipt_month >= date_trunc('month', $start::date))
            and ($end::date is null or receipt_month <= $end::date)
        order by 1, 2
        """,
        {"start": filters.start, "end": filters.end},
    )
