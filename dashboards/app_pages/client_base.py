"""Client base (Анализ клиентской базы): ABC/XYZ classes, customer lifecycle, lifetime revenue
and offer → order conversion. Every definition lives in marts/customers; this page filters,
sums and draws."""

import polars as pl
import streamlit as st

from dashboards import charts, comparison, queries, widgets
from dashboards.filters import require_filters
from dashboards.formatting import format_compact, format_month, format_number, format_percent
from dashboards.i18n import t

filters = require_filters()
st.title(t("page_client_base"))
widgets.require_marts(
    "marts.rpt_customer_abc_xyz",
    "marts.rpt_customer_lifecycle",
    "marts.dim_customer_lifetime",
    "marts.rpt_offer_conversion",
    "marts.fct_commercial_offers",
)
st.caption(t("client_base_caption"))
compare = comparison.for_page(filters)


def money(value: object) -> str:
    return format_compact(value, money=True)


# -- ABC/XYZ: the latest classified month up to the period's end -----------------------------
st.header(t("abc_xyz_title"))
class_month = queries.customer_class_month(filters)
if class_month is None:
    st.info(t("no_data"))
else:
    st.caption(t("abc_xyz_caption", month=format_month(class_month)))
    customers = queries.customer_abc_xyz(filters, class_month)
    matrix = queries.customer_abc_xyz_matrix(filters, class_month)
    # The compared snapshot: the latest classified month up to the compared period's end.
    other_month = compare.rerun(queries.customer_class_month)
    other_customers = other_matrix = None
    if other_month is not None:
        other_customers = compare.rerun(queries.customer_abc_xyz, other_month)
        other_matrix = compare.rerun(queries.customer_abc_xyz_matrix, other_month)
        st.caption(
            t(
                "abc_xyz_compared_caption",
                period=t(f"compare_{compare.mode.value}"),
                month=format_month(other_month),
            )
        )

    def snapshot(rows: pl.DataFrame | None) -> dict[str, float | None]:
        """The tiles' figures of one month's classes (nothing without that month)."""
        if rows is None:
            return {}
        return {
            "customers_in_base": rows.height,
            "window_revenue": rows["window_revenue_amount"].sum(),
            "a_customers": rows.filter(pl.col("abc_class") == "A").height,
            "class_changes": rows.filter(pl.col("is_class_changed")).height,
        }

    changed = customers.filter(pl.col("is_class_changed"))
    figures, other_figures = snapshot(customers), snapshot(other_customers)
    for column, (key, label, show) in zip(
        widgets.tile_columns(4, per_row=2),
        [
            ("customers_in_base", t("customers_in_base"), format_number),
            ("window_revenue", t("window_revenue"), money),
            ("a_customers", f"{t('customers')}: A", format_number),
            ("class_changes", t("class_changes"), format_number),
        ],
        strict=True,
    ):
        compare.metric(
            column,
            label,
            figures[key],
            other_figures.get(key),
            show,
            delta_color="off" if key == "class_changes" else "normal",
        )

    count_column, amount_column = st.columns(2)
    count_column.subheader(t("matrix_customers"))
    count_column.plotly_chart(
        charts.abc_xyz_heatmap(matrix, "customers"), key="abc_xyz_customers_chart"
    )
    amount_column.subheader(t("matrix_revenue"))
    amount_column.plotly_chart(
        charts.abc_xyz_heatmap(matrix, "window_revenue_amount"), key="abc_xyz_revenue_chart"
    )

    def with_shares(rows: pl.DataFrame) -> pl.DataFrame:
        """A cell's share of the month's window revenue (the summed amounts divided again)."""
        total = rows["window_revenue_amount"].sum()
        return rows.with_columns(
            revenue_share=pl.col("window_revenue_amount") / total if total else pl.lit(None)
        )

    shown_matrix, matrix_columns = compare.add_deltas(
        with_shares(matrix),
        None if other_matrix is None else with_shares(other_matrix),
        ["abc_class", "xyz_class"],
        {
            "abc_class": (t("abc_class"), "text"),
            "xyz_class": (t("xyz_class"), "text"),
            "customers": (t("customers"), "int"),
            "window_revenue_amount": (t("window_revenue"), "amount"),
            "revenue_share": (t("class_revenue_share"), "percent"),
        },
        ["customers", "window_revenue_amount", "revenue_share"],
    )
    widgets.table(
        shown_matrix.with_columns(pl.col("xyz_class").fill_null(t("xyz_not_enough_history"))),
        matrix_columns,
        key="abc_xyz_matrix_table",
        file_stem="abc_xyz_matrix",
    )

    st.subheader(t("class_changes"))
    st.caption(t("class_changes_caption", month=format_month(class_month)))
    if changed.is_empty():
        st.info(t("no_class_changes"))
    else:
        widgets.table(
            changed.with_columns(
                pl.concat_str(
                    "previous_abc_class", pl.col("previous_xyz_class").fill_null("")
                ).alias("previous_class"),
                pl.concat_str("abc_class", pl.col("xyz_class").fill_null("")).alias(
                    "current_class"
                ),
            ),
            {
                "partner_name": (t("partner"), "text"),
                "previous_class": (t("previous_class"), "text"),
                "current_class": (t("current_class"), "text"),
                "window_revenue_amount": (t("window_revenue"), "amount"),
                "revenue_share": (t("revenue_share"), "percent"),
                "monthly_revenue_cv": (t("monthly_revenue_cv"), "percent"),
            },
            key="class_changes_table",
            file_stem="customer_class_changes",
        )

    with st.expander(t("customers")):
        widgets.table(
            customers.with_columns(pl.col("xyz_class").fill_null(t("xyz_not_enough_history"))),
            {
                "partner_name": (t("partner"), "text"),
                "abc_class": (t("abc_class"), "text"),
                "xyz_class": (t("xyz_class"), "text"),
                "window_revenue_amount": (t("window_revenue"), "amount"),
                "revenue_share": (t("revenue_share"), "percent"),
                "cumulative_revenue_share": (t("cumulative_revenue_share"), "percent"),
                "monthly_revenue_cv": (t("monthly_revenue_cv"), "percent"),
            },
            key="abc_xyz_customers_table",
            file_stem="customer_abc_xyz",
        )

