with

source as (

    select * from {{ source('opapp', 'return_requests') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as return_request_id,
        cast(partner_id as bigint) as partner_id,
        cast(customer_order_id as bigint) as order_id,
        cast(return_reason_id as bigint) as return_reason_id,
        cast(registered_by_id as bigint) as registered_by_user_id,
        cast(decided_by_id as bigint) as decided_by_user_id,

        -- strings and categories
        cast(number as {{ varchar_type() }}) as return_number,
        cast(source as {{ varchar_type() }}) as source,
        cast(status as {{ varchar_type() }}) as status,
        cast(comment as {{ varchar_type() }}) as comment,
        cast(decision_comment as {{ varchar_type() }}) as decision_comment,

        -- numerics
        cast(total_amount as decimal(18, 2)) as total_amount,

        -- dates and timestamps
        cast(registered_at as timestamp) as registered_at,
        cast(decided_at as timestamp) as decided_at,
        cast(received_at as timestamp) as received_at,
        cast(first_response_at as timestamp) as first_response_at,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
