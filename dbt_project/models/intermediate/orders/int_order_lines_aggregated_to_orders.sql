with

order_lines as (

    select * from {{ ref('stg_opapp__customer_order_lines') }}

),

line_totals_per_order as (

    select
        order_id,
        count(*) as line_count,
        sum(quantity) as ordered_quantity,
        sum(reserved_quantity) as reserved_quantity,
        sum(shipped_quantity) as shipped_quantity,
        sum(amount) as lines_amount,
        min(case when shipped_quantity >= quantity then 1 else 0 end) as all_lines_shipped

    from order_lines
    group by 1

)

select * from line_totals_per_order
