with

events as (

    select * from {{ ref('stg_gis__exchange_events') }}
    where error_code is not null

),

events_per_error_code as (

    select
        system,
        error_code,
        count(*) as error_events,
        count(distinct document_id) as documents_affected,
        min(event_at) as first_seen_at,
        max(event_at) as last_seen_at

    from events
    group by 1, 2

),

final as (

    select
        {{ generate_surrogate_key(['system', 'error_code']) }} as gis_error_code_id,
        system,
        error_code,
        cast(error_events as integer) as error_events,
        cast(documents_affected as integer) as documents_affected,
        cast(
            rank() over (
                partition by system
                order by error_events desc, documents_affected desc
            ) as integer
        ) as rank_in_system,
        first_seen_at,
        last_seen_at

    from events_per_error_code

)

select * from final
