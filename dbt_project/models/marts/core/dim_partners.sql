with

partners as (

    select * from {{ ref('int_partners_joined_to_first_counterparties') }}

),

role_links as (

    select * from {{ ref('stg_opapp__partner_role_links') }}

),

roles as (

    select * from {{ ref('stg_opapp__partner_roles') }}

),

-- Industry (Отрасль) is a partner role named "Отрасль: <industry>" (what the importers
-- create from a sector column); a partner with several takes the first name in order.
industries as (

    select
        role_links.partner_id,
        min(substr(roles.partner_role_name, 10)) as industry

    from role_links
    inner join roles
        on role_links.partner_role_id = roles.partner_role_id
    where roles.partner_role_name like 'Отрасль: %'
    group by 1

),

final as (

    select
        partners.partner_id,
        partners.partner_name,
        partners.partner_kind,
        partners.business_region_id,
        partners.business_region_name,
        partners.manager_id,
        partners.manager_name,
        partners.inn,
        industries.industry,
        partners.created_at

    from partners
    left join industries
        on partners.partner_id = industries.partner_id

)

select * from final
