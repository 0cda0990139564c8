with

source as (

    select * from {{ source('opapp', 'counterparty_registry_changes') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as registry_change_id,
        cast(counterparty_id as bigint) as counterparty_id,

        -- strings and categories
        cast(field as {{ varchar_type() }}) as changed_field,
        cast(old_value as {{ varchar_type() }}) as old_value,
        cast(new_value as {{ varchar_type() }}) as new_value,
        cast(source as {{ varchar_type() }}) as registry_source,

        -- timestamps and row metadata
        cast(detected_at as timestamp) as detected_at,
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at

    from source

)

select * from renamed
