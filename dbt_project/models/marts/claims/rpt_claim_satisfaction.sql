with

claims as (

    select * from {{ ref('fct_claims') }}
    -- the period is the month of resolution: only resolved claims count
    where is_resolved

),

claims_per_grain as (

    select
        resolved_month,
        claim_reason_id,
        claim_reason_name,
        parent_claim_reason_id,
        parent_claim_reason_name,
        partner_id,
        partner_name,
        manager_id,
        source,
        count(*) as claims_resolved,
        count(case when is_satisfied then 1 end) as claims_satisfied,
        sum(claimed_amount) as claimed_amount,
        sum(case when is_satisfied then claimed_amount else 0 end) as satisfied_claimed_amount,
        avg(days_to_resolve) as mean_days_to_resolve,
        {{ median('days_to_resolve') }} as median_days_to_resolve

    from claims
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9

),

final as (

    select
        {{ generate_surrogate_key([
            'resolved_month',
            'claim_reason_id',
            'partner_id',
            'manager_id',
            'source',
        ]) }} as claim_satisfaction_id,
        resolved_month,
        claim_reason_id,
        claim_reason_name,
        parent_claim_reason_id,
        parent_claim_reason_name,
        partner_id,
        partner_name,
        manager_id,
        source,
        cast(claims_resolved as integer) as claims_resolved,
        cast(claims_satisfied as integer) as claims_satisfied,
        cast(claims_satisfied as {{ double_type() }}) / claims_resolved as satisfied_share,
        cast(claimed_amount as decimal(18, 2)) as claimed_amount,
        cast(satisfied_claimed_amount as decimal(18, 2)) as satisfied_claimed_amount,
        cast(mean_days_to_resolve as {{ double_type() }}) as mean_days_to_resolve,
        cast(median_days_to_resolve as {{ double_type() }}) as median_days_to_resolve

    from claims_per_grain

)

select * from final
