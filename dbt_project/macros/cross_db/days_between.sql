{#
    Fractional days between two timestamps (`later - earlier`), as double precision.
    Built on dbt.datediff in seconds so it stays portable across adapters.
#}
{% macro days_between(earlier, later) -%}
    cast({{ dbt.datediff(earlier, later, 'second') }} as double precision) / 86400.0
{%- endmacro %}
