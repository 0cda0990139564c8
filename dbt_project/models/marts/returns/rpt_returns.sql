with

return_lines as (

    select * from {{ ref('fct_returns') }}

),

-- a request counts once, on its first line, so request counts add up over products
first_lines as (

    select
        return_request_id,
        min(line_number) as first_line_number

    from return_lines
    group by 1

),

return_lines_flagged as (

    select
        return_lines.*,
        return_lines.line_number = first_lines.first_line_number as is_first_line

    from return_lines
    inner join first_lines
        on return_lines.return_request_id = first_lines.return_request_id

),

returns_per_reason_product_partner_and_month as (

    select
        registered_month,
        return_reason_id,
        return_reason_name,
        product_id,
        product_name,
        partner_id,
        partner_name,
        business_region_id,
        count(case when is_first_line then 1 end) as return_request_count,
        count(case when is_first_line and is_via_portal then 1 end)
            as portal_return_request_count,
        count(case when is_first_line and is_received then 1 end)
            as received_return_request_count,
        count(*) as return_line_count,
        sum(quantity) as requested_quantity,
        sum(amount) as requested_amount,
        sum(case when status = 'rejected' then quantity else 0 end) as rejected_quantity,
        sum(case when status = 'rejected' then amount else 0 end) as rejected_amount,
        sum(received_quantity) as received_quantity,
        sum(received_amount) as received_amount

    from return_lines_flagged
    group by 1, 2, 3, 4, 5, 6, 7, 8

),

final as (

    select
        {{ generate_surrogate_key(['registered_month', 'return_reason_id', 'product_id',
            'partner_id']) }} as returns_report_id,
        registered_month as return_month,
        return_reason_id,
        return_reason_name,
        product_id,
        product_name,
        partner_id,
        partner_name,
        business_region_id,
        cast(return_request_count as integer) as return_request_count,
        cast(portal_return_request_count as integer) as portal_return_request_count,
        cast(received_return_request_count as integer) as received_return_request_count,
        cast(return_line_count as integer) as return_line_count,
        cast(requested_quantity as decimal(18, 3)) as requested_quantity,
        cast(requested_amount as decimal(18, 2)) as requested_amount,
        cast(rejected_quantity as decimal(18, 3)) as rejected_quantity,
        cast(rejected_amount as decimal(18, 2)) as rejected_amount,
        cast(received_quantity as decimal(18, 3)) as received_quantity,
        cast(received_amount as decimal(18, 2)) as received_amount,
        case
            when requested_amount > 0
                then
                    cast(received_amount as {{ double_type() }})
                    / cast(requested_amount as {{ double_type() }})
        end as received_share

    from returns_per_reason_product_partner_and_month

)

select * from final
