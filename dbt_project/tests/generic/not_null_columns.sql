{#
    Fails for every row where any of the given columns is null: one model-level test in place
    of a not_null test per column (one scan, one dbt node). Each failing row gives its key
    columns and `null_columns`, the names of its null columns joined by ', '.
    key_columns defaults to the first of column_names (by convention the model's primary key).
    concat_ws skips nulls on DuckDB and PostgreSQL alike (PostgreSQL allows up to 99 columns).
#}
{% test not_null_columns(model, column_names, key_columns=none) %}

    {%- if not column_names %}
        {{ exceptions.raise_compiler_error("not_null_columns: column_names is empty") }}
    {%- endif %}
    {%- set keys = key_columns if key_columns is not none else column_names[:1] %}

    select
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        concat_ws(
            ', '
            {%- for column in column_names %},
            case when {{ column }} is null then '{{ column }}' end
            {%- endfor %}
        ) as null_columns

    from {{ model }}
    where
        {%- for column in column_names %}
        {{ "or " if not loop.first }}{{ column }} is null
        {%- endfor %}

{% endtest %}
