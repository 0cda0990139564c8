-- Revenue per organization and month: as the seller (inter-company sales included), of which
-- inter-company, the external rest, and external revenue by whose goods were sold (the owner).
-- Summed over organizations, external_revenue is the group revenue with inter-company sales
-- eliminated, and so is revenue_as_owner.
with

revenue_lines as (

    select * from {{ ref('fct_organization_revenue') }}

),

as_seller as (

    select
        selling_organization_id as organization_id,
        revenue_month,
        sum(revenue_amount) as revenue_as_seller,
        sum(case when is_intercompany then revenue_amount else 0 end) as intercompany_revenue,
        cast(0 as decimal(18, 2)) as revenue_as_owner

    from revenue_lines
    group by 1, 2

),

as_owner as (

    select
        owning_organization_id as organization_id,
        revenue_month,
        cast(0 as decimal(18, 2)) as revenue_as_seller,
        cast(0 as decimal(18, 2)) as intercompany_revenue,
        sum(revenue_amount) as revenue_as_owner

    from revenue_lines
    where not is_intercompany
    group by 1, 2

),

both_views as (

    select * from as_seller
    union all
    select * from as_owner

),

per_organization_and_month as (

    select
        organization_id,
        revenue_month,
        sum(revenue_as_seller) as revenue_as_seller,
        sum(intercompany_revenue) as intercompany_revenue,
        sum(revenue_as_owner) as revenue_as_owner

    from both_views
    group by 1, 2

),

final as (

    select
        {{ generate_surrogate_key(['organization_id', 'revenue_month']) }}
            as organization_revenue_id,
        organization_id,
        revenue_month,
        cast(revenue_as_seller as decimal(18, 2)) as revenue_as_seller,
        cast(intercompany_revenue as decimal(18, 2)) as intercompany_revenue,
        cast(revenue_as_seller - intercompany_revenue as decimal(18, 2)) as external_revenue,
        cast(revenue_as_owner as decimal(18, 2)) as revenue_as_owner

    from per_organization_and_month

)

select * from final
