"""Lint-only stand-in for dbt's `adapter` object: `adapter.dispatch(name, namespace)`.

Returns a Python renderer for each adapter-dispatched project macro, producing the DuckDB SQL
the real `duckdb__*` implementation would. Used by sqlfluff only (see the repo's .sqlfluff).
"""


def _median(expression):
    return f"median({expression})"


def _generate_surrogate_key(field_list):
    fields = " || '-' || ".join(
        f"coalesce(cast({field} as varchar), '_crm_null_')" for field in field_list
    )
    return f"md5({fields})"


def _utc_now():
    return "cast(current_timestamp at time zone 'UTC' as timestamp)"


def _iso_day_of_week(expression):
    return f"extract(isodow from {expression})"


_RENDERERS = {
    "utc_now": _utc_now,
    "varchar_type": lambda: "varchar",
    "double_type": lambda: "double precision",
    "iso_day_of_week": _iso_day_of_week,
    "deal_models_materialization": lambda: "incremental",
    "median": _median,
    "generate_surrogate_key": _generate_surrogate_key,
}


def dispatch(macro_name, macro_namespace=None):
    return _RENDERERS[macro_name]
