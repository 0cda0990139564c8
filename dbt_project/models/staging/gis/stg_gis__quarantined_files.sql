with

source as (

    select * from {{ source('gis', 'quarantine') }}

),

renamed as (

    select
        -- ids
        cast(file_sha256 as {{ varchar_type() }}) as file_sha256,
        cast(run_id as {{ varchar_type() }}) as run_id,

        -- strings and categories
        cast(system as {{ varchar_type() }}) as system,
        cast(source_file as {{ varchar_type() }}) as source_file,
        cast(reason as {{ varchar_type() }}) as quarantine_reason,

        -- timestamps
        cast(quarantined_at as timestamp) as quarantined_at

    from source

)

select * from renamed
