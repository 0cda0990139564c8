with

source as (

    select * from {{ source('gis', 'exchange_events') }}

),

renamed as (

    select
        -- ids
        {{ generate_surrogate_key([
            'file_sha256', 'source_line', 'document_id', 'document_type', 'status', 'event_at',
        ]) }} as exchange_event_id,
        cast(document_id as {{ varchar_type() }}) as document_id,
        cast(related_document_id as {{ varchar_type() }}) as related_document_id,
        cast(file_sha256 as {{ varchar_type() }}) as file_sha256,

        -- strings and categories
        cast(system as {{ varchar_type() }}) as system,
        cast(document_type as {{ varchar_type() }}) as document_type,
        cast(direction as {{ varchar_type() }}) as direction,
        cast(organization_inn as {{ varchar_type() }}) as organization_inn,
        cast(counterparty_inn as {{ varchar_type() }}) as counterparty_inn,
        cast(counterparty_gis_id as {{ varchar_type() }}) as counterparty_gis_id,
        cast(reference as {{ varchar_type() }}) as reference,
        cast(status as {{ varchar_type() }}) as status,
        cast(status_group as {{ varchar_type() }}) as status_group,
        cast(decision as {{ varchar_type() }}) as decision,
        cast(operation as {{ varchar_type() }}) as operation,
        cast(error_code as {{ varchar_type() }}) as error_code,
        cast(error_message as {{ varchar_type() }}) as error_message,
        cast(source_file as {{ varchar_type() }}) as source_file,

        -- numerics
        cast(source_line as integer) as source_line,

        -- timestamps
        cast(event_at as timestamp) as event_at

    from source

)

select * from renamed
