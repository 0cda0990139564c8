-- The ageing buckets split the overdue debt: per partner, the buckets of rpt_debt_ageing add up
-- to sum(fct_orders.overdue_amount). Returns the partners where they differ.
with

overdue_per_partner as (

    select
        partner_id,
        sum(overdue_amount) as overdue_amount

    from {{ ref('fct_orders') }}
    group by 1
    having sum(overdue_amount) <> 0

),

aged_per_partner as (

    select
        partner_id,
        sum(overdue_amount) as aged_amount

    from {{ ref('rpt_debt_ageing') }}
    group by 1

),

compared as (

    select
        coalesce(overdue_per_partner.partner_id, aged_per_partner.partner_id) as partner_id,
        coalesce(overdue_per_partner.overdue_amount, 0) as overdue_amount,
        coalesce(aged_per_partner.aged_amount, 0) as aged_amount

    from overdue_per_partner
    full outer join aged_per_partner
        on overdue_per_partner.partner_id = aged_per_partner.partner_id

)

select * from compared
where overdue_amount <> aged_amount
