"""Small Streamlit building blocks the pages share: tables with downloads, drill-down pickers,
and the "mart missing" guard. No queries and no business rules here."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any, Literal

import polars as pl
import streamlit as st

from crm.settings import get_settings
from dashboards import export, queries
from dashboards.formatting import MISSING, cell_formatter, to_local
from dashboards.i18n import current_language, label, t

ColumnKind = Literal[
    "text",
    "int",
    "amount",
    "percent",
    "change",
    "points",
    "days",
    "hours",
    "month",
    "date",
    "datetime",
    "bool",
]
# Card pages of the operational app (operational_app/web): a link column's route and id column.
CARD_ROUTES = {
    "deal": "deals",
    "order": "orders",
    "claim": "claims",
    "partner": "partners",
    "interaction": "interactions",
}
# Number columns that link to a card, with the id column the link is built from.
DEFAULT_LINKS: dict[str, tuple[str, str]] = {
    "deal_number": ("deal", "deal_id"),
    "order_number": ("order", "order_id"),
    "claim_number": ("claim", "claim_id"),
    "partner_name": ("partner", "partner_id"),
}


def card_url(card: str, record_id: object, text: object) -> str | None:
    """The operational app's card of a record; the shown text travels in the fragment, from
    which the link column takes its display text."""
    if record_id is None or text is None:
        return None
    base = get_settings().app_url
    return f"{base}/{CARD_ROUTES[card]}/{record_id}#{text}"


def _url_or_missing(value: Any) -> Any:
    return value if isinstance(value, str) and value else MISSING


def display_table(
    frame: pl.DataFrame,
    columns: Mapping[str, tuple[str, ColumnKind]],
    links: Mapping[str, tuple[str, str]] | None = None,
) -> tuple[Any, dict[str, Any]]:
    """What ``table`` hands to st.dataframe: a pandas Styler whose cells show the values
    formatted for the language (``21 653 800,00 ₽``, ``31,5 %``, ``янв 2026``) while each column
    keeps its type, so sorting goes by value; and the column config (labels, card links).

    Timestamps (UTC in the warehouse) are shown in local time; codes must be translated before.
    """
    links = DEFAULT_LINKS if links is None else links
    shown = frame.select(list(columns))
    config: dict[str, Any] = {}
    linked: set[str] = set()
    for name, (heading, kind) in columns.items():
        if kind == "datetime":
            shown = shown.with_columns(
                pl.col(name).map_elements(to_local, return_dtype=pl.Datetime)
            )
        card = links.get(name)
        if card is not None and card[1] in frame.columns and kind == "text":
            # The grid draws a null link as a faded "None": a row without a card gets no URL.
            urls = [
                card_url(card[0], record_id, text) or ""
                for record_id, text in zip(frame[card[1]], frame[name], strict=True)
            ]
            shown = shown.with_columns(pl.Series(name, urls, dtype=pl.String))
            config[name] = st.column_config.LinkColumn(heading, display_text=r"#(.+)$")
            linked.add(name)
        elif kind == "bool":
            config[name] = st.column_config.CheckboxColumn(heading)
        else:
            config[name] = st.column_config.Column(heading)
        # The grid draws a null cell as a faded "None" whatever the Styler says. A missing
        # number becomes NaN (a value, shown as "—", sorting last); a date column with gaps
        # is shown as text (its order then follows the text).
        if shown[name].null_count() and name not in linked:
            dtype = shown[name].dtype
            if kind in ("change", "points"):
                # A comparison's change is unknown against nothing: the browser's grid draws a
                # NaN there as "None" too, so such a column goes as its text ("—" for none).
                show = cell_formatter(kind)
                shown = shown.with_columns(
                    pl.Series(name, [show(value) for value in shown[name]], dtype=pl.String)
                )
            elif dtype.is_numeric():
                shown = shown.with_columns(pl.col(name).cast(pl.Float64).fill_null(float("nan")))
            elif dtype in (pl.Date, pl.Datetime) or isinstance(dtype, pl.Datetime):
                show = cell_formatter(kind)
                shown = shown.with_columns(
                    pl.Series(name, [show(value) for value in shown[name]], dtype=pl.String)
                )
            elif dtype == pl.String:
                shown = shown.with_columns(pl.col(name).fill_null(MISSING))
    formatters = {
        name: cell_formatter(kind)
        for name, (_, kind) in columns.items()
        if kind != "bool" and name not in linked
    }
    # The text of a row without a card (no URL) reads "—".
    formatters |= dict.fromkeys(linked, _url_or_missing)
    styler = shown.to_pandas().style.format(formatters)
    return styler, config


def table(
    frame: pl.DataFrame,
    columns: Mapping[str, tuple[str, ColumnKind]],
    *,
    key: str,
    file_stem: str,
    container: Any = None,
    links: Mapping[str, tuple[str, str]] | None = None,
) -> None:
    """Show ``frame``'s ``columns`` (name -> (label, kind)) with CSV and XLSX downloads.

    Deal, order, claim numbers and partner names link to their cards in the operational app
    when the frame carries their ids (``links`` overrides the default pairs)."""
    place = container if container is not None else st
    styler, config = display_table(frame, columns, links)
    place.dataframe(styler, hide_index=True, key=key, column_config=config)
    shown = frame.select(list(columns)).with_columns(
        pl.col(name).map_elements(to_local, return_dtype=pl.Datetime)
        for name, (_, kind) in columns.items()
        if kind == "datetime"
    )
    headers = {name: label for name, (label, _) in columns.items()}
    kinds = {name: kind for name, (_, kind) in columns.items()}
    csv_column, xlsx_column, _ = place.columns([1, 1, 4])
    csv_column.download_button(
        t("download_csv"),
        data=lambda: export.to_csv_bytes(shown, headers, lang=current_language()),
        file_name=export.file_name(file_stem, "csv"),
        mime=export.CSV_MIME,
        key=f"{key}_csv",
        icon=":material/download:",
        on_click="ignore",
    )
    xlsx_column.download_button(
        t("download_xlsx"),
        data=lambda: export.to_xlsx_bytes(shown, headers, sheet_name=file_stem, kinds=kinds),
        file_name=export.file_name(file_stem, "xlsx"),
        mime=export.XLSX_MIME,
        key=f"{key}_xlsx",
        icon=":material/download:",
        on_click="ignore",
    )


def tile_columns(count: int, per_row: int = 3) -> list[Any]:
    """``count`` columns for KPI tiles, at most ``per_row`` to a row, all of one width: a tile
    keeps room for a long value and label at 1280 px with the sidebar open."""
    columns: list[Any] = []
    for start in range(0, count, per_row):
        columns.extend(st.columns(per_row)[: min(per_row, count - start)])
    return columns


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


def describe(frame: pl.DataFrame, column: str, describe_code: Callable[[Any], str]) -> pl.DataFrame:
    """Replace the codes in ``column`` by what ``describe_code`` says about them (nulls too)."""
    codes = frame[column].unique().to_list()
    labels = {code: describe_code(code) for code in codes if code is not None}
    described = pl.col(column).replace_strict(labels, default=None, return_dtype=pl.String)
    if None in codes:
        described = described.fill_null(describe_code(None))
    return frame.with_columns(described.alias(column))


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
