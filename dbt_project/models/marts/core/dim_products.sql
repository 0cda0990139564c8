with

products as (

    select * from {{ ref('stg_opapp__products') }}

),

final as (

    select
        product_id,
        sku,
        product_name,
        unit,
        gis_system,
        base_price,
        cost_price

    from products

)

select * from final
