with

warehouses as (

    select * from {{ ref('stg_opapp__warehouses') }}

),

regions as (

    select * from {{ ref('dim_business_regions') }}

),

final as (

    select
        warehouses.warehouse_id,
        warehouses.warehouse_name,
        warehouses.business_region_id,
        regions.business_region_name

    from warehouses
    left join regions
        on warehouses.business_region_id = regions.business_region_id

)

select * from final
