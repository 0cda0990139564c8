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


_RENDERERS = {
    "utc_now": _utc_now,
    "median": _median,
    "generate_surrogate_key": _generate_surrogate_key,
}


def dispatch(macro_name, macro_namespace=None):
    return _RENDERERS[macro_name]
