-- Commission per organization and partner: goods handed to a commissioner (or received from a
-- committent), what was sold and for how much, the commission fee, write-offs, the goods still
-- held, and the settlement: a commissioner owes us the sales less its fee (receivable); we owe
-- a committent the sales less our fee (payable), less what was paid.
with

documents as (

    select * from {{ ref('stg_opapp__commission_documents') }}

),

lines as (

    select * from {{ ref('stg_opapp__commission_document_lines') }}

),

movements as (

    select * from {{ ref('stg_opapp__stock_movements') }}

),

lines_joined_to_documents as (

    select
        documents.organization_id,
        documents.partner_id,
        documents.commission_kind,
        case
            when
                documents.commission_kind in (
                    'from_committent', 'committent_report', 'committent_payment'
                )
                then 'committent'
            else 'commissioner'
        end as partner_role,
        lines.quantity,
        lines.amount,
        lines.fee_amount

    from lines
    inner join documents
        on lines.commission_document_id = documents.commission_document_id

),

document_totals as (

    select
        organization_id,
        partner_id,
        partner_role,
        sum(
            case
                when commission_kind in ('to_commissioner', 'from_committent') then quantity
                else 0
            end
        ) as quantity_handed_over,
        sum(
            case
                when commission_kind in ('to_commissioner', 'from_committent') then amount
                else 0
            end
        ) as handed_over_amount,
        sum(
            case
                when commission_kind in ('commissioner_sales', 'committent_report') then quantity
                else 0
            end
        ) as quantity_sold,
        sum(
            case
                when commission_kind in ('commissioner_sales', 'committent_report') then amount
                else 0
            end
        ) as sales_amount,
        sum(fee_amount) as fee_amount,
        sum(
            case when commission_kind = 'commissioner_writeoff' then quantity else 0 end
        ) as quantity_written_off,
        sum(
            case when commission_kind = 'commissioner_writeoff' then amount else 0 end
        ) as written_off_amount

    from lines_joined_to_documents
    group by 1, 2, 3

),

payments as (

    select
        organization_id,
        partner_id,
        case commission_kind
            when 'commissioner_payment' then 'commissioner'
            else 'committent'
        end as partner_role,
        sum(total_amount) as paid_amount

    from documents
    where commission_kind in ('commissioner_payment', 'committent_payment')
    group by 1, 2, 3

),

partner_roles as (

    select
        organization_id,
        partner_id,
        partner_role
    from document_totals
    union
    select
        organization_id,
        partner_id,
        partner_role
    from payments

),

held_at_commissioners as (

    select
        organization_id,
        commissioner_id as partner_id,
        'commissioner' as partner_role,
        sum(quantity) as quantity_held

    from movements
    where holder_kind = 'commissioner'
    group by 1, 2, 3

),

held_for_committents as (

    select
        organization_id,
        committent_id as partner_id,
        'committent' as partner_role,
        sum(quantity) as quantity_held

    from movements
    where committent_id is not null
    group by 1, 2, 3

),

held as (

    select * from held_at_commissioners
    union all
    select * from held_for_committents

),

partners_joined as (

    select
        partner_roles.organization_id,
        partner_roles.partner_id,
        partner_roles.partner_role,
        coalesce(document_totals.quantity_handed_over, 0) as quantity_handed_over,
        coalesce(document_totals.handed_over_amount, 0) as handed_over_amount,
        coalesce(document_totals.quantity_sold, 0) as quantity_sold,
        coalesce(document_totals.sales_amount, 0) as sales_amount,
        coalesce(document_totals.fee_amount, 0) as fee_amount,
        coalesce(document_totals.quantity_written_off, 0) as quantity_written_off,
        coalesce(document_totals.written_off_amount, 0) as written_off_amount,
        coalesce(held.quantity_held, 0) as quantity_held,
        coalesce(payments.paid_amount, 0) as paid_amount

    from partner_roles
    left join document_totals
        on
            partner_roles.organization_id = document_totals.organization_id
            and partner_roles.partner_id = document_totals.partner_id
            and partner_roles.partner_role = document_totals.partner_role
    left join payments
        on
            partner_roles.organization_id = payments.organization_id
            and partner_roles.partner_id = payments.partner_id
            and partner_roles.partner_role = payments.partner_role
    left join held
        on
            partner_roles.organization_id = held.organization_id
            and partner_roles.partner_id = held.partner_id
            and partner_roles.partner_role = held.partner_role

),

final as (

    select
        {{ generate_surrogate_key([
            'organization_id', 'partner_id', 'partner_role'
        ]) }} as commission_partner_id,
        organization_id,
        partner_id,
        partner_role,
        cast(quantity_handed_over as decimal(18, 3)) as quantity_handed_over,
        cast(handed_over_amount as decimal(18, 2)) as handed_over_amount,
        cast(quantity_sold as decimal(18, 3)) as quantity_sold,
        cast(sales_amount as decimal(18, 2)) as sales_amount,
        cast(fee_amount as decimal(18, 2)) as fee_amount,
        cast(quantity_written_off as decimal(18, 3)) as quantity_written_off,
        cast(written_off_amount as decimal(18, 2)) as written_off_amount,
        cast(quantity_held as decimal(18, 3)) as quantity_held,
        cast(paid_amount as decimal(18, 2)) as paid_amount,
        cast(
            case
                when partner_role = 'commissioner'
                    then sales_amount - fee_amount - paid_amount
                else 0
            end
            as decimal(18, 2)
        ) as receivable_amount,
        cast(
            case
                when partner_role = 'committent'
                    then sales_amount - fee_amount - paid_amount
                else 0
            end
            as decimal(18, 2)
        ) as payable_amount

    from partners_joined

)

select * from final
