{#
    The order statuses whose shipments and payments count in the debt figures (as 1C settles
    with customers by order): approved, to_ship, shipped, closed. A draft, an order on approval
    and a cancelled order owe nothing and have nothing overdue.
#}
{% macro debt_order_statuses() -%}
    ('approved', 'to_ship', 'shipped', 'closed')
{%- endmacro %}
