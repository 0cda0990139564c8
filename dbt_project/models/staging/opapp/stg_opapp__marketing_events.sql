with

source as (

    select * from {{ source('opapp', 'marketing_events') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as marketing_event_id,

        -- strings and categories
        cast(name as {{ varchar_type() }}) as marketing_event_name,
        cast(kind as {{ varchar_type() }}) as marketing_event_kind,

        -- numerics
        cast(cost as decimal(18, 2)) as cost_amount,

        -- dates and timestamps
        cast(starts_on as date) as start_date,
        cast(ends_on as date) as end_date,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
