with

exchange_events as (

    select * from {{ ref('stg_gis__exchange_events') }}

),

egais_identities_registered as (

    -- ЕГАИС keys a waybill by the client Identity until it registers it, then by the WBRegId
    -- it assigned (acts, later tickets, NoAnswer); TTNInformF2Reg and tickets name both
    select
        related_document_id as identity,
        min(document_id) as registration_id

    from exchange_events
    where
        system = 'egais'
        and related_document_id is not null
        and related_document_id <> document_id
    group by 1

),

events_keyed as (

    select
        exchange_events.*,
        exchange_events.document_id as source_document_id,
        coalesce(
            egais_identities_registered.registration_id, exchange_events.document_id
        ) as document_key

    from exchange_events
    left join egais_identities_registered
        on
            exchange_events.system = 'egais'
            and exchange_events.document_id = egais_identities_registered.identity

),

events_ranked_within_statuses as (

    -- a vet document is returned by several responses (its application, getVetDocumentByUuid,
    -- withdrawVetDocument): one event per (uuid, status), the first observed
    select
        *,
        row_number() over (
            partition by system, document_key, status
            order by event_at, source_file, source_line, exchange_event_id
        ) as status_observation

    from events_keyed

),

final as (

    select
        exchange_event_id,
        system,
        document_key as document_id,
        source_document_id,
        related_document_id,
        document_type,
        direction,
        organization_inn,
        counterparty_inn,
        counterparty_gis_id,
        reference,
        status,
        status_group,
        decision,
        operation,
        error_code,
        error_message,
        event_at,
        source_file,
        source_line,
        file_sha256

    from events_ranked_within_statuses
    where
        status_observation = 1
        or not (system = 'vetis' and document_type like 'VetDocument:%')

)

select * from final
