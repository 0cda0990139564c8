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


def gift_certificate_liability(filters: Filters) -> pl.DataFrame:
    """One row: certificates sold, redeemed and expired (breakage) in the period, and the
    liability outstanding at its end — the mart's balance of the last day on or before the
    period's end (rpt_retail_gift_certificate_liability; a balance, never summed)."""
    return _query(
        """
        with days as (
            select * from marts.rpt_retail_gift_certificate_liability
            where $end::date is null or movement_date <= $end::date
        )
        select
            coalesce(sum(sold_amount) filter (
                where $start::date is null or movement_date >= $start::date), 0) as sold_amount,
            coalesce(sum(redeemed_amount) filter (
                where $start::date is null or movement_date >= $start::date), 0)
                as redeemed_amount,
            coalesce(sum(breakage_amount) filter (
                where $start::date is null or movement_date >= $start::date), 0)
                as breakage_amount,
            coalesce(max_by(outstanding_liability, movement_date), 0) as outstanding_liability,
        from days
        """,
        {"start": filters.start, "end": filters.end},
    )


def gift_certificate_statuses() -> pl.DataFrame:
    """Certificates of the register (and sold unregistered) per status as of the marts' as-of,
    with nominal, redeemed, breakage and outstanding amounts (fct_retail_gift_certificates)."""
    return _query(
        """
        select certificate_status, count(*) as certificates, sum(nominal) as nominal,
            sum(redeemed_amount) as redeemed_amount, sum(breakage_amount) as breakage_amount,
            sum(outstanding_amount) as outstanding_amount,
        from marts.fct_retail_gift_certificates
        group by 1
        order by 1
        """
    )


def gift_certificate_cohorts(filters: Filters) -> pl.DataFrame:
    """Redemption by issue month (rpt_retail_gift_certificate_cohorts) for the sale months of the
    period: what each cohort paid per month since the sale and its cumulative redeemed share."""
    return _query(
        """
        select sale_month, months_since_sale, certificates_sold, cohort_sold_amount,
            redeemed_amount, cumulative_redeemed_amount, cumulative_redeemed_share,
        from marts.rpt_retail_gift_certificate_cohorts
        where ($start::date is null or sale_month >= date_trunc('month', $start::date))
            and ($end::date is null or sale_month <= $end::date)
        order by 1, 2
        """,
        {"start": filters.start, "end": filters.end},
    )


def marked_goods_by_status(filters: Filters) -> pl.DataFrame:
    """Marked goods codes per reconciliation status (fct_retail_marked_goods) with the last
    receipt or the withdrawal in the period."""
    return _query(
        """
        select reconciliation_status, count(*) as codes,
            count(*) filter (where has_refused_withdrawal) as refused_withdrawals,
        from marts.fct_retail_marked_goods
        where ($start::date is null or event_date >= $start::date)
            and ($end::date is null or event_date <= $end::date)
        group by 1
        order by 1
        """,
        {"start": filters.start, "end": filters.end},
    )


def marked_goods_differences(filters: Filters, limit: int = 500) -> pl.DataFrame:
    """The codes whose receipts and ГИС МТ documents disagree, newest first."""
    return _query(
        """
        select marking_code, reconciliation_status, last_receipt_key, last_operation,
            last_receipt_date, withdrawal_document_id, withdrawn_date, has_refused_withdrawal,
        from marts.fct_retail_marked_goods
        where reconciliation_status in
                ('sold_not_withdrawn', 'withdrawn_not_sold', 'returned_not_reintroduced')
            and ($start::date is null or event_date >= $start::date)
            and ($end::date is null or event_date <= $end::date)
        order by event_date desc, marking_code
        limit $limit
        """,
        {"start": filters.start, "end": filters.end, "limit": limit},
    )
