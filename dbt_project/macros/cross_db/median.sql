{#
    Median of a numeric expression, as an aggregate.
    DuckDB has `median()`; PostgreSQL (and the ANSI default) uses the ordered-set aggregate.
#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'crm_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__median(expression) -%}
    median({{ expression }})
{%- endmacro %}
