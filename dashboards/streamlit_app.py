"""Entry point: page config, the shared sidebar filters, and navigation over app_pages/."""

import streamlit as st

from dashboards.auth import require_dashboard_user
from dashboards.filters import render_sidebar
from dashboards.i18n import t

st.set_page_config(page_title=t("app_title"), page_icon=":bar_chart:", layout="wide")
# Before any page, filter or query: anonymous visitors get the sign-in prompt and nothing else.
require_dashboard_user()

navigation = st.navigation(
    [
        st.Page("app_pages/overview.py", title=t("page_overview"), icon=":material/dashboard:"),
        st.Page(
            "app_pages/sales_funnel.py",
            title=t("page_sales_funnel"),
            icon=":material/filter_alt:",
        ),
        st.Page(
            "app_pages/deal_efficiency.py",
            title=t("page_deal_efficiency"),
            icon=":material/trending_up:",
        ),
        st.Page("app_pages/claims.py", title=t("page_claims"), icon=":material/report:"),
        st.Page(
            "app_pages/events_calendar.py",
            title=t("page_events_calendar"),
            icon=":material/calendar_month:",
        ),
        st.Page("app_pages/orders.py", title=t("page_orders"), icon=":material/receipt_long:"),
        st.Page("app_pages/regions.py", title=t("page_regions"), icon=":material/map:"),
        st.Page(
            "app_pages/returns.py",
            title=t("page_returns"),
            icon=":material/assignment_return:",
        ),
        st.Page("app_pages/retail.py", title=t("page_retail"), icon=":material/storefront:"),
        st.Page(
            "app_pages/gis_exchange.py",
            title=t("page_gis_exchange"),
            icon=":material/sync_alt:",
        ),
        st.Page(
            "app_pages/plan_fact.py",
            title=t("page_plan_fact"),
            icon=":material/flag:",
        ),
        st.Page(
            "app_pages/marketing.py",
            title=t("page_marketing"),
            icon=":material/campaign:",
        ),
        st.Page(
            "app_pages/client_base.py",
            title=t("page_client_base"),
            icon=":material/groups:",
        ),
        st.Page(
            "app_pages/intercompany.py",
            title=t("page_intercompany"),
            icon=":material/account_tree:",
        ),
        st.Page(
            "app_pages/data_freshness.py",
            title=t("page_data_freshness"),
            icon=":material/schedule:",
        ),
    ]
)
# Drawn after st.navigation so the page links sit above the filters in the sidebar.
render_sidebar()
navigation.run()
