"""Small Streamlit building blocks the pages share: tables with downloads, drill-down pickers,
and the "mart missing" guard. No queries and no business rules here."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any, Literal

import polars as pl
import streamlit as st

from dashboards import export, queries
from dashboards.i18n import label, t

ColumnKind = Literal[
    "text", "int", "amount", "percent", "days", "hours", "date", "datetime", "bool"
]


def _column_config(label: str, kind: ColumnKind) -> Any:
    match kind:
        case "int":
            return st.column_config.NumberColumn(label, format="localized")
        case "amount":
            return st.column_config.NumberColumn(label, format="localized")
        case "percent":
            return st.column_config.NumberColumn(label, format="percent")
        case "days" | "hours":
            # "localized" follows the reader's locale: 3,3 in a Russian browser.
            return st.column_config.NumberColumn(label, format="localized")
        case "date":
            return st.column_config.DateColumn(label, format=t("date_column_format"))
        case "datetime":
            return st.column_config.DatetimeColumn(label, format=t("datetime_column_format"))
        case "bool":
            return st.column_config.CheckboxColumn(label)
        case _:
            return st.column_config.TextColumn(label)


def table(
    frame: pl.DataFrame,
    columns: Mapping[str, tuple[str, ColumnKind]],
    *,
    key: str,
    file_stem: str,
    container: Any = None,
) -> None:
    """Show ``frame``'s ``columns`` (name -> (label, kind)) with CSV and XLSX downloads."""
    place = container if container is not None else st
    shown = frame.select(list(columns))
    config = {name: _column_config(label, kind) for name, (label, kind) in columns.items()}
    place.dataframe(shown, hide_index=True, key=key, column_config=config)
    headers = {name: label for name, (label, _) in columns.items()}
    csv_column, xlsx_column, _ = place.columns([1, 1, 4])
    csv_column.download_button(
        t("download_csv"),
        data=lambda: export.to_csv_bytes(shown, headers),
        file_name=export.file_name(file_stem, "csv"),
        mime=export.CSV_MIME,
        key=f"{key}_csv",
        icon=":material/download:",
        on_click="ignore",
    )
    xlsx_column.download_button(
        t("download_xlsx"),
        data=lambda: export.to_xlsx_bytes(shown, headers, sheet_name=file_stem),
        file_name=export.file_name(file_stem, "xlsx"),
        mime=export.XLSX_MIME,
        key=f"{key}_xlsx",
        icon=":material/download:",
        on_click="ignore",
    )


def selected_keys(event: Any) -> list[Any]:
    """The first ``customdata`` value of each point selected in a plotly chart event."""
    if not event:
        return []
    points = event.get("selection", {}).get("points", []) if isinstance(event, Mapping) else []
    keys = []
    for point in points:
        data = point.get("customdata")
        if isinstance(data, list | tuple):
            data = data[0] if data else None
        if data is not None:
            keys.append(data)
    return keys


def drill_down(
    event: Any,
    key: str,
    options: Mapping[Hashable, str],
    label: str,
    container: Any = None,
) -> Any:
    """A selectbox over ``options`` that a click on the chart (``event``) also sets.

    Clicking a bar (whose ``customdata`` is an option key) selects it in the box; the box is
    the fallback for keyboards, screen readers and charts that cannot be clicked.
    """
    place = container if container is not None else st
    chart_key = f"{key}__chart"
    picked = [value for value in selected_keys(event) if value in options]
    chosen = picked[0] if picked else None
    if chosen is not None and st.session_state.get(chart_key) != chosen:
        st.session_state[key] = chosen
    st.session_state[chart_key] = chosen
    if st.session_state.get(key) not in options:
        st.session_state[key] = None  # a republish dropped the option
    return place.selectbox(
        label,
        list(options),
        format_func=options.__getitem__,
        index=None,
        key=key,
        placeholder=t("drill_down_placeholder"),
    )


def translate(frame: pl.DataFrame, column: str, prefix: str) -> pl.DataFrame:
    """Replace codes (``portal``) in ``column`` by their catalog labels (``prefix_portal``)."""
    codes = [code for code in frame[column].unique().to_list() if code is not None]
    labels = {code: label(prefix, code) for code in codes}
    return frame.with_columns(pl.col(column).replace(labels))


def require_marts(*tables: str) -> None:
    """Stop the page with a clear note when the warehouse lacks a mart it reads."""
    missing = queries.missing_tables(*tables)
    if missing:
        st.warning(t("mart_missing", tables=", ".join(missing)))
        st.stop()


def show_or_no_data(frame: pl.DataFrame, draw: Callable[[pl.DataFrame], None]) -> None:
    if frame.is_empty():
        st.info(t("no_data"))
    else:
        draw(frame)
