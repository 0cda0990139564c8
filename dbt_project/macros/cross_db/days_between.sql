{#
    Fractional days between two timestamps (`later - earlier`), as a double.
    Built on dbt.datediff in seconds so it stays portable across adapters.
#}
{% macro days_between(earlier, later) -%}
    cast({{ dbt.datediff(earlier, later, 'second') }} as {{ double_type() }}) / 86400.0
{%- endmacro %}
