with

source as (

    select * from {{ source('gis', 'gismt_marking_codes') }}

),

renamed as (

    select
        -- ids
        cast(document_id as {{ varchar_type() }}) as gis_document_id,
        cast(cis as {{ varchar_type() }}) as marking_code,
        cast(gtin as {{ varchar_type() }}) as gtin,
        cast(file_sha256 as {{ varchar_type() }}) as file_sha256,

        -- strings and categories
        cast(document_type as {{ varchar_type() }}) as document_type,
        cast(status as {{ varchar_type() }}) as status,
        cast(status_group as {{ varchar_type() }}) as status_group,
        cast(organization_inn as {{ varchar_type() }}) as organization_inn,
        cast(action as {{ varchar_type() }}) as withdrawal_reason,
        cast(primary_document_type as {{ varchar_type() }}) as primary_document_type,
        cast(primary_document_number as {{ varchar_type() }}) as primary_document_number,
        cast(source_file as {{ varchar_type() }}) as source_file,
        cast(source_line as integer) as source_line,

        -- numerics (kopecks to rubles)
        cast(product_cost as decimal(18, 2)) / 100 as product_cost,

        -- dates
        cast(action_date as date) as action_date,
        cast(primary_document_date as date) as primary_document_date

    from source

)

select * from renamed
