with

deals as (

    select * from {{ ref('fct_deals') }}

),

deal_totals_per_grain as (

    select
        created_month,
        deal_kind_id,
        deal_kind_name,
        manager_id,
        manager_name,
        business_region_id,
        business_region_name,
        count(*) as deals_total,
        count(case when is_won then 1 end) as deals_won,
        count(case when is_lost then 1 end) as deals_lost,
        count(case when is_open then 1 end) as deals_in_progress,
        sum(won_amount) as won_amount,
        sum(potential_amount) as potential_amount,
        -- cycle_days is null for open deals, so these cover closed deals only
        avg(cycle_days) as mean_cycle_days,
        {{ median('cycle_days') }} as median_cycle_days

    from deals
    group by 1, 2, 3, 4, 5, 6, 7

),

final as (

    select
        {{ generate_surrogate_key([
            'created_month',
            'deal_kind_id',
            'manager_id',
            'business_region_id',
        ]) }} as deal_efficiency_id,
        created_month,
        deal_kind_id,
        deal_kind_name,
        manager_id,
        manager_name,
        business_region_id,
        business_region_name,
        cast(deals_total as bigint) as deals_total,
        cast(deals_won as bigint) as deals_won,
        cast(deals_lost as bigint) as deals_lost,
        cast(deals_in_progress as bigint) as deals_in_progress,
        -- open deals are neither wins nor losses
        case
            when deals_won + deals_lost > 0
                then cast(deals_won as {{ double_type() }}) / (deals_won + deals_lost)
        end as win_rate,
        cast(won_amount as decimal(18, 2)) as won_amount,
        cast(potential_amount as decimal(18, 2)) as potential_amount,
        cast(mean_cycle_days as {{ double_type() }}) as mean_cycle_days,
        cast(median_cycle_days as {{ double_type() }}) as median_cycle_days

    from deal_totals_per_grain

)

select * from final
