with

claim_reasons as (

    select * from {{ ref('stg_opapp__claim_reasons') }}

),

reasons_joined_to_parents as (

    select
        claim_reasons.claim_reason_id,
        claim_reasons.claim_reason_name,
        claim_reasons.parent_claim_reason_id,
        parents.claim_reason_name as parent_claim_reason_name,
        -- the reporting group: the parent, or the reason itself when it has none
        coalesce(parents.claim_reason_id, claim_reasons.claim_reason_id)
            as group_claim_reason_id,
        coalesce(parents.claim_reason_name, claim_reasons.claim_reason_name)
            as group_claim_reason_name,
        claim_reasons.parent_claim_reason_id is null as is_top_level

    from claim_reasons
    left join claim_reasons as parents
        on claim_reasons.parent_claim_reason_id = parents.claim_reason_id

)

select * from reasons_joined_to_parents
