with

events as (

    select * from {{ ref('int_gis_events_linked_to_partners') }}

),

orders as (

    select * from {{ ref('stg_opapp__customer_orders') }}

),

events_ranked_within_documents as (

    -- a document has several events (submission, tickets, retries): the latest one gives the
    -- status; the first one (the submission) says what the document is, whom and what it is
    -- about, since tickets carry no type of their own, no counterparty and no reference
    select
        *,
        row_number() over (
            partition by system, document_id
            order by event_at desc, source_line desc, source_file desc, exchange_event_id desc
        ) as recency_rank,
        row_number() over (
            partition by system, document_id
            order by event_at asc, source_line asc, source_file asc, exchange_event_id asc
        ) as submission_rank

    from events

),

event_totals_per_document as (

    select
        system,
        document_id,
        count(*) as event_count,
        count(case when status_group = 'error' then 1 end) as error_event_count,
        count(case when status_group = 'rejected' then 1 end) as rejected_event_count,
        min(event_at) as first_event_at,
        max(event_at) as last_event_at,
        min(case when status_group = 'accepted' then event_at end) as accepted_at

    from events
    group by 1, 2

),

latest_event_per_document as (

    select * from events_ranked_within_documents
    where recency_rank = 1

),

first_event_per_document as (

    select * from events_ranked_within_documents
    where submission_rank = 1

),

documents_joined as (

    select
        latest_event_per_document.system,
        latest_event_per_document.document_id,
        first_event_per_document.document_type,
        first_event_per_document.direction,
        first_event_per_document.organization_inn,
        first_event_per_document.counterparty_inn,
        first_event_per_document.partner_id,
        first_event_per_document.reference,
        orders.order_id,
        latest_event_per_document.status as latest_status,
        latest_event_per_document.status_group as latest_status_group,
        latest_event_per_document.error_code as latest_error_code,
        event_totals_per_document.event_count,
        event_totals_per_document.error_event_count,
        event_totals_per_document.rejected_event_count,
        event_totals_per_document.first_event_at,
        event_totals_per_document.last_event_at,
        event_totals_per_document.accepted_at

    from latest_event_per_document
    inner join event_totals_per_document
        on
            latest_event_per_document.system = event_totals_per_document.system
            and latest_event_per_document.document_id = event_totals_per_document.document_id
    inner join first_event_per_document
        on
            latest_event_per_document.system = first_event_per_document.system
            and latest_event_per_document.document_id = first_event_per_document.document_id
    left join orders
        on first_event_per_document.reference = orders.order_number

),

final as (

    select
        {{ generate_surrogate_key(['system', 'document_id']) }} as gis_document_id,
        system,
        document_id,
        document_type,
        direction,
        organization_inn,
        counterparty_inn,
        partner_id,
        reference,
        order_id,
        latest_status,
        latest_status_group,
        latest_error_code,
        latest_status_group in ('processing', 'error') as is_open,
        cast(event_count as integer) as event_count,
        cast(error_event_count as integer) as error_event_count,
        cast(rejected_event_count as integer) as rejected_event_count,
        first_event_at,
        cast(first_event_at as date) as first_event_date,
        last_event_at,
        accepted_at,
        case
            when accepted_at is not null
                then {{ days_between('first_event_at', 'accepted_at') }} * 24
        end as hours_to_acceptance

    from documents_joined

)

select * from final
