{#
    The moment "now" for overdue rules: var('as_of') when set (tests pin it, e.g.
    --vars '{as_of: "2025-06-30 00:00:00"}'), else the build's current UTC time.
#}
{% macro as_of_timestamp() -%}
    {%- set as_of = var('as_of', none) -%}
    {%- if as_of -%}
        cast('{{ as_of }}' as timestamp)
    {%- else -%}
        {{ return(adapter.dispatch('utc_now', 'crm_warehouse')()) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__utc_now() -%}
    cast(current_timestamp at time zone 'UTC' as timestamp)
{%- endmacro %}

{#- Spark has no `at time zone`: the session's wall clock converted to UTC, as TIMESTAMP_NTZ. -#}
{% macro spark__utc_now() -%}
    convert_timezone(current_timezone(), 'UTC', localtimestamp())
{%- endmacro %}
