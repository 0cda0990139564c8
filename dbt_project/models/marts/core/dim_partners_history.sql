with

partner_versions as (

    select * from {{ ref('partners_snapshot') }}

),

regions as (

    select * from {{ ref('dim_business_regions') }}

),

managers as (

    select * from {{ ref('dim_managers') }}

),

versions_joined as (

    select
        partner_versions.partner_id,
        partner_versions.partner_name,
        partner_versions.partner_kind,
        partner_versions.business_region_id,
        regions.business_region_name,
        partner_versions.manager_id,
        managers.manager_name,
        partner_versions.dbt_valid_from as valid_from,
        partner_versions.dbt_valid_to as valid_to

    from partner_versions
    left join regions
        on partner_versions.business_region_id = regions.business_region_id
    left join managers
        on partner_versions.manager_id = managers.manager_id

),

final as (

    select
        {{ generate_surrogate_key(['partner_id', 'valid_from']) }} as partner_version_id,
        partner_id,
        partner_name,
        partner_kind,
        business_region_id,
        business_region_name,
        manager_id,
        manager_name,
        cast(valid_from as timestamp) as valid_from,
        cast(valid_to as timestamp) as valid_to,
        valid_to is null as is_current

    from versions_joined

)

select * from final
