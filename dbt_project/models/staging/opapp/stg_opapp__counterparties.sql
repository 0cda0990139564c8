with

source as (

    select * from {{ source('opapp', 'counterparties') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as counterparty_id,
        cast(partner_id as bigint) as partner_id,

        -- strings and categories
        cast(legal_form as {{ varchar_type() }}) as legal_form,
        cast(inn as {{ varchar_type() }}) as inn,
        cast(kpp as {{ varchar_type() }}) as kpp,
        cast(legal_name as {{ varchar_type() }}) as legal_name,
        cast(legal_address as {{ varchar_type() }}) as legal_address,
        cast(phone as {{ varchar_type() }}) as phone,

        -- timestamps and row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
