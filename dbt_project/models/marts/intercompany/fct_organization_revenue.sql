-- One row per revenue line and owning organization: customer shipments (split by whose goods
-- were shipped: what an automatic inter-company transfer passed to the seller belonged to the
-- sender), commissioners' sales of our goods, our fee on a committent's goods, and the
-- inter-company sales (transfers, returns negative) which the group total eliminates.
with

shipments as (

    select * from {{ ref('fct_shipments') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

shipment_lines as (

    select * from {{ ref('stg_opapp__shipment_lines') }}

),

intercompany_documents as (

    select * from {{ ref('stg_opapp__intercompany_documents') }}

),

intercompany_lines as (

    select * from {{ ref('stg_opapp__intercompany_document_lines') }}

),

commission_documents as (

    select * from {{ ref('stg_opapp__commission_documents') }}

),

commission_lines as (

    select * from {{ ref('stg_opapp__commission_document_lines') }}

),

shipment_lines_joined_to_sellers as (

    select
        shipment_lines.shipment_line_id,
        shipment_lines.shipment_id,
        shipment_lines.product_id,
        shipment_lines.quantity,
        shipment_lines.amount,
        shipments.partner_id,
        shipments.shipped_date,
        orders.organization_id as selling_organization_id

    from shipment_lines
    inner join shipments
        on shipment_lines.shipment_id = shipments.shipment_id
    inner join orders
        on shipments.order_id = orders.order_id

),

shipped_per_product as (

    select
        shipment_id,
        product_id,
        sum(quantity) as shipped_quantity

    from shipment_lines_joined_to_sellers
    group by 1, 2

),

automatic_transfers_per_product as (

    select
        intercompany_documents.shipment_id,
        intercompany_lines.product_id,
        intercompany_documents.sender_organization_id,
        sum(intercompany_lines.quantity) as transferred_quantity

    from intercompany_lines
    inner join intercompany_documents
        on
            intercompany_lines.intercompany_document_id
            = intercompany_documents.intercompany_document_id
    where
        intercompany_documents.is_automatic
        and intercompany_documents.intercompany_kind = 'transfer'
    group by 1, 2, 3

),

shares_of_other_owners as (

    select
        lines.shipment_line_id,
        transfers.sender_organization_id as owning_organization_id,
        lines.quantity * transfers.transferred_quantity
        / shipped.shipped_quantity as owned_quantity,
        cast(
            round(
                cast(lines.amount as decimal(38, 2))
                * transfers.transferred_quantity / shipped.shipped_quantity,
                2
            )
            as decimal(18, 2)
        ) as owned_amount

    from shipment_lines_joined_to_sellers as lines
    inner join shipped_per_product as shipped
        on
            lines.shipment_id = shipped.shipment_id
            and lines.product_id = shipped.product_id
    inner join automatic_transfers_per_product as transfers
        on
            lines.shipment_id = transfers.shipment_id
            and lines.product_id = transfers.product_id

),

other_owners_per_line as (

    select
        shipment_line_id,
        sum(owned_quantity) as owned_quantity,
        sum(owned_amount) as owned_amount

    from shares_of_other_owners
    group by 1

),

share_of_the_seller as (

    select
        lines.shipment_line_id,
        lines.selling_organization_id as owning_organization_id,
        lines.quantity - coalesce(others.owned_quantity, 0) as owned_quantity,
        lines.amount - coalesce(others.owned_amount, 0) as owned_amount

    from shipment_lines_joined_to_sellers as lines
    left join other_owners_per_line as others
        on lines.shipment_line_id = others.shipment_line_id

),

shipment_owner_shares as (

    select * from shares_of_other_owners
    union all
    select * from share_of_the_seller
    where owned_quantity > 0

),

customer_shipment_rows as (

    select
        'customer_shipment' as revenue_kind,
        lines.shipment_id as document_id,
        lines.shipment_line_id as document_line_id,
        lines.selling_organization_id,
        shares.owning_organization_id,
        cast(null as bigint) as counter_organization_id,
        lines.partner_id,
        lines.product_id,
        lines.shipped_date as revenue_date,
        cast(shares.owned_quantity as decimal(18, 3)) as quantity,
        cast(shares.owned_amount as decimal(18, 2)) as revenue_amount

    from shipment_owner_shares as shares
    inner join shipment_lines_joined_to_sellers as lines
        on shares.shipment_line_id = lines.shipment_line_id

),

commission_rows as (

    select
        case commission_documents.commission_kind
            when 'commissioner_sales' then 'commissioner_sales'
            else 'committent_fee'
        end as revenue_kind,
        commission_documents.commission_document_id as document_id,
        commission_lines.commission_document_line_id as document_line_id,
        commission_documents.organization_id as selling_organization_id,
        commission_documents.organization_id as owning_organization_id,
        cast(null as bigint) as counter_organization_id,
        commission_documents.partner_id,
        commission_lines.product_id,
        cast(commission_documents.documented_at as date) as revenue_date,
        commission_lines.quantity,
        -- The committent's goods are not ours: our revenue is the fee (agency income).
        case commission_documents.commission_kind
            when 'commissioner_sales' then commission_lines.amount
            else commission_lines.fee_amount
        end as revenue_amount

    from commission_lines
    inner join commission_documents
        on
            commission_lines.commission_document_id
            = commission_documents.commission_document_id
    where commission_documents.commission_kind in ('commissioner_sales', 'committent_report')

),

intercompany_rows as (

    select
        'intercompany_' || intercompany_documents.intercompany_kind as revenue_kind,
        intercompany_documents.intercompany_document_id as document_id,
        intercompany_lines.intercompany_document_line_id as document_line_id,
        -- A return takes back the revenue of the organization that sold the goods first.
        case intercompany_documents.intercompany_kind
            when 'transfer' then intercompany_documents.sender_organization_id
            else intercompany_documents.receiver_organization_id
        end as selling_organization_id,
        case intercompany_documents.intercompany_kind
            when 'transfer' then intercompany_documents.sender_organization_id
            else intercompany_documents.receiver_organization_id
        end as owning_organization_id,
        case intercompany_documents.intercompany_kind
            when 'transfer' then intercompany_documents.receiver_organization_id
            else intercompany_documents.sender_organization_id
        end as counter_organization_id,
        cast(null as bigint) as partner_id,
        intercompany_lines.product_id,
        cast(intercompany_documents.documented_at as date) as revenue_date,
        case intercompany_documents.intercompany_kind
            when 'transfer' then intercompany_lines.quantity
            else -intercompany_lines.quantity
        end as quantity,
        case intercompany_documents.intercompany_kind
            when 'transfer' then intercompany_lines.amount
            else -intercompany_lines.amount
        end as revenue_amount

    from intercompany_lines
    inner join intercompany_documents
        on
            intercompany_lines.intercompany_document_id
            = intercompany_documents.intercompany_document_id

),

every_revenue_row as (

    select * from customer_shipment_rows
    union all
    select * from commission_rows
    union all
    select * from intercompany_rows

),

final as (

    select
        {{ generate_surrogate_key([
            'revenue_kind', 'document_line_id', 'owning_organization_id'
        ]) }} as revenue_line_id,
        revenue_kind,
        revenue_kind like 'intercompany_%' as is_intercompany,
        document_id,
        document_line_id,
        selling_organization_id,
        owning_organization_id,
        counter_organization_id,
        partner_id,
        product_id,
        revenue_date,
        cast({{ dbt.date_trunc('month', 'revenue_date') }} as date) as revenue_month,
        cast(quantity as decimal(18, 3)) as quantity,
        cast(revenue_amount as decimal(18, 2)) as revenue_amount,
        cast(
            case when revenue_kind like 'intercompany_%' then 0 else revenue_amount end
            as decimal(18, 2)
        ) as group_revenue_amount

    from every_revenue_row

)

select * from final
