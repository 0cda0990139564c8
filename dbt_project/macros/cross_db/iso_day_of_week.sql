{#
    ISO day of the week of a date or timestamp: 1 = Monday ... 7 = Sunday.
    DuckDB and PostgreSQL call the field `isodow`; Spark calls it `dayofweek_iso`.
#}
{% macro iso_day_of_week(expression) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'crm_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(expression) -%}
    extract(isodow from {{ expression }})
{%- endmacro %}

{% macro spark__iso_day_of_week(expression) -%}
    extract(dayofweek_iso from {{ expression }})
{%- endmacro %}
