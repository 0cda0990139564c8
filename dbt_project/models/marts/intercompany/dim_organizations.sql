with

organizations as (

    select * from {{ ref('stg_opapp__organizations') }}

),

final as (

    select
        organization_id,
        organization_name,
        inn

    from organizations

)

select * from final