# -- lifecycle per month of the period ----------------------------------------------------------
st.header(t("customer_lifecycle"))
st.caption(t("customer_lifecycle_caption"))
lifecycle = queries.customer_lifecycle_by_month(filters)
if lifecycle.is_empty():
    st.info(t("no_data"))
else:
    comparison.show_caption(compare)
    other_lifecycle = compare.rerun(queries.customer_lifecycle_by_month)
    for column, key in zip(
        st.columns(3), ("new_customers", "returned_customers", "lost_customers"), strict=True
    ):
        compare.metric(
            column,
            t(key),
            int(lifecycle[key].sum()),
            int(other_lifecycle[key].sum()) if other_lifecycle is not None else None,
            format_number,
            delta_color="inverse" if key == "lost_customers" else "normal",
        )
    st.plotly_chart(charts.customer_lifecycle_chart(lifecycle), key="customer_lifecycle_chart")
    widgets.table(
        lifecycle,
        {
            "month": (t("month"), "month"),
            "new_customers": (t("new_customers"), "int"),
            "active_customers": (t("active_customers"), "int"),
            "returned_customers": (t("returned_customers"), "int"),
            "lost_customers": (t("lost_customers"), "int"),
        },
        key="customer_lifecycle_table",
        file_stem="customer_lifecycle",
    )

# -- lifetime revenue (as of the warehouse date) --------------------------------------------------
st.header(t("top_customers"))
st.caption(t("top_customers_caption"))
widgets.show_or_no_data(
    queries.top_customers_by_lifetime_revenue(filters),
    lambda top: widgets.table(
        top.with_columns(
            pl.col("abc_class").fill_null(t("not_set")),
            pl.col("xyz_class").fill_null(t("xyz_not_enough_history")),
        ),
        {
            "partner_name": (t("partner"), "text"),
            "lifetime_revenue_amount": (t("lifetime_revenue"), "amount"),
            "order_count": (t("orders"), "int"),
            "first_purchase_date": (t("first_purchase_date"), "date"),
            "last_purchase_date": (t("last_purchase_date"), "date"),
            "days_since_last_purchase": (t("days_since_last_purchase"), "int"),
            "is_lost": (t("lost_now"), "bool"),
            "abc_class": (t("abc_class"), "text"),
            "xyz_class": (t("xyz_class"), "text"),
            "manager_name": (t("manager"), "text"),
        },
        key="top_customers_table",
        file_stem="top_customers",
    ),
)

