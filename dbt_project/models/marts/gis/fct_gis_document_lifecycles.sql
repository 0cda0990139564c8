with

events as (

    select * from {{ ref('int_gis_events_linked_to_partners') }}

),

events_described as (

    select
        *,
        -- how much an event says about the document's parties: a waybill, its registration
        -- or a NoAnswer entry names them; an act only its author; a ticket nobody
        case
            when document_type in ('WayBill_v4', 'TTNInformF2Reg') then 1
            when document_type = 'ReplyNoAnswerTTN' then 2
            when document_type = 'WayBillAct_v4' then 3
            else 4
        end as party_rank,
        document_type like 'Ticket:WayBillAct%'
        or (document_type like 'Ticket:%' and operation is not null) as is_act_ticket,
        -- ЕГАИС's answer to a submitted waybill: registered (Accepted) or refused
        document_type like 'Ticket:WayBill%'
        and document_type not like 'Ticket:WayBillAct%'
        and operation is null as is_waybill_ticket

    from events

),

events_ranked_within_documents as (

    select
        *,
        row_number() over (
            partition by system, document_id
            order by party_rank, event_at, source_file, source_line, exchange_event_id
        ) as description_rank,
        row_number() over (
            partition by system, document_id
            order by event_at desc, source_line desc, source_file desc, exchange_event_id desc
        ) as recency_rank

    from events_described

),

last_acts as (

    select
        system,
        document_id,
        decision as act_decision,
        status as act_status,
        event_at as act_at,
        row_number() over (
            partition by system, document_id
            order by event_at desc, source_file desc, source_line desc
        ) as act_recency

    from events_described
    where document_type = 'WayBillAct_v4'

),

last_act_per_document as (

    select * from last_acts
    where act_recency = 1

),

