with

source as (

    select * from {{ source('opapp', 'sales_plans') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as sales_plan_id,
        cast(manager_id as bigint) as manager_id,
        cast(business_region_id as bigint) as business_region_id,
        cast(deal_kind_id as bigint) as deal_kind_id,

        -- numerics
        cast(planned_amount as decimal(18, 2)) as planned_amount,
        cast(planned_won_deals as integer) as planned_won_deals,

        -- dates
        cast(period_month as date) as period_month,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
