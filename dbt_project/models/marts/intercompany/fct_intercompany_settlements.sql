-- Взаиморасчёты между организациями: per organization, counter organization and month, the
-- goods it sent to the other (transfers and returns alike give the sender a claim) and received
-- from it at transfer prices, and the balance at the month's end (+ the other owes it).
-- Each document appears from both sides, so the balances of a pair net to zero.
with

documents as (

    select * from {{ ref('stg_opapp__intercompany_documents') }}

),

sender_side as (

    select
        sender_organization_id as organization_id,
        receiver_organization_id as counter_organization_id,
        cast({{ dbt.date_trunc('month', 'documented_at') }} as date) as settlement_month,
        total_amount as sent_amount,
        cast(0 as decimal(18, 2)) as received_amount

    from documents

),

receiver_side as (

    select
        receiver_organization_id as organization_id,
        sender_organization_id as counter_organization_id,
        cast({{ dbt.date_trunc('month', 'documented_at') }} as date) as settlement_month,
        cast(0 as decimal(18, 2)) as sent_amount,
        total_amount as received_amount

    from documents

),

both_sides as (

    select * from sender_side
    union all
    select * from receiver_side

),

per_pair_and_month as (

    select
        organization_id,
        counter_organization_id,
        settlement_month,
        count(*) as document_count,
        sum(sent_amount) as sent_amount,
        sum(received_amount) as received_amount

    from both_sides
    group by 1, 2, 3

),

final as (

    select
        {{ generate_surrogate_key([
            'organization_id', 'counter_organization_id', 'settlement_month'
        ]) }} as intercompany_settlement_id,
        organization_id,
        counter_organization_id,
        settlement_month,
        cast(document_count as integer) as document_count,
        cast(sent_amount as decimal(18, 2)) as sent_amount,
        cast(received_amount as decimal(18, 2)) as received_amount,
        cast(sent_amount - received_amount as decimal(18, 2)) as net_amount,
        cast(
            sum(sent_amount - received_amount)
                over (
                    partition by organization_id, counter_organization_id
                    order by settlement_month
                    rows between unbounded preceding and current row
                )
            as decimal(18, 2)
        ) as closing_balance

    from per_pair_and_month

)

select * from final