act_tickets_ranked as (

    -- the system's answer to the latest act: a ticket on an act, or a Confirm of the waybill,
    -- observed on or after the act (ActDate is a date: midnight of the act's day)
    select
        events_described.system,
        events_described.document_id,
        events_described.status_group as act_ticket_group,
        events_described.event_at as act_ticket_at,
        row_number() over (
            partition by events_described.system, events_described.document_id
            order by events_described.event_at desc, events_described.source_line desc
        ) as ticket_recency

    from events_described
    inner join last_act_per_document
        on
            events_described.system = last_act_per_document.system
            and events_described.document_id = last_act_per_document.document_id
    where
        events_described.is_act_ticket
        and events_described.event_at >= last_act_per_document.act_at

),

act_ticket_per_document as (

    select * from act_tickets_ranked
    where ticket_recency = 1

),

event_totals_per_document as (

    select
        system,
        document_id,
        count(*) as event_count,
        min(event_at) as opened_at,
        max(event_at) as last_event_at,
        max(case when document_type = 'ReplyNoAnswerTTN' then event_at end) as no_answer_at,
        max(
            case
                when is_waybill_ticket and status_group = 'rejected' then event_at
            end
        ) as registration_refused_at,
        max(
            case
                when
                    document_type = 'TTNInformF2Reg'
                    or (is_waybill_ticket and status_group = 'accepted') then event_at
            end
        ) as registered_at

    from events_described
    group by 1, 2

),

documents_joined as (

    select
        described.system,
        described.document_id,
        case
            when described.system = 'egais' then 'waybill'
            when described.system = 'gismt' then 'gismt_document'
            when latest.document_type like 'VetDocument:%' then 'vet_document'
            else 'vetis_application'
        end as document_kind,
        described.direction,
        described.organization_inn,
        described.counterparty_inn,
        described.counterparty_gis_id,
        described.partner_id,
        described.reference,
        latest.status as latest_status,
        latest.status_group as latest_status_group,
        latest.event_at as latest_event_at,
        last_act_per_document.act_decision,
        last_act_per_document.act_status,
        last_act_per_document.act_at,
        act_ticket_per_document.act_ticket_group,
        act_ticket_per_document.act_ticket_at,
        event_totals_per_document.event_count,
        event_totals_per_document.opened_at,
        event_totals_per_document.last_event_at,
        event_totals_per_document.no_answer_at,
        event_totals_per_document.registration_refused_at,
        event_totals_per_document.registered_at

    from events_ranked_within_documents as described
    inner join events_ranked_within_documents as latest
        on
            described.system = latest.system
            and described.document_id = latest.document_id
            and latest.recency_rank = 1
    inner join event_totals_per_document
        on
            described.system = event_totals_per_document.system
            and described.document_id = event_totals_per_document.document_id
    left join last_act_per_document
        on
            described.system = last_act_per_document.system
            and described.document_id = last_act_per_document.document_id
    left join act_ticket_per_document
        on
            described.system = act_ticket_per_document.system
            and described.document_id = act_ticket_per_document.document_id
    where described.description_rank = 1

),

states_decided as (

    -- ЕГАИС: our act (Sent) waits for the system's ticket; the counterparty's act (Received)
    -- reached us registered, and its discrepancy act waits for our answer
    select
        *,
        case
            when act_status = 'Sent' and act_ticket_group = 'accepted' and act_decision = 'Accepted'
                then 'accepted'
            when
                act_status = 'Sent' and act_ticket_group = 'accepted'
                and act_decision = 'Differences'
                then 'accepted_with_differences'
            when act_status = 'Sent' and act_ticket_group = 'accepted' then 'refused'
            when act_status = 'Sent' and act_ticket_group is not null then 'act_rejected'
            when act_status = 'Sent' then 'awaiting_ticket'
            when act_decision = 'Accepted' then 'accepted'
            when act_decision = 'Rejected' then 'refused'
            when act_decision = 'Differences' and act_ticket_group = 'accepted'
                then 'accepted_with_differences'
            when act_decision = 'Differences' then 'differences_to_confirm'
            when
                registration_refused_at is not null
                and (registered_at is null or registered_at < registration_refused_at)
                then 'registration_rejected'
            when no_answer_at is not null then 'no_answer'
            else 'awaiting_act'
        end as waybill_state,
        case
            when latest_status in ('UTILIZED', 'FINALIZED') then 'utilised'
            when latest_status = 'WITHDRAWN' then 'withdrawn'
            else 'issued'
        end as vet_document_state

    from documents_joined

),

states_chosen as (

    select
        *,
        case
            when document_kind = 'waybill' then waybill_state
            when document_kind = 'vet_document' then vet_document_state
            else latest_status_group
        end as lifecycle_state

    from states_decided

),

states_classified as (

    select
        *,
        lifecycle_state in (
            'awaiting_act', 'awaiting_ticket', 'act_rejected', 'no_answer',
            'registration_rejected', 'differences_to_confirm', 'issued', 'processing', 'error'
        ) as is_open,
        case
            when lifecycle_state in (
                'act_rejected', 'no_answer', 'registration_rejected', 'differences_to_confirm',
                'error'
            ) then 'us'
            when lifecycle_state in ('awaiting_act', 'issued') and direction = 'inbound'
                then 'us'
            when lifecycle_state in ('awaiting_act', 'issued') then 'counterparty'
            when lifecycle_state in ('awaiting_ticket', 'processing') then 'system'
        end as pending_with,
        case
            when
                lifecycle_state in ('accepted', 'accepted_with_differences', 'refused')
                and system = 'egais'
                then coalesce(act_ticket_at, act_at)
            when lifecycle_state in (
                'utilised', 'withdrawn', 'accepted', 'rejected'
            ) then latest_event_at
        end as closed_at

    from states_chosen

),

final as (

    select
        {{ generate_surrogate_key(['system', 'document_id']) }} as gis_document_id,
        system,
        document_id,
        document_kind,
        direction,
        organization_inn,
        counterparty_inn,
        counterparty_gis_id,
        partner_id,
        reference,
        act_decision,
        latest_status,
        lifecycle_state,
        is_open,
        pending_with,
        cast(event_count as integer) as event_count,
        opened_at,
        cast(opened_at as date) as opened_date,
        closed_at,
        last_event_at,
        case
            when closed_at is not null then {{ days_between('opened_at', 'closed_at') }}
        end as days_to_close,
        -- whole days, so two builds of one day agree (the portability test compares them)
        case
            when is_open
                then cast({{ dbt.datediff(
                    'cast(opened_at as date)', 'cast(' ~ as_of_timestamp() ~ ' as date)', 'day'
                ) }} as integer)
        end as days_open

    from states_classified

)

select * from final
