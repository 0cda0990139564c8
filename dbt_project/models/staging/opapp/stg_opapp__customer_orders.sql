with

source as (

    select * from {{ source('opapp', 'customer_orders') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as order_id,
        cast(organization_id as bigint) as organization_id,
        cast(partner_id as bigint) as partner_id,
        cast(counterparty_id as bigint) as counterparty_id,
        cast(agreement_id as bigint) as agreement_id,
        cast(deal_id as bigint) as deal_id,
        cast(commercial_offer_id as bigint) as commercial_offer_id,
        cast(manager_id as bigint) as manager_id,
        cast(approved_by_id as bigint) as approved_by_user_id,

        -- strings and categories
        cast(number as {{ varchar_type() }}) as order_number,
        cast(status as {{ varchar_type() }}) as status,
        cast(comment as {{ varchar_type() }}) as order_comment,

        -- booleans
        cast(requires_approval as boolean) as requires_approval,

        -- numerics
        cast(total_amount as decimal(18, 2)) as order_amount,

        -- dates and timestamps
        cast(ordered_at as timestamp) as ordered_at,
        cast(planned_shipment_date as date) as planned_shipment_date,
        cast(approved_at as timestamp) as approved_at,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
