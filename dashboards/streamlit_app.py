"""Entry point: page config, the shared sidebar filters, and navigation over app_pages/."""

import streamlit as st

from dashboards.filters import render_sidebar
from dashboards.i18n import t

st.set_page_config(page_title=t("app_title"), page_icon=":bar_chart:", layout="wide")

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
    ]
)
# Drawn after st.navigation so the page links sit above the filters in the sidebar.
render_sidebar()
navigation.run()
