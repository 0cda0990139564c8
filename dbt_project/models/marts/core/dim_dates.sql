{#
    Day spine from the first day of the earliest month with data (deals, orders, claims,
    interactions) to the end of the year after the latest data, via the portable
    date_spine_days macro.
#}
with

deals as (

    select * from {{ ref('stg_opapp__deals') }}

),

orders as (

    select * from {{ ref('stg_opapp__customer_orders') }}

),

claims as (

    select * from {{ ref('stg_opapp__claims') }}

),

interactions as (

    select * from {{ ref('stg_opapp__interactions') }}

),

data_dates as (

    select cast(created_at as date) as data_date from deals
    union all
    select cast(ordered_at as date) as data_date from orders
    union all
    select cast(registered_at as date) as data_date from claims
    union all
    select cast(planned_at as date) as data_date from interactions

),

date_bounds as (

    select
        cast({{ dbt.date_trunc('month', 'min(data_date)') }} as date) as first_date,
        cast({{ dbt.date_trunc('year', 'max(data_date)') }} as date) as last_year_start

    from data_dates

),

days as (

    {{ date_spine_days(
        '(select first_date from date_bounds)',
        "(select cast(" ~ dbt.dateadd('day', -1, dbt.dateadd('year', 2, 'last_year_start'))
        ~ " as date) from date_bounds)"
    ) }}

),

final as (

    select
        date_day,
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start_date,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
        cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start_date,
        cast(extract(year from date_day) as integer) as year_number,
        cast(extract(month from date_day) as integer) as month_number,
        cast(extract(day from date_day) as integer) as day_of_month,
        -- ISO day of week: 1 = Monday ... 7 = Sunday
        cast({{ iso_day_of_week("date_day") }} as integer) as iso_day_of_week,
        cast({{ iso_day_of_week("date_day") }} as integer) >= 6 as is_weekend

    from days

)

select * from final
