with

partners as (

    select * from {{ ref('stg_opapp__partners') }}

),

counterparties as (

    select * from {{ ref('stg_opapp__counterparties') }}

),

business_regions as (

    select * from {{ ref('stg_opapp__business_regions') }}

),

managers as (

    select
        user_id as manager_id,
        full_name as manager_name

    from {{ ref('stg_opapp__users') }}

),

counterparties_ranked_within_partners as (

    select
        partner_id,
        inn,
        row_number() over (
            partition by partner_id
            order by created_at, counterparty_id
        ) as counterparty_rank

    from counterparties

),

first_counterparties as (

    select
        partner_id,
        inn

    from counterparties_ranked_within_partners
    where counterparty_rank = 1

),

partners_joined as (

    select
        partners.partner_id,
        partners.partner_name,
        partners.partner_kind,
        partners.business_region_id,
        business_regions.business_region_name,
        partners.manager_id,
        managers.manager_name,
        first_counterparties.inn,
        partners.created_at

    from partners
    left join business_regions
        on partners.business_region_id = business_regions.business_region_id
    left join managers
        on partners.manager_id = managers.manager_id
    left join first_counterparties
        on partners.partner_id = first_counterparties.partner_id

)

select * from partners_joined
