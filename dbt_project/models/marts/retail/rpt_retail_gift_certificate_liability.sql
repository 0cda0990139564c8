{#
    The gift certificate liability day by day, on the days something moved up to the as-of:
    sold, redeemed and expired (breakage) that day, and the outstanding liability at the day's
    end (everything sold less everything redeemed and expired up to then). The liability as of
    a date is the row of the last day on or before it.
#}
with

movements as (

    select * from {{ ref('int_retail_gift_certificate_movements') }}

),

amounts_per_day as (

    select
        movement_date,
        sum(case when movement_kind in ('sale', 'sale_return') then amount else 0 end)
            as sold_amount,
        -sum(
            case when movement_kind in ('redemption', 'redemption_return') then amount else 0 end
        ) as redeemed_amount,
        -sum(case when movement_kind = 'expiry' then amount else 0 end) as breakage_amount,
        count(case when movement_kind = 'sale' then 1 end) as certificates_sold,
        count(case when movement_kind = 'expiry' then 1 end) as certificates_expired,
        sum(amount) as net_change

    from movements
    group by 1

),

final as (

    select
        movement_date,
        cast(sold_amount as decimal(18, 2)) as sold_amount,
        cast(redeemed_amount as decimal(18, 2)) as redeemed_amount,
        cast(breakage_amount as decimal(18, 2)) as breakage_amount,
        cast(certificates_sold as integer) as certificates_sold,
        cast(certificates_expired as integer) as certificates_expired,
        cast(
            sum(net_change) over (
                order by movement_date rows between unbounded preceding and current row
            ) as decimal(18, 2)
        ) as outstanding_liability

    from amounts_per_day

)

select * from final
