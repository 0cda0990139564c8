with

claims as (

    select * from {{ ref('stg_opapp__claims') }}

),

claim_reasons as (

    select * from {{ ref('dim_claim_reasons') }}

),

partners as (

    select * from {{ ref('dim_partners') }}

),

claims_joined as (

    select
        claims.claim_id,
        claims.claim_number,
        claims.claim_reason_id,
        claim_reasons.claim_reason_name,
        claim_reasons.group_claim_reason_id as parent_claim_reason_id,
        claim_reasons.group_claim_reason_name as parent_claim_reason_name,
        claims.partner_id,
        partners.partner_name,
        partners.manager_id,
        partners.business_region_id,
        claims.responsible_user_id,
        claims.source,
        claims.order_id,
        claims.shipment_id,
        claims.claimed_amount,
        claims.status,
        claims.result,
        claims.registered_at,
        claims.resolved_at,
        claims.first_response_at

    from claims
    left join claim_reasons
        on claims.claim_reason_id = claim_reasons.claim_reason_id
    left join partners
        on claims.partner_id = partners.partner_id

),

final as (

    select
        claim_id,
        claim_number,
        claim_reason_id,
        claim_reason_name,
        parent_claim_reason_id,
        parent_claim_reason_name,
        partner_id,
        partner_name,
        manager_id,
        business_region_id,
        responsible_user_id,
        source,
        order_id,
        shipment_id,
        cast(claimed_amount as decimal(18, 2)) as claimed_amount,
        status,
        result,
        status = 'resolved' as is_resolved,
        case when status = 'resolved' then result = 'satisfied' end as is_satisfied,
        registered_at,
        cast(registered_at as date) as registered_date,
        cast({{ dbt.date_trunc('month', 'registered_at') }} as date) as registered_month,
        -- a resolved_at left on a reopened claim is not a resolution
        case when status = 'resolved' then resolved_at end as resolved_at,
        case when status = 'resolved' then cast(resolved_at as date) end as resolved_date,
        case
            when status = 'resolved'
                then cast({{ dbt.date_trunc('month', 'resolved_at') }} as date)
        end as resolved_month,
        case
            when status = 'resolved'
                then {{ days_between('registered_at', 'resolved_at') }}
        end as days_to_resolve,
        source = 'portal' as is_via_portal,
        first_response_at,
        {{ days_between('registered_at', 'first_response_at') }} * 24
            as hours_to_first_response

    from claims_joined

)

select * from final
