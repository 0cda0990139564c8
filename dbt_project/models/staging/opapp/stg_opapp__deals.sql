with

source as (

    select * from {{ source('opapp', 'deals') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as deal_id,
        cast(partner_id as bigint) as partner_id,
        cast(deal_kind_id as bigint) as deal_kind_id,
        cast(manager_id as bigint) as manager_id,
        cast(current_stage_id as bigint) as current_stage_id,
        cast(loss_reason_id as bigint) as loss_reason_id,
        cast(marketing_event_id as bigint) as marketing_event_id,

        -- strings and categories
        cast(number as {{ varchar_type() }}) as deal_number,
        cast(name as {{ varchar_type() }}) as deal_name,
        cast(status as {{ varchar_type() }}) as status,
        cast(loss_comment as {{ varchar_type() }}) as loss_comment,

        -- numerics
        cast(potential_amount as decimal(18, 2)) as potential_amount,
        cast(probability as integer) as probability,

        -- dates and timestamps
        cast(planned_close_date as date) as planned_close_date,
        cast(closed_at as timestamp) as closed_at,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
