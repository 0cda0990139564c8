-- Every deal that reached a stage has exactly one outcome there:
-- entered = advanced + lost + won + in_progress. Returns the stages where that breaks.
select
    stage_id,
    deals_entered,
    deals_advanced,
    deals_lost,
    deals_won,
    deals_in_progress

from {{ ref('rpt_sales_funnel') }}
where
    deals_entered
    <> deals_advanced + deals_lost + deals_won + deals_in_progress
