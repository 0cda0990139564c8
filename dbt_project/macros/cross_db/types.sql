{#
    Cast types that are not spelled alike everywhere. DuckDB and PostgreSQL take an unsized
    `varchar` and `double precision`; Spark SQL has neither (it wants `string` and `double`).
#}
{% macro varchar_type() -%}
    {{ return(adapter.dispatch('varchar_type', 'crm_warehouse')()) }}
{%- endmacro %}

{% macro default__varchar_type() -%}
    varchar
{%- endmacro %}

{% macro spark__varchar_type() -%}
    string
{%- endmacro %}

{% macro double_type() -%}
    {{ return(adapter.dispatch('double_type', 'crm_warehouse')()) }}
{%- endmacro %}

{% macro default__double_type() -%}
    double precision
{%- endmacro %}

{% macro spark__double_type() -%}
    double
{%- endmacro %}
