with

partners as (

    select * from {{ ref('int_partners_joined_to_first_counterparties') }}

),

final as (

    select
        partner_id,
        partner_name,
        partner_kind,
        business_region_id,
        business_region_name,
        manager_id,
        manager_name,
        inn,
        created_at

    from partners

)

select * from final
