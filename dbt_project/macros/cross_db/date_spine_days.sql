{#
    One row per day from start_date to end_date inclusive, as column `date_day`.
    Portable: a cross join of ten-row digit sets (up to 10^5 days, ~270 years) and
    dbt.dateadd, instead of DuckDB's range() or PostgreSQL's generate_series().
    start_date / end_date are SQL date expressions (scalar subqueries are fine).
#}
{% macro date_spine_days(start_date, end_date) -%}
    {%- set digit_sets = ['ones', 'tens', 'hundreds', 'thousands', 'ten_thousands'] -%}
    with digits as (
        {% for digit in range(10) -%}
            select {{ digit }} as digit{% if not loop.last %} union all {% endif %}
        {%- endfor %}
    ),

    day_numbers as (
        select
            {% for name in digit_sets -%}
                {{ name }}.digit * {{ 10 ** loop.index0 }}{% if not loop.last %} + {% endif %}
            {%- endfor %} as day_number
        from digits as ones
        {% for name in digit_sets[1:] -%}
            cross join digits as {{ name }}
        {% endfor %}
    ),

    bounds as (
        select
            cast({{ start_date }} as date) as start_date,
            cast({{ end_date }} as date) as end_date
    )

    select cast({{ dbt.dateadd('day', 'day_numbers.day_number', 'bounds.start_date') }} as date)
        as date_day
    from day_numbers
    cross join bounds
    where day_numbers.day_number <= {{ dbt.datediff('bounds.start_date', 'bounds.end_date', 'day') }}
{%- endmacro %}
