with

deal_kinds as (

    select * from {{ ref('stg_opapp__deal_kinds') }}

),

final as (

    select
        deal_kind_id,
        deal_kind_name,
        has_stages

    from deal_kinds

)

select * from final
