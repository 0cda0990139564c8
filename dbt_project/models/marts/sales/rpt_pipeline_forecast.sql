{#
    The 1C probability model: for every open deal, the historical win share of closed deals
    (won / (won + lost)) by its current stage, its manager, its partner and its deal kind;
    the forecast probability is the mean of the shares that have history. A share without
    history (no closed deal in that group) is null and left out of the mean; with no history at
    all the manager's own probability (deals.probability / 100) is used.
#}
with

deals as (

    select * from {{ ref('fct_deals') }}

),

stage_win_shares as (

    select * from {{ ref('rpt_stage_win_probability') }}

),

closed_deals as (

    select * from deals
    where is_won or is_lost

),

open_deals as (

    select * from deals
    where is_open

),

win_share_per_manager as (

    select
        manager_id,
        cast(count(case when is_won then 1 end) as {{ double_type() }}) / count(*) as win_share

    from closed_deals
    where manager_id is not null
    group by 1

),

win_share_per_partner as (

    select
        partner_id,
        cast(count(case when is_won then 1 end) as {{ double_type() }}) / count(*) as win_share

    from closed_deals
    group by 1

),

win_share_per_deal_kind as (

    select
        deal_kind_id,
        cast(count(case when is_won then 1 end) as {{ double_type() }}) / count(*) as win_share

    from closed_deals
    group by 1

),

open_deals_joined_to_shares as (

    select
        open_deals.deal_id,
        open_deals.deal_number,
        open_deals.partner_id,
        open_deals.manager_id,
        open_deals.deal_kind_id,
        open_deals.current_stage_id,
        open_deals.potential_amount,
        open_deals.probability,
        stage_win_shares.win_share as stage_win_share,
        win_share_per_manager.win_share as manager_win_share,
        win_share_per_partner.win_share as partner_win_share,
        win_share_per_deal_kind.win_share as deal_kind_win_share

    from open_deals
    left join stage_win_shares
        on open_deals.current_stage_id = stage_win_shares.stage_id
    left join win_share_per_manager
        on open_deals.manager_id = win_share_per_manager.manager_id
    left join win_share_per_partner
        on open_deals.partner_id = win_share_per_partner.partner_id
    left join win_share_per_deal_kind
        on open_deals.deal_kind_id = win_share_per_deal_kind.deal_kind_id

),

shares_averaged as (

    select
        *,
        case when stage_win_share is null then 0 else 1 end
        + case when manager_win_share is null then 0 else 1 end
        + case when partner_win_share is null then 0 else 1 end
        + case when deal_kind_win_share is null then 0 else 1 end as shares_with_history,
        coalesce(stage_win_share, 0)
        + coalesce(manager_win_share, 0)
        + coalesce(partner_win_share, 0)
        + coalesce(deal_kind_win_share, 0) as shares_sum

    from open_deals_joined_to_shares

),

final as (

    select
        deal_id,
        deal_number,
        partner_id,
        manager_id,
        deal_kind_id,
        current_stage_id,
        cast(potential_amount as decimal(18, 2)) as potential_amount,
        cast(stage_win_share as {{ double_type() }}) as stage_win_share,
        cast(manager_win_share as {{ double_type() }}) as manager_win_share,
        cast(partner_win_share as {{ double_type() }}) as partner_win_share,
        cast(deal_kind_win_share as {{ double_type() }}) as deal_kind_win_share,
        cast(shares_with_history as integer) as shares_with_history,
        case
            when shares_with_history > 0
                then cast(shares_sum as {{ double_type() }}) / shares_with_history
            else cast(probability as {{ double_type() }}) / 100
        end as forecast_probability,
        cast(
            potential_amount
            * case
                when shares_with_history > 0
                    then cast(shares_sum as {{ double_type() }}) / shares_with_history
                else cast(probability as {{ double_type() }}) / 100
            end as decimal(18, 2)
        ) as weighted_amount

    from shares_averaged

)

select * from final
