{#
    dbt's relationships test for every foreign key of a mart in one model-level test (one dbt
    node instead of one per key): a row fails for each key whose non-null value is missing from
    the model it refers to. `keys` lists {column, to: "ref('model')", field}; dbt renders the
    refs and makes the referred models the test's parents, as relationships does.
#}
{% test foreign_keys(model, keys) %}

    {%- if not keys %}
        {{ exceptions.raise_compiler_error("foreign_keys: keys is empty") }}
    {%- endif %}

    {%- for key in keys %}
    {{ "union all" if not loop.first }}
    select
        '{{ key.column }}' as key_column,
        cast(child.{{ key.column }} as {{ dbt.type_string() }}) as missing_value,
        count(*) as failing_rows
    from {{ model }} as child
    left join {{ key.to }} as parent
        on child.{{ key.column }} = parent.{{ key.field }}
    where child.{{ key.column }} is not null and parent.{{ key.field }} is null
    group by child.{{ key.column }}
    {%- endfor %}

{% endtest %}
