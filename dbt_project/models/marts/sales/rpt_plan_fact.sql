{#
    План-факт продаж: plans (stg_opapp__sales_plans) against won deals per month, manager,
    business region and deal kind. Fact: deals won (fct_deals.is_won) counted in the month of
    closed_at, in the region of their partner. Forecast to month end: fact + the weighted open
    pipeline (rpt_pipeline_forecast.weighted_amount) of open deals expected in the month; a deal is
    expected in the month of its planned close date, an overdue one (planned before the as-of
    month) in the as-of month, a deal without a planned close date in none.
#}
{%- set as_of_month = 'cast(' ~ dbt.date_trunc('month', as_of_timestamp()) ~ ' as date)' -%}

with

plans as (

    select * from {{ ref('stg_opapp__sales_plans') }}

),

deals as (

    select * from {{ ref('fct_deals') }}

),

pipeline as (

    select * from {{ ref('rpt_pipeline_forecast') }}

),

deal_close_dates as (

    select
        deal_id,
        planned_close_date

    from {{ ref('stg_opapp__deals') }}

),

managers as (

    select * from {{ ref('dim_managers') }}

),

business_regions as (

    select * from {{ ref('dim_business_regions') }}

),

deal_kinds as (

    select * from {{ ref('dim_deal_kinds') }}

),

won_deals_per_cell as (

    select
        cast({{ dbt.date_trunc('month', 'closed_at') }} as date) as period_month,
        -- -1 stands for "none" so the cells join with plain equality; final turns it back
        coalesce(manager_id, -1) as manager_id,
        coalesce(business_region_id, -1) as business_region_id,
        deal_kind_id,
        count(*) as won_deals,
        sum(won_amount) as won_amount

    from deals
    where is_won and closed_at is not null
    group by 1, 2, 3, 4

),

open_deals_expected as (

    select
        pipeline.deal_id,
        coalesce(deals.manager_id, -1) as manager_id,
        coalesce(deals.business_region_id, -1) as business_region_id,
        deals.deal_kind_id,
        pipeline.weighted_amount,
        case
            when deal_close_dates.planned_close_date < {{ as_of_month }}
                then {{ as_of_month }}
            else cast(
                {{ dbt.date_trunc('month', 'deal_close_dates.planned_close_date') }} as date
            )
        end as period_month

    from pipeline
    inner join deals
        on pipeline.deal_id = deals.deal_id
    inner join deal_close_dates
        on pipeline.deal_id = deal_close_dates.deal_id
    where deal_close_dates.planned_close_date is not null

),

open_pipeline_per_cell as (

    select
        period_month,
        manager_id,
        business_region_id,
        deal_kind_id,
        count(*) as open_deals_expected,
        sum(weighted_amount) as open_weighted_amount

    from open_deals_expected
    group by 1, 2, 3, 4

),

plans_per_cell as (

    select
        period_month,
        manager_id,
        business_region_id,
        deal_kind_id,
        sum(planned_amount) as planned_amount,
        sum(planned_won_deals) as planned_won_deals

    from plans
    group by 1, 2, 3, 4

),

cells as (

    select
        period_month,
        manager_id,
        business_region_id,
        deal_kind_id
    from plans_per_cell
    union
    select
        period_month,
        manager_id,
        business_region_id,
        deal_kind_id
    from won_deals_per_cell
    union
    select
        period_month,
        manager_id,
        business_region_id,
        deal_kind_id
    from open_pipeline_per_cell

),

cell_figures as (

    select
        cells.period_month,
        cells.manager_id,
        cells.business_region_id,
        cells.deal_kind_id,
        plans_per_cell.period_month is not null as has_plan,
        coalesce(plans_per_cell.planned_amount, 0) as planned_amount,
        coalesce(plans_per_cell.planned_won_deals, 0) as planned_won_deals,
        coalesce(won_deals_per_cell.won_amount, 0) as won_amount,
        coalesce(won_deals_per_cell.won_deals, 0) as won_deals,
        coalesce(open_pipeline_per_cell.open_weighted_amount, 0) as open_weighted_amount,
        coalesce(open_pipeline_per_cell.open_deals_expected, 0) as open_deals_expected

    from cells
    left join plans_per_cell
        on
            cells.period_month = plans_per_cell.period_month
            and cells.manager_id = plans_per_cell.manager_id
            and cells.business_region_id = plans_per_cell.business_region_id
            and cells.deal_kind_id = plans_per_cell.deal_kind_id
    left join won_deals_per_cell
        on
            cells.period_month = won_deals_per_cell.period_month
            and cells.manager_id = won_deals_per_cell.manager_id
            and cells.business_region_id = won_deals_per_cell.business_region_id
            and cells.deal_kind_id = won_deals_per_cell.deal_kind_id
    left join open_pipeline_per_cell
        on
            cells.period_month = open_pipeline_per_cell.period_month
            and cells.manager_id = open_pipeline_per_cell.manager_id
            and cells.business_region_id = open_pipeline_per_cell.business_region_id
            and cells.deal_kind_id = open_pipeline_per_cell.deal_kind_id

),

final as (

    select
        {{ generate_surrogate_key([
            'cell_figures.period_month',
            'nullif(cell_figures.manager_id, -1)',
            'nullif(cell_figures.business_region_id, -1)',
            'cell_figures.deal_kind_id',
        ]) }} as plan_fact_id,
        cell_figures.period_month,
        cast(nullif(cell_figures.manager_id, -1) as bigint) as manager_id,
        managers.manager_name,
        cast(nullif(cell_figures.business_region_id, -1) as bigint) as business_region_id,
        business_regions.business_region_name,
        cast(cell_figures.deal_kind_id as bigint) as deal_kind_id,
        deal_kinds.deal_kind_name,
        cell_figures.has_plan,
        cell_figures.period_month = {{ as_of_month }} as is_as_of_month,
        cast(cell_figures.planned_amount as decimal(18, 2)) as planned_amount,
        cast(cell_figures.planned_won_deals as bigint) as planned_won_deals,
        cast(cell_figures.won_amount as decimal(18, 2)) as won_amount,
        cast(cell_figures.won_deals as bigint) as won_deals,
        cast(cell_figures.open_weighted_amount as decimal(18, 2)) as open_weighted_amount,
        cast(cell_figures.open_deals_expected as bigint) as open_deals_expected,
        cast(cell_figures.won_amount + cell_figures.open_weighted_amount as decimal(18, 2))
            as forecast_amount,
        case
            when cell_figures.planned_amount > 0
                then
                    cast(
                        100
                        * cell_figures.won_amount
                        / cell_figures.planned_amount as {{ double_type() }}
                    )
        end as amount_completion_pct,
        case
            when cell_figures.planned_won_deals > 0
                then
                    cast(
                        100.0
                        * cell_figures.won_deals
                        / cell_figures.planned_won_deals as {{ double_type() }}
                    )
        end as won_deals_completion_pct,
        case
            when cell_figures.planned_amount > 0
                then cast(
                    100
                    * (cell_figures.won_amount + cell_figures.open_weighted_amount)
                    / cell_figures.planned_amount
                    as {{ double_type() }}
                )
        end as forecast_completion_pct

    from cell_figures
    left join managers
        on cell_figures.manager_id = managers.manager_id
    left join business_regions
        on cell_figures.business_region_id = business_regions.business_region_id
    left join deal_kinds
        on cell_figures.deal_kind_id = deal_kinds.deal_kind_id

)

select * from final
