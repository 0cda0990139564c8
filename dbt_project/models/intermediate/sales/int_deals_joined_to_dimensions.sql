with

deals as (

    select * from {{ ref('stg_opapp__deals') }}

),

partners as (

    select * from {{ ref('int_partners_joined_to_first_counterparties') }}

),

deal_kinds as (

    select * from {{ ref('stg_opapp__deal_kinds') }}

),

managers as (

    select
        user_id as manager_id,
        full_name as manager_name

    from {{ ref('stg_opapp__users') }}

),

sales_stages as (

    select * from {{ ref('stg_opapp__sales_stages') }}

),

loss_reasons as (

    select * from {{ ref('stg_opapp__loss_reasons') }}

),

deal_stage_totals as (

    select * from {{ ref('int_deal_stages_aggregated_to_deals') }}

),

deals_joined as (

    select
        deals.deal_id,
        deals.deal_number,
        deals.deal_name,
        deals.partner_id,
        partners.partner_name,
        deals.deal_kind_id,
        deal_kinds.deal_kind_name,
        deal_kinds.has_stages,
        deals.manager_id,
        managers.manager_name,
        -- the deal's region is its partner's region
        partners.business_region_id,
        partners.business_region_name,
        deals.status,
        deals.current_stage_id,
        sales_stages.stage_name as current_stage_name,
        sales_stages.stage_sequence as current_stage_sequence,
        deals.loss_reason_id,
        loss_reasons.loss_reason_name,
        deals.potential_amount,
        deals.probability,
        deals.planned_close_date,
        deals.created_at,
        deals.closed_at,
        coalesce(deal_stage_totals.stages_reached, 0) as stages_reached,
        deal_stage_totals.furthest_stage_sequence,
        -- when the deal or its stage history last changed in the source
        greatest(
            deals.updated_at,
            coalesce(deal_stage_totals.history_updated_at, deals.updated_at)
        ) as source_updated_at

    from deals
    left join partners
        on deals.partner_id = partners.partner_id
    left join deal_kinds
        on deals.deal_kind_id = deal_kinds.deal_kind_id
    left join managers
        on deals.manager_id = managers.manager_id
    left join sales_stages
        on deals.current_stage_id = sales_stages.stage_id
    left join loss_reasons
        on deals.loss_reason_id = loss_reasons.loss_reason_id
    left join deal_stage_totals
        on deals.deal_id = deal_stage_totals.deal_id

)

select * from deals_joined
