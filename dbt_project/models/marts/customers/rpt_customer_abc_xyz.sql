{#
    ABC/XYZ classes of customers per month over a trailing window of var('abc_window_months')
    months ending with the month; revenue = shipped amount (fct_shipments) up to the as-of date.
#}
{%- set window_months = var('abc_window_months') -%}
{#- months before a month in its window (at least 0: sqlfluff's stand-in for var() is no number) -#}
{%- set months_before = [(window_months | int) - 1, 0] | max -%}
with

shipments as (

    select * from {{ ref('fct_shipments') }}
    -- purchases up to the as-of date: the as-of month is the last month classified
    where
        partner_id is not null
        and shipped_date <= cast({{ as_of_timestamp() }} as date)

),

partners as (

    select * from {{ ref('dim_partners') }}

),

revenue_per_partner_and_month as (

    select
        partner_id,
        shipped_month as revenue_month,
        sum(shipped_amount) as revenue_amount

    from shipments
    group by 1, 2

),

first_month_per_partner as (

    select
        partner_id,
        min(revenue_month) as first_revenue_month

    from revenue_per_partner_and_month
    group by 1

),

calendar_days as (

    {{ date_spine_days(
        '(select min(revenue_month) from revenue_per_partner_and_month)',
        'cast(' ~ as_of_timestamp() ~ ' as date)'
    ) }}

),

calendar_months as (

    select date_day as revenue_month
    from calendar_days
    where date_day = cast({{ dbt.date_trunc('month', 'date_day') }} as date)

),

partner_months as (

    -- every month from the partner's first purchase to the as-of month: a month without
    -- sales is a zero in the series
    select
        first_month_per_partner.partner_id,
        calendar_months.revenue_month,
        coalesce(revenue_per_partner_and_month.revenue_amount, 0) as revenue_amount

    from first_month_per_partner
    inner join calendar_months
        on first_month_per_partner.first_revenue_month <= calendar_months.revenue_month
    left join revenue_per_partner_and_month
        on
            first_month_per_partner.partner_id = revenue_per_partner_and_month.partner_id
            and calendar_months.revenue_month = revenue_per_partner_and_month.revenue_month

),

window_totals_per_partner_and_month as (

    -- partner_months holds every month from the first purchase on, so the trailing window of
    -- {{ window_months }} months is that many rows: window aggregates instead of joining each
    -- month to its window (a row per partner, month and window month)
    select
        partner_id,
        revenue_month,
        revenue_amount,
        sum(revenue_amount) over trailing_window as window_revenue_amount,
        count(*) over trailing_window as window_month_count,
        avg(cast(revenue_amount as {{ double_type() }})) over trailing_window
            as mean_monthly_revenue,
        stddev_pop(cast(revenue_amount as {{ double_type() }})) over trailing_window
            as stddev_monthly_revenue

    from partner_months
    window trailing_window as (
        partition by partner_id
        order by revenue_month
        rows between {{ months_before }} preceding and current row
    )

),

customers_ranked_within_month as (

    select
        partner_id,
        revenue_month,
        revenue_amount,
        window_revenue_amount,
        window_month_count,
        mean_monthly_revenue,
        stddev_monthly_revenue,
        row_number() over (
            partition by revenue_month
            order by window_revenue_amount desc, partner_id asc
        ) as revenue_rank,
        sum(window_revenue_amount) over (
            partition by revenue_month
            order by window_revenue_amount desc, partner_id asc
            rows between unbounded preceding and current row
        ) as cumulative_revenue_amount,
        sum(window_revenue_amount) over (partition by revenue_month) as month_revenue_amount

    from window_totals_per_partner_and_month
    where window_revenue_amount > 0

),

customers_classified as (

    select
        partner_id,
        revenue_month,
        revenue_amount,
        window_revenue_amount,
        window_month_count,
        revenue_rank,
        cast(window_revenue_amount as {{ double_type() }})
        / cast(month_revenue_amount as {{ double_type() }}) as revenue_share,
        cast(cumulative_revenue_amount as {{ double_type() }})
        / cast(month_revenue_amount as {{ double_type() }}) as cumulative_revenue_share,
        case
            when mean_monthly_revenue > 0 then stddev_monthly_revenue / mean_monthly_revenue
        end as monthly_revenue_cv,
        -- the largest customer is A even when it alone holds more than the A share
        case
            when
                revenue_rank = 1
                or cumulative_revenue_amount
                <= {{ var('abc_class_a_share') }} * month_revenue_amount
                then 'A'
            when
                cumulative_revenue_amount
                <= ({{ var('abc_class_a_share') }} + {{ var('abc_class_b_share') }})
                * month_revenue_amount
                then 'B'
            else 'C'
        end as abc_class

    from customers_ranked_within_month

),

customers_classified_by_stability as (

    select
        *,
        case
            when window_month_count < {{ var('xyz_min_months') }} then null
            when monthly_revenue_cv <= {{ var('xyz_class_x_max_cv') }} then 'X'
            when monthly_revenue_cv <= {{ var('xyz_class_y_max_cv') }} then 'Y'
            else 'Z'
        end as xyz_class

    from customers_classified

),

classes_joined_to_previous_month as (

    select
        current_month.*,
        previous_month.abc_class as previous_abc_class,
        previous_month.xyz_class as previous_xyz_class

    from customers_classified_by_stability as current_month
    left join customers_classified_by_stability as previous_month
        on
            current_month.partner_id = previous_month.partner_id
            and previous_month.revenue_month
            = cast({{ dbt.dateadd('month', -1, 'current_month.revenue_month') }} as date)

),

final as (

    select
        {{ generate_surrogate_key(['classes_joined_to_previous_month.partner_id',
            'classes_joined_to_previous_month.revenue_month']) }} as customer_class_id,
        classes_joined_to_previous_month.partner_id,
        partners.partner_name,
        partners.business_region_id,
        partners.manager_id,
        classes_joined_to_previous_month.revenue_month as class_month,
        cast(
            {{ dbt.dateadd('month', '1 - ' ~ window_months,
                'classes_joined_to_previous_month.revenue_month') }} as date
        ) as window_start_month,
        cast(classes_joined_to_previous_month.revenue_amount as decimal(18, 2))
            as month_revenue_amount,
        cast(classes_joined_to_previous_month.window_revenue_amount as decimal(18, 2))
            as window_revenue_amount,
        cast(classes_joined_to_previous_month.window_month_count as integer)
            as window_month_count,
        cast(classes_joined_to_previous_month.revenue_rank as integer) as revenue_rank,
        classes_joined_to_previous_month.revenue_share,
        classes_joined_to_previous_month.cumulative_revenue_share,
        cast(classes_joined_to_previous_month.monthly_revenue_cv as {{ double_type() }})
            as monthly_revenue_cv,
        classes_joined_to_previous_month.abc_class,
        classes_joined_to_previous_month.xyz_class,
        classes_joined_to_previous_month.abc_class
        || coalesce(classes_joined_to_previous_month.xyz_class, '') as abc_xyz_class,
        classes_joined_to_previous_month.previous_abc_class,
        classes_joined_to_previous_month.previous_xyz_class,
        coalesce(
            classes_joined_to_previous_month.previous_abc_class
            <> classes_joined_to_previous_month.abc_class,
            false
        ) as is_abc_changed,
        coalesce(
            classes_joined_to_previous_month.previous_xyz_class
            <> classes_joined_to_previous_month.xyz_class,
            false
        ) as is_xyz_changed,
        coalesce(
            classes_joined_to_previous_month.previous_abc_class
            <> classes_joined_to_previous_month.abc_class,
            false
        )
        or coalesce(
            classes_joined_to_previous_month.previous_xyz_class
            <> classes_joined_to_previous_month.xyz_class,
            false
        ) as is_class_changed

    from classes_joined_to_previous_month
    left join partners
        on classes_joined_to_previous_month.partner_id = partners.partner_id

)

select * from final
