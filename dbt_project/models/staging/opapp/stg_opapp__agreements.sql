with

source as (

    select * from {{ source('opapp', 'agreements') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as agreement_id,
        cast(partner_id as bigint) as partner_id,
        cast(organization_id as bigint) as organization_id,

        -- strings and categories
        cast(number as {{ varchar_type() }}) as agreement_number,
        cast(name as {{ varchar_type() }}) as agreement_name,
        cast(kind as {{ varchar_type() }}) as agreement_kind,
        cast(price_type as {{ varchar_type() }}) as price_type,
        cast(settlement_control as {{ varchar_type() }}) as settlement_control,

        -- numerics
        cast(discount_percent as decimal(5, 2)) as discount_percent,
        cast(max_manual_discount_percent as decimal(5, 2)) as max_manual_discount_percent,
        cast(prepayment_share as decimal(5, 2)) as prepayment_share,
        cast(deferral_days as integer) as deferral_days,

        -- dates and timestamps
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
