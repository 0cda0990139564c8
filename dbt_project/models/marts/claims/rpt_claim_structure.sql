with

claims as (

    select * from {{ ref('fct_claims') }}

),

claims_per_reason_and_month as (

    select
        registered_month,
        claim_reason_id,
        claim_reason_name,
        parent_claim_reason_id,
        parent_claim_reason_name,
        count(*) as claims_registered,
        sum(claimed_amount) as claimed_amount

    from claims
    group by 1, 2, 3, 4, 5

),

claims_per_month as (

    select
        registered_month,
        count(*) as claims_in_month

    from claims
    group by 1

),

claims_per_parent_and_month as (

    select
        registered_month,
        parent_claim_reason_id,
        count(*) as parent_claims_registered

    from claims
    group by 1, 2

),

reasons_joined_to_totals as (

    select
        current_month.registered_month,
        current_month.claim_reason_id,
        current_month.claim_reason_name,
        current_month.parent_claim_reason_id,
        current_month.parent_claim_reason_name,
        current_month.claims_registered,
        current_month.claimed_amount,
        claims_per_month.claims_in_month,
        claims_per_parent_and_month.parent_claims_registered,
        coalesce(previous_month.claims_registered, 0) as claims_registered_previous_month

    from claims_per_reason_and_month as current_month
    inner join claims_per_month
        on current_month.registered_month = claims_per_month.registered_month
    inner join claims_per_parent_and_month
        on
            current_month.registered_month = claims_per_parent_and_month.registered_month
            and coalesce(current_month.parent_claim_reason_id, -1)
            = coalesce(claims_per_parent_and_month.parent_claim_reason_id, -1)
    left join claims_per_reason_and_month as previous_month
        on
            coalesce(current_month.claim_reason_id, -1)
            = coalesce(previous_month.claim_reason_id, -1)
            and previous_month.registered_month
            = cast({{ dbt.dateadd('month', -1, 'current_month.registered_month') }} as date)

),

final as (

    select
        {{ generate_surrogate_key(['registered_month', 'claim_reason_id']) }}
            as claim_structure_id,
        registered_month,
        claim_reason_id,
        claim_reason_name,
        parent_claim_reason_id,
        parent_claim_reason_name,
        cast(claims_registered as integer) as claims_registered,
        cast(claims_in_month as integer) as claims_in_month,
        cast(claims_registered as {{ double_type() }}) / claims_in_month as share_of_month,
        cast(parent_claims_registered as integer) as parent_claims_registered,
        cast(parent_claims_registered as {{ double_type() }}) / claims_in_month
            as parent_share_of_month,
        cast(claims_registered_previous_month as integer) as claims_registered_previous_month,
        cast(claims_registered - claims_registered_previous_month as integer)
            as change_from_previous_month,
        cast(claimed_amount as decimal(18, 2)) as claimed_amount

    from reasons_joined_to_totals

)

select * from final
