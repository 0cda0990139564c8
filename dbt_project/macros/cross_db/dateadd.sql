{#
    dbt.dateadd on Spark. dbt-spark's own goes through to_timestamp(<seconds>), which is null
    when the session's `timestamp` is TIMESTAMP_NTZ (as here: naive UTC like DuckDB); Spark's
    timestampadd keeps the type. Found first through the project's dispatch order
    (dbt_project.yml); the other adapters keep dbt's.
#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro %}
