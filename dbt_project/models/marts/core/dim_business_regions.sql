with

business_regions as (

    select * from {{ ref('stg_opapp__business_regions') }}

),

final as (

    select
        business_region_id,
        business_region_name

    from business_regions

)

select * from final
