-- Остатки по организациям и хранителям: what each organization owns (or holds for a
-- committent) and where it sits, from the ownership ledger; zero positions are left out.
with

movements as (

    select * from {{ ref('stg_opapp__stock_movements') }}

),

products as (

    select * from {{ ref('dim_products') }}

),

positions as (

    select
        organization_id,
        committent_id,
        holder_kind,
        warehouse_id,
        commissioner_id,
        product_id,
        sum(quantity) as quantity,
        max(moved_at) as last_moved_at

    from movements
    group by 1, 2, 3, 4, 5, 6

),

positions_joined_to_products as (

    select
        positions.*,
        products.cost_price

    from positions
    left join products
        on positions.product_id = products.product_id
    where positions.quantity <> 0

),

final as (

    select
        {{ generate_surrogate_key([
            'organization_id', 'committent_id', 'holder_kind', 'warehouse_id',
            'commissioner_id', 'product_id'
        ]) }} as stock_position_id,
        organization_id,
        committent_id,
        committent_id is not null as is_committent_goods,
        holder_kind,
        warehouse_id,
        commissioner_id,
        product_id,
        cast(quantity as decimal(18, 3)) as quantity,
        cast(quantity * coalesce(cost_price, 0) as decimal(18, 2)) as cost_value,
        last_moved_at

    from positions_joined_to_products

)

select * from final
