with

source as (

    select * from {{ source('opapp', 'claim_tasks') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as claim_task_id,
        cast(claim_id as bigint) as claim_id,
        cast(responsible_id as bigint) as responsible_user_id,

        -- strings and categories
        cast(title as {{ varchar_type() }}) as task_title,
        cast(status as {{ varchar_type() }}) as task_status,

        -- dates and timestamps
        cast(due_date as date) as due_date,
        cast(done_at as timestamp) as done_at,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
