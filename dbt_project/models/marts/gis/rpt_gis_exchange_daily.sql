{#
    Documents by the day of their first event (submission day) and their latest status group,
    per system and document type, with the day's rejection, error and open shares over all
    documents of that system, type and day.
#}
with

documents as (

    select * from {{ ref('fct_gis_documents') }}

),

documents_per_status_group as (

    select
        system,
        document_type,
        first_event_date,
        latest_status_group,
        count(*) as documents,
        avg(hours_to_acceptance) as mean_hours_to_acceptance

    from documents
    group by 1, 2, 3, 4

),

documents_per_day as (

    select
        system,
        document_type,
        first_event_date,
        count(*) as documents_in_day,
        count(case when latest_status_group = 'rejected' then 1 end) as documents_rejected,
        count(case when latest_status_group = 'error' then 1 end) as documents_in_error,
        count(case when is_open then 1 end) as documents_open

    from documents
    group by 1, 2, 3

),

status_groups_joined_to_days as (

    select
        documents_per_status_group.system,
        documents_per_status_group.document_type,
        documents_per_status_group.first_event_date,
        documents_per_status_group.latest_status_group,
        documents_per_status_group.documents,
        documents_per_status_group.mean_hours_to_acceptance,
        documents_per_day.documents_in_day,
        documents_per_day.documents_rejected,
        documents_per_day.documents_in_error,
        documents_per_day.documents_open

    from documents_per_status_group
    inner join documents_per_day
        on
            documents_per_status_group.system = documents_per_day.system
            and documents_per_status_group.document_type = documents_per_day.document_type
            and documents_per_status_group.first_event_date = documents_per_day.first_event_date

),

final as (

    select
        {{ generate_surrogate_key([
            'system', 'document_type', 'first_event_date', 'latest_status_group',
        ]) }} as gis_exchange_daily_id,
        system,
        document_type,
        first_event_date as exchange_date,
        latest_status_group as status_group,
        cast(documents as integer) as documents,
        cast(documents_in_day as integer) as documents_in_day,
        cast(documents_rejected as {{ double_type() }}) / documents_in_day as rejection_rate,
        cast(documents_in_error as {{ double_type() }}) / documents_in_day as error_rate,
        cast(documents_open as integer) as open_backlog_documents,
        cast(mean_hours_to_acceptance as {{ double_type() }}) as mean_hours_to_acceptance

    from status_groups_joined_to_days

)

select * from final
