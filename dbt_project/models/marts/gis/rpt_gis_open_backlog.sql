with

lifecycles as (

    select * from {{ ref('fct_gis_document_lifecycles') }}
    where is_open

),

open_documents_per_counterparty as (

    select
        organization_inn,
        coalesce(counterparty_inn, counterparty_gis_id) as counterparty_key,
        system,
        document_kind,
        lifecycle_state,
        pending_with,
        max(partner_id) as partner_id,
        count(*) as open_documents,
        min(opened_at) as oldest_opened_at,
        max(days_open) as max_days_open,
        sum(days_open) as total_days_open

    from lifecycles
    group by 1, 2, 3, 4, 5, 6

),

final as (

    select
        {{ generate_surrogate_key([
            'organization_inn', 'counterparty_key', 'system', 'document_kind',
            'lifecycle_state', 'pending_with',
        ]) }} as gis_open_backlog_id,
        organization_inn,
        counterparty_key,
        partner_id,
        system,
        document_kind,
        lifecycle_state,
        pending_with,
        cast(open_documents as integer) as open_documents,
        oldest_opened_at,
        cast(max_days_open as integer) as max_days_open,
        cast(total_days_open as bigint) as total_days_open

    from open_documents_per_counterparty

)

select * from final
