with

source as (

    select * from {{ source('opapp', 'deal_stage_history') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as deal_stage_history_id,
        cast(deal_id as bigint) as deal_id,
        cast(stage_id as bigint) as stage_id,
        cast(user_id as bigint) as user_id,

        -- booleans
        cast(was_skipped as boolean) as was_skipped,

        -- timestamps
        cast(entered_at as timestamp) as entered_at,
        cast(left_at as timestamp) as left_at,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
