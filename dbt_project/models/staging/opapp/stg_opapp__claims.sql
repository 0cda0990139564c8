with

source as (

    select * from {{ source('opapp', 'claims') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as claim_id,
        cast(partner_id as bigint) as partner_id,
        cast(claim_reason_id as bigint) as claim_reason_id,
        cast(customer_order_id as bigint) as order_id,
        cast(shipment_id as bigint) as shipment_id,
        cast(responsible_id as bigint) as responsible_user_id,
        cast(registered_by_id as bigint) as registered_by_user_id,

        -- strings and categories
        cast(number as {{ varchar_type() }}) as claim_number,
        cast(source as {{ varchar_type() }}) as source,
        cast(description as {{ varchar_type() }}) as description,
        cast(status as {{ varchar_type() }}) as status,
        cast(result as {{ varchar_type() }}) as result,
        cast(resolution_comment as {{ varchar_type() }}) as resolution_comment,

        -- numerics
        cast(claimed_amount as decimal(18, 2)) as claimed_amount,

        -- dates and timestamps
        cast(registered_at as timestamp) as registered_at,
        cast(resolved_at as timestamp) as resolved_at,
        cast(first_response_at as timestamp) as first_response_at,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
