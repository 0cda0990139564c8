with

counterparties as (

    select * from {{ ref('stg_opapp__counterparties') }}
    where legal_form = 'legal_entity'

),

partners as (

    select * from {{ ref('dim_partners') }}

),

registry_changes as (

    select * from {{ ref('stg_opapp__counterparty_registry_changes') }}

),

open_deals as (

    select * from {{ ref('fct_deals') }}
    where is_open

),

orders as (

    select * from {{ ref('fct_orders') }}

),

status_changes_ranked as (

    select
        counterparty_id,
        new_value as registry_status,
        detected_at as status_changed_at,
        row_number() over (
            partition by counterparty_id
            order by detected_at desc, registry_change_id desc
        ) as recency_rank
    from registry_changes
    where changed_field = 'status'

),

latest_status_per_counterparty as (

    select
        counterparty_id,
        registry_status,
        status_changed_at
    from status_changes_ranked
    where recency_rank = 1

),

other_changes_per_counterparty as (

    select
        counterparty_id,
        count(*) as registry_change_count,
        max(detected_at) as last_registry_change_at
    from registry_changes
    where changed_field != 'status'
    group by 1

),

open_deals_per_partner as (

    select
        partner_id,
        count(*) as open_deal_count
    from open_deals
    group by 1

),

orders_per_partner as (

    select
        partner_id,
        count(*) filter (
            where status not in ('closed', 'cancelled')
        ) as open_order_count,
        sum(debt_amount) as debt_amount
    from orders
    group by 1

),

counterparties_joined_to_statuses as (

    select
        counterparties.counterparty_id,
        counterparties.partner_id,
        partners.partner_name,
        partners.partner_kind,
        counterparties.inn,
        counterparties.kpp,
        counterparties.legal_name,
        coalesce(
            latest_status_per_counterparty.registry_status, 'active'
        ) as registry_status,
        latest_status_per_counterparty.status_changed_at,
        coalesce(
            other_changes_per_counterparty.registry_change_count, 0
        ) as registry_change_count,
        other_changes_per_counterparty.last_registry_change_at,
        coalesce(open_deals_per_partner.open_deal_count, 0) as open_deal_count,
        coalesce(orders_per_partner.open_order_count, 0) as open_order_count,
        coalesce(orders_per_partner.debt_amount, 0) as debt_amount
    from counterparties
    left join partners
        on counterparties.partner_id = partners.partner_id
    left join latest_status_per_counterparty
        on counterparties.counterparty_id = latest_status_per_counterparty.counterparty_id
    left join other_changes_per_counterparty
        on counterparties.counterparty_id = other_changes_per_counterparty.counterparty_id
    left join open_deals_per_partner
        on counterparties.partner_id = open_deals_per_partner.partner_id
    left join orders_per_partner
        on counterparties.partner_id = orders_per_partner.partner_id

),

final as (

    select
        counterparty_id,
        partner_id,
        partner_name,
        partner_kind,
        inn,
        kpp,
        legal_name,
        registry_status,
        status_changed_at,
        registry_change_count,
        last_registry_change_at,
        open_deal_count,
        open_order_count,
        cast(debt_amount as decimal(18, 2)) as debt_amount,
        registry_status = 'active' as is_registry_active,
        partner_kind = 'customer'
        and registry_status != 'active'
        and (open_deal_count > 0 or open_order_count > 0 or debt_amount > 0)
            as is_customer_at_risk
    from counterparties_joined_to_statuses

)

select * from final
