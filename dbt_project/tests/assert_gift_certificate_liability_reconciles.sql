-- The certificate liability is one number on every page: the last day's outstanding_liability
-- of rpt_retail_gift_certificate_liability equals the sum of the certificates' outstanding
-- amounts, and each certificate's balance is sold − redeemed − breakage.
with

liability_days as (

    select * from {{ ref('rpt_retail_gift_certificate_liability') }}

),

certificates as (

    select * from {{ ref('fct_retail_gift_certificates') }}

),

last_day as (

    select coalesce(max(movement_date), cast('1900-01-01' as date)) as movement_date
    from liability_days

),

daily_total as (

    select coalesce(sum(liability_days.outstanding_liability), 0) as amount
    from liability_days
    inner join last_day
        on liability_days.movement_date = last_day.movement_date

),

certificate_total as (

    select coalesce(sum(outstanding_amount), 0) as amount
    from certificates

),

unbalanced_certificates as (

    select certificate_number
    from certificates
    where outstanding_amount <> sold_amount - redeemed_amount - breakage_amount

)

select
    'total' as grain,
    cast(daily_total.amount - certificate_total.amount as {{ varchar_type() }}) as difference
from daily_total
cross join certificate_total
where daily_total.amount <> certificate_total.amount

union all

select
    'certificate' as grain,
    certificate_number as difference
from unbalanced_certificates
