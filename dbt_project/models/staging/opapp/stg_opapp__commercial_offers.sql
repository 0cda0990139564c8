with

source as (

    select * from {{ source('opapp', 'commercial_offers') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as commercial_offer_id,
        cast(partner_id as bigint) as partner_id,
        cast(agreement_id as bigint) as agreement_id,
        cast(deal_id as bigint) as deal_id,
        cast(organization_id as bigint) as organization_id,
        cast(manager_id as bigint) as manager_id,

        -- strings and categories
        cast(number as {{ varchar_type() }}) as commercial_offer_number,
        cast(status as {{ varchar_type() }}) as status,
        cast(comment as {{ varchar_type() }}) as commercial_offer_comment,

        -- numerics
        cast(total_amount as decimal(18, 2)) as offer_amount,

        -- dates and timestamps
        cast(offered_at as timestamp) as offered_at,
        cast(valid_until as date) as valid_until,
        cast(decided_at as timestamp) as decided_at,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