# -- offer → order conversion -------------------------------------------------------------------
st.header(t("offer_conversion"))
st.caption(t("offer_conversion_caption"))
by_manager = queries.offer_conversion(filters, by="manager")
if by_manager.is_empty():
    st.info(t("no_data"))
else:
    comparison.show_caption(compare)
    other_by_manager = compare.rerun(queries.offer_conversion, by="manager")

    def offer_totals(rows: pl.DataFrame | None) -> dict[str, float | None]:
        """Offers summed over the managers; the shares divided again from the sums."""
        if rows is None:
            return {}
        sent = int(rows["sent_offers"].sum())
        return {
            "sent_offers": sent,
            "acceptance_share": rows["accepted_offers"].sum() / sent if sent else None,
            "conversion_share": rows["converted_offers"].sum() / sent if sent else None,
            "lost_offers": int(rows["lost_offers"].sum()),
        }

    offers, other_offers = offer_totals(by_manager), offer_totals(other_by_manager)
    for column, (key, show, is_share) in zip(
        widgets.tile_columns(4, per_row=2),
        [
            ("sent_offers", format_number, False),
            ("acceptance_share", format_percent, True),
            ("conversion_share", format_percent, True),
            ("lost_offers", format_number, False),
        ],
        strict=True,
    ):
        compare.metric(
            column,
            t(key),
            offers[key],
            other_offers.get(key),
            show,
            ratio=is_share,
            delta_color="inverse" if key == "lost_offers" else "normal",
        )
    offer_columns: dict[str, tuple[str, widgets.ColumnKind]] = {
        "sent_offers": (t("sent_offers"), "int"),
        "accepted_offers": (t("accepted_offers"), "int"),
        "converted_offers": (t("converted_offers"), "int"),
        "lost_offers": (t("lost_offers"), "int"),
        "open_offers": (t("open_offers"), "int"),
        "acceptance_share": (t("acceptance_share"), "percent"),
        "conversion_share": (t("conversion_share"), "percent"),
        "mean_days_to_order": (t("mean_days_to_order"), "days"),
        "ordered_amount": (t("ordered_amount"), "amount"),
    }
    manager_tab, deal_kind_tab = st.tabs([t("by_manager"), t("by_deal_kind")])
    with manager_tab:
        manager_rows, manager_columns = compare.add_deltas(
            by_manager,
            other_by_manager,
            ["group_id"],
            {"group_name": (t("manager"), "text")} | offer_columns,
            ["sent_offers", "converted_offers", "conversion_share"],
        )
        widgets.table(
            manager_rows.with_columns(pl.col("group_name").fill_null(t("not_set"))),
            manager_columns,
            key="offer_conversion_manager_table",
            file_stem="offer_conversion_by_manager",
        )
    with deal_kind_tab:
        by_deal_kind, kind_columns = compare.add_deltas(
            queries.offer_conversion(filters, by="deal_kind"),
            compare.rerun(queries.offer_conversion, by="deal_kind"),
            ["group_id"],
            {"group_name": (t("deal_kind"), "text")} | offer_columns,
            ["sent_offers", "converted_offers", "conversion_share"],
        )
        widgets.table(
            by_deal_kind.with_columns(pl.col("group_name").fill_null(t("not_set"))),
            kind_columns,
            key="offer_conversion_deal_kind_table",
            file_stem="offer_conversion_by_deal_kind",
        )

    st.subheader(t("lost_offers_by_reason"))
    st.caption(t("lost_offers_by_reason_caption"))
    lost = queries.lost_offers_by_reason(filters)
    reason_labels = {
        "rejected": t("offer_lost_reason_rejected"),
        "expired": t("offer_lost_reason_expired"),
    }
    widgets.show_or_no_data(
        lost.with_columns(pl.col("lost_reason").replace(reason_labels).fill_null(t("not_set"))),
        lambda rows: widgets.table(
            rows,
            {
                "lost_reason": (t("lost_reason"), "text"),
                "lost_offers": (t("lost_offers"), "int"),
                "rejected_offers": (t("rejected_offers"), "int"),
                "expired_offers": (t("expired_offers"), "int"),
                "offer_amount": (t("offer_amount"), "amount"),
            },
            key="lost_offers_table",
            file_stem="lost_offers_by_reason",
        ),
    )
