-- Commission per organization and partner: goods handed to a commissioner (or received from a
-- committent), what was sold and for how much, the commission fee, write-offs, the goods still
-- held, and the settlement: a commissioner owes us the sales less its fee (receivable); we owe
-- a committent the sales less our fee (payable). Payments are not recorded yet.
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
            when documents.commission_kind in ('from_committent', 'committent_report')
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

final as (

    select
        {{ generate_surrogate_key([
            'document_totals.organization_id', 'document_totals.partner_id',
            'document_totals.partner_role'
        ]) }} as commission_partner_id,
        document_totals.organization_id,
        document_totals.partner_id,
        document_totals.partner_role,
        cast(document_totals.quantity_handed_over as decimal(18, 3)) as quantity_handed_over,
        cast(document_totals.handed_over_amount as decimal(18, 2)) as handed_over_amount,
        cast(document_totals.quantity_sold as decimal(18, 3)) as quantity_sold,
        cast(document_totals.sales_amount as decimal(18, 2)) as sales_amount,
        cast(document_totals.fee_amount as decimal(18, 2)) as fee_amount,
        cast(document_totals.quantity_written_off as decimal(18, 3)) as quantity_written_off,
        cast(document_totals.written_off_amount as decimal(18, 2)) as written_off_amount,
        cast(coalesce(held.quantity_held, 0) as decimal(18, 3)) as quantity_held,
        cast(
            case
                when document_totals.partner_role = 'commissioner'
                    then document_totals.sales_amount - document_totals.fee_amount
                else 0
            end
            as decimal(18, 2)
        ) as receivable_amount,
        cast(
            case
                when document_totals.partner_role = 'committent'
                    then document_totals.sales_amount - document_totals.fee_amount
                else 0
            end
            as decimal(18, 2)
        ) as payable_amount

    from document_totals
    left join held
        on
            document_totals.organization_id = held.organization_id
            and document_totals.partner_id = held.partner_id
            and document_totals.partner_role = held.partner_role

)

select * from final
