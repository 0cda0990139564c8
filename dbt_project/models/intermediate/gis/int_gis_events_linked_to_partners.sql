with

exchange_events as (

    select * from {{ ref('int_gis_events_keyed_to_documents') }}

),

counterparties as (

    select * from {{ ref('stg_opapp__counterparties') }}

),

counterparties_ranked_within_inns as (

    -- A branch shares its head office's ИНН (own КПП), so one ИНН can have several
    -- counterparties; the earliest created one decides the partner.
    select
        inn,
        counterparty_id,
        partner_id,
        row_number() over (
            partition by inn
            order by created_at, counterparty_id
        ) as inn_rank

    from counterparties

),

first_counterparties_per_inn as (

    select
        inn,
        counterparty_id,
        partner_id

    from counterparties_ranked_within_inns
    where inn_rank = 1

),

events_linked as (

    select
        exchange_events.exchange_event_id,
        exchange_events.system,
        exchange_events.document_id,
        exchange_events.source_document_id,
        exchange_events.document_type,
        exchange_events.direction,
        exchange_events.organization_inn,
        exchange_events.counterparty_inn,
        exchange_events.counterparty_gis_id,
        first_counterparties_per_inn.counterparty_id,
        first_counterparties_per_inn.partner_id,
        first_counterparties_per_inn.partner_id is not null as is_linked_to_partner,
        exchange_events.reference,
        exchange_events.status,
        exchange_events.status_group,
        exchange_events.decision,
        exchange_events.operation,
        exchange_events.error_code,
        exchange_events.error_message,
        exchange_events.event_at,
        exchange_events.source_file,
        exchange_events.source_line,
        exchange_events.file_sha256

    from exchange_events
    left join first_counterparties_per_inn
        on exchange_events.counterparty_inn = first_counterparties_per_inn.inn

)

select * from events_linked
