{#
    One row per customer with a purchase: lifetime revenue, first and last purchase, days since
    the last purchase as of var('as_of'), and the customer's classes in the as-of month.
#}
with

shipments as (

    select * from {{ ref('fct_shipments') }}
    where
        partner_id is not null
        and shipped_date <= cast({{ as_of_timestamp() }} as date)

),

partners as (

    select * from {{ ref('dim_partners') }}

),

customer_classes as (

    select * from {{ ref('rpt_customer_abc_xyz') }}
    -- the classes of the as-of month
    where class_month = cast({{ dbt.date_trunc('month', as_of_timestamp()) }} as date)

),

purchases_per_partner as (

    select
        partner_id,
        min(shipped_date) as first_purchase_date,
        max(shipped_date) as last_purchase_date,
        count(*) as shipment_count,
        count(distinct order_id) as order_count,
        sum(shipped_amount) as lifetime_revenue_amount

    from shipments
    group by 1

),

purchases_joined_to_partners_and_classes as (

    select
        purchases_per_partner.partner_id,
        partners.partner_name,
        partners.business_region_id,
        partners.business_region_name,
        partners.manager_id,
        partners.manager_name,
        purchases_per_partner.first_purchase_date,
        purchases_per_partner.last_purchase_date,
        purchases_per_partner.shipment_count,
        purchases_per_partner.order_count,
        purchases_per_partner.lifetime_revenue_amount,
        {{ dbt.datediff(
            'purchases_per_partner.last_purchase_date',
            'cast(' ~ as_of_timestamp() ~ ' as date)',
            'day'
        ) }} as days_since_last_purchase,
        customer_classes.abc_class,
        customer_classes.xyz_class

    from purchases_per_partner
    left join partners
        on purchases_per_partner.partner_id = partners.partner_id
    left join customer_classes
        on purchases_per_partner.partner_id = customer_classes.partner_id

),

final as (

    select
        partner_id,
        partner_name,
        business_region_id,
        business_region_name,
        manager_id,
        manager_name,
        first_purchase_date,
        last_purchase_date,
        cast(shipment_count as integer) as shipment_count,
        cast(order_count as integer) as order_count,
        cast(lifetime_revenue_amount as decimal(18, 2)) as lifetime_revenue_amount,
        cast(days_since_last_purchase as integer) as days_since_last_purchase,
        days_since_last_purchase >= {{ var('customer_lost_after_days') }} as is_lost,
        abc_class,
        xyz_class

    from purchases_joined_to_partners_and_classes

)

select * from final
