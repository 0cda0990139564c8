"""Read-only queries of the invoices section (issue 25) on the Orders and debt page.

fct_invoices owns the definitions (status as of the as-of, outstanding and overdue amounts,
days to pay, age buckets); these queries filter by the sidebar and sum its additive columns.
"""

from __future__ import annotations

import polars as pl

from dashboards.queries.core import Filters, _dimensions, _period, _query

_INVOICE_DIMENSIONS_SQL = _dimensions(
    manager="fct_invoices.manager_id",
    region="fct_invoices.business_region_id",
    partner="fct_invoices.partner_id",
)


def invoice_kpis(filters: Filters) -> pl.DataFrame:
    """One row over the invoices dated in the period, cancelled ones left out."""
    return _query(
        f"""
        select
            count(*) as invoices,
            coalesce(sum(invoice_amount), 0)::double as invoice_amount,
            coalesce(sum(paid_amount), 0)::double as paid_amount,
            coalesce(sum(outstanding_amount), 0)::double as outstanding_amount,
            coalesce(sum(overdue_amount), 0)::double as overdue_amount,
            count(*) filter (where is_paid) as paid_invoices,
            sum(days_to_pay) filter (where is_paid)::double
                / nullif(count(*) filter (where is_paid), 0) as mean_days_to_pay,
        from marts.fct_invoices
        where not is_cancelled
            and {_period("issued_date")}
            and {_INVOICE_DIMENSIONS_SQL}
        """,
        filters.params(),
    )


def invoices_by_month(filters: Filters) -> pl.DataFrame:
    """Issued vs paid per month of the invoice date: amounts, counts and mean days to pay."""
    return _query(
        f"""
        select
            issued_month as month,
            count(*) as invoices,
            count(*) filter (where is_paid) as paid_invoices,
            coalesce(sum(invoice_amount), 0)::double as invoice_amount,
            coalesce(sum(paid_amount), 0)::double as paid_amount,
            coalesce(sum(outstanding_amount), 0)::double as outstanding_amount,
            sum(days_to_pay) filter (where is_paid)::double
                / nullif(count(*) filter (where is_paid), 0) as mean_days_to_pay,
        from marts.fct_invoices
        where not is_cancelled
            and {_period("issued_date")}
            and {_INVOICE_DIMENSIONS_SQL}
        group by 1
        order by 1
        """,
        filters.params(),
    )


def unpaid_invoices_by_age(filters: Filters) -> pl.DataFrame:
    """Invoices with something outstanding now, by days since their date (all periods)."""
    return _query(
        f"""
        select
            age_bucket,
            count(*) as invoices,
            count(*) filter (where is_overdue) as overdue_invoices,
            coalesce(sum(outstanding_amount), 0)::double as outstanding_amount,
            coalesce(sum(overdue_amount), 0)::double as overdue_amount,
            max(as_of_date) as as_of_date,
        from marts.fct_invoices
        where outstanding_amount > 0
            and {_INVOICE_DIMENSIONS_SQL}
        group by 1
        order by min(age_days)
        """,
        filters.params(),
    )


def unpaid_invoices(filters: Filters, limit: int = 200) -> pl.DataFrame:
    """The open invoices owing most, overdue first."""
    return _query(
        f"""
        select
            invoice_number,
            issued_date,
            due_date,
            partner_name,
            order_number,
            invoice_status,
            invoice_amount::double as invoice_amount,
            paid_amount::double as paid_amount,
            outstanding_amount::double as outstanding_amount,
            days_overdue,
        from marts.fct_invoices
        where outstanding_amount > 0
            and {_INVOICE_DIMENSIONS_SQL}
        order by is_overdue desc, outstanding_amount desc, invoice_number
        limit {int(limit)}
        """,
        filters.params(),
    )
