with

claims as (

    select * from {{ ref('fct_claims') }}

),

return_requests as (

    select * from {{ ref('stg_opapp__return_requests') }}

),

return_requests_timed as (

    select
        cast({{ dbt.date_trunc('month', 'registered_at') }} as date) as registered_month,
        source = 'portal' as is_via_portal,
        {{ days_between('registered_at', 'decided_at') }} * 24 as hours_to_decision

    from return_requests

),

claims_per_month as (

    select
        registered_month,
        count(*) as claim_count,
        count(case when is_via_portal then 1 end) as portal_claim_count,
        count(case when is_via_portal then hours_to_first_response end)
            as portal_claim_answered_count,
        {{ median('case when is_via_portal then hours_to_first_response end') }}
            as portal_claim_median_hours_to_first_response,
        avg(case when is_via_portal then hours_to_first_response end)
            as portal_claim_mean_hours_to_first_response

    from claims
    group by 1

),

return_requests_per_month as (

    select
        registered_month,
        count(*) as return_request_count,
        count(case when is_via_portal then 1 end) as portal_return_request_count,
        count(case when is_via_portal then hours_to_decision end)
            as portal_return_decided_count,
        {{ median('case when is_via_portal then hours_to_decision end') }}
            as portal_return_median_hours_to_decision,
        avg(case when is_via_portal then hours_to_decision end)
            as portal_return_mean_hours_to_decision

    from return_requests_timed
    group by 1

),

months as (

    select registered_month from claims_per_month
    union
    select registered_month from return_requests_per_month

),

final as (

    select
        months.registered_month as adoption_month,
        cast(coalesce(claims_per_month.claim_count, 0) as integer) as claim_count,
        cast(coalesce(claims_per_month.portal_claim_count, 0) as integer) as portal_claim_count,
        case
            when claims_per_month.claim_count > 0
                then
                    cast(claims_per_month.portal_claim_count as {{ double_type() }})
                    / claims_per_month.claim_count
        end as portal_claim_share,
        cast(coalesce(claims_per_month.portal_claim_answered_count, 0) as integer)
            as portal_claim_answered_count,
        cast(claims_per_month.portal_claim_median_hours_to_first_response as {{ double_type() }})
            as portal_claim_median_hours_to_first_response,
        cast(claims_per_month.portal_claim_mean_hours_to_first_response as {{ double_type() }})
            as portal_claim_mean_hours_to_first_response,
        cast(coalesce(return_requests_per_month.return_request_count, 0) as integer)
            as return_request_count,
        cast(coalesce(return_requests_per_month.portal_return_request_count, 0) as integer)
            as portal_return_request_count,
        case
            when return_requests_per_month.return_request_count > 0
                then
                    cast(
                        return_requests_per_month.portal_return_request_count
                        as {{ double_type() }}
                    )
                    / return_requests_per_month.return_request_count
        end as portal_return_share,
        cast(coalesce(return_requests_per_month.portal_return_decided_count, 0) as integer)
            as portal_return_decided_count,
        cast(
            return_requests_per_month.portal_return_median_hours_to_decision as {{ double_type() }}
        ) as portal_return_median_hours_to_decision,
        cast(
            return_requests_per_month.portal_return_mean_hours_to_decision as {{ double_type() }}
        ) as portal_return_mean_hours_to_decision

    from months
    left join claims_per_month
        on months.registered_month = claims_per_month.registered_month
    left join return_requests_per_month
        on months.registered_month = return_requests_per_month.registered_month

)

select * from final
