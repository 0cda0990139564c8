with

source as (

    select * from {{ source('opapp', 'interactions') }}
    -- soft-deleted rows never reach the warehouse models
    where deleted_at is null

),

renamed as (

    select
        -- ids
        cast(id as bigint) as interaction_id,
        cast(partner_id as bigint) as partner_id,
        cast(contact_person_id as bigint) as contact_person_id,
        cast(interaction_topic_id as bigint) as interaction_topic_id,
        cast(deal_id as bigint) as deal_id,
        cast(claim_id as bigint) as claim_id,
        cast(marketing_event_id as bigint) as marketing_event_id,
        cast(responsible_id as bigint) as responsible_user_id,

        -- strings and categories
        cast(kind as {{ varchar_type() }}) as interaction_kind,
        cast(direction as {{ varchar_type() }}) as direction,
        cast(subject_type as {{ varchar_type() }}) as subject_type,
        cast(summary as {{ varchar_type() }}) as summary,
        cast(description as {{ varchar_type() }}) as description,
        cast(status as {{ varchar_type() }}) as status,

        -- booleans
        cast(is_reviewed as boolean) as is_reviewed,

        -- dates and timestamps
        cast(planned_at as timestamp) as planned_at,
        cast(done_at as timestamp) as done_at,

        -- row metadata
        cast(created_at as timestamp) as created_at,
        cast(updated_at as timestamp) as updated_at,
        cast(version as integer) as row_version

    from source

)

select * from renamed
