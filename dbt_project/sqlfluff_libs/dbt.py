"""Lint-only stand-ins for dbt's cross-database macros (`dbt.datediff`, `dbt.concat`, ...).

sqlfluff-templater-dbt is not installed, so sqlfluff renders models with its jinja templater.
This module is exposed to that templater as `dbt` (see `library_path` in the repo's .sqlfluff)
and renders each macro as plausible DuckDB SQL. dbt itself never imports it.
"""


def datediff(first_date, second_date, datepart):
    return f"date_diff('{datepart}', {first_date}, {second_date})"


def date_trunc(datepart, date):
    return f"date_trunc('{datepart}', {date})"


def concat(fields):
    return f"concat({', '.join(fields)})"


def hash(field):  # mirrors dbt.hash
    return f"md5(cast({field} as varchar))"


def type_string():
    return "varchar"


def type_bigint():
    return "bigint"


def type_int():
    return "integer"


def type_float():
    return "double precision"


def type_numeric():
    return "decimal(28, 6)"


def type_timestamp():
    return "timestamp"


def type_boolean():
    return "boolean"


def dateadd(datepart, interval, from_date_or_timestamp):
    return f"date_add({from_date_or_timestamp}, interval ({interval}) {datepart})"


def date_part(datepart, date):
    return f"date_part('{datepart}', {date})"


def current_timestamp():
    return "now()"


def safe_cast(field, type):  # noqa: A002
    return f"try_cast({field} as {type})"
