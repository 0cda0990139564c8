-- fct_deals keeps exactly one row per live deal from staging (no fan-out, no drops in joins).
with

staged as (

    select count(*) as deals_count from {{ ref('stg_opapp__deals') }}

),

mart as (

    select count(*) as deals_count from {{ ref('fct_deals') }}

)

select
    staged.deals_count as staged_deals,
    mart.deals_count as mart_deals

from staged
cross join mart
where staged.deals_count <> mart.deals_count
