with

source as (

    select * from {{ source('opapp', 'discount_cards') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as discount_card_id,
        cast(programme_id as bigint) as loyalty_programme_id,
        cast(partner_id as bigint) as partner_id,
        cast(contact_person_id as bigint) as contact_person_id,

        -- strings and categories
        cast(number as {{ varchar_type() }}) as card_number,

        -- dates
        cast(issued_on as date) as issued_on,
        cast(blocked_on as date) as blocked_on,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
