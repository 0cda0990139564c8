-- Inter-company balances net to zero across each pair: for every organization, counter
-- organization and month in fct_intercompany_settlements, the mirror row exists and the two
-- closing balances (and the month's net amounts) add up to zero. Returns the rows that break.
with

settlements as (

    select * from {{ ref('fct_intercompany_settlements') }}

),

pairs as (

    select
        settlements.organization_id,
        settlements.counter_organization_id,
        settlements.settlement_month,
        settlements.closing_balance,
        settlements.net_amount,
        mirror.closing_balance as mirror_closing_balance,
        mirror.net_amount as mirror_net_amount

    from settlements
    left join settlements as mirror
        on
            settlements.organization_id = mirror.counter_organization_id
            and settlements.counter_organization_id = mirror.organization_id
            and settlements.settlement_month = mirror.settlement_month

)

select * from pairs
where
    mirror_closing_balance is null
    or closing_balance + mirror_closing_balance <> 0
    or net_amount + mirror_net_amount <> 0
