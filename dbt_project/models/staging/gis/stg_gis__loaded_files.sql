with

source as (

    select * from {{ source('gis', 'loaded_files') }}

),

renamed as (

    select
        -- ids
        cast(file_sha256 as {{ varchar_type() }}) as file_sha256,
        cast(run_id as {{ varchar_type() }}) as run_id,

        -- strings and categories
        cast(system as {{ varchar_type() }}) as system,
        cast(source_file as {{ varchar_type() }}) as source_file,

        -- numerics
        cast(event_count as integer) as event_count,

        -- timestamps
        cast(loaded_at as timestamp) as loaded_at

    from source

)

select * from renamed
