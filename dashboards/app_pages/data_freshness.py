"""Data freshness: when each source was last loaded and when the marts were published."""

from datetime import timedelta

import streamlit as st

from dashboards import freshness, queries, widgets
from dashboards.filters import require_filters
from dashboards.formatting import format_datetime, format_number
from dashboards.i18n import data_source, t

require_filters()
st.title(t("page_data_freshness"))
widgets.require_marts("meta.data_freshness", "meta.publication")

max_age_hours = st.number_input(
    t("max_age_hours"),
    min_value=1,
    max_value=24 * 30,
    value=int(freshness.DEFAULT_MAX_AGE.total_seconds() // 3600),
    step=1,
    key="freshness_max_age_hours",
)
max_age = timedelta(hours=max_age_hours)
now = freshness.utc_now()

publication = queries.publication()
published_at = publication["published_at"].max() if not publication.is_empty() else None
# The run id (a UUID) is for operators' logs, not for readers: only the time is shown, local.
st.columns(2)[0].metric(t("published_at"), format_datetime(published_at), border=True)

sources = freshness.with_age(queries.data_freshness(), now, max_age)
sources = widgets.describe(sources, "source", data_source)
stale = sources.filter("is_stale")["source"].to_list()
if freshness.is_publication_stale(published_at, now, max_age):
    st.warning(t("publication_stale", hours=format_number(max_age_hours)))
if stale:
    st.warning(t("sources_stale", hours=format_number(max_age_hours), sources=", ".join(stale)))
if sources.is_empty():
    st.info(t("no_sources"))
    st.stop()
if not stale and not freshness.is_publication_stale(published_at, now, max_age):
    st.success(t("all_fresh"))

widgets.table(
    sources,
    {
        "source": (t("source"), "text"),
        "last_loaded_at": (t("last_loaded_at"), "datetime"),
        "rows": (t("rows"), "int"),
        "age_hours": (t("age_hours"), "hours"),
        "is_stale": (t("is_stale"), "bool"),
        "published_at": (t("published_at"), "datetime"),
    },
    key="freshness_table",
    file_stem="data_freshness",
)
