{#
    One model-level test for a model's column rules (staging, intermediate and marts alike):
    required columns (not_null), keys (unique: a non-null value that occurs more than once) and
    accepted values (a non-null value outside the list). dbt spends tens of milliseconds per
    test node whatever its SQL, and Dagster records each test as an asset check: a test per
    column and rule made most of the project's nodes, this is one node and one scan per model.
    Marts declare their required columns as not_null constraints of their contract instead.
    Each failing row returns the key columns and `failures`, its broken rules joined by '; '
    (e.g. `partner_id is null; status = 'lost2' is not accepted`).
    key_columns defaults to the first unique column, else the first required one.
    Only case, concat_ws, count(*) over and cast: DuckDB, PostgreSQL and Spark run it alike.
#}
{% test column_checks(model, not_null=[], unique=[], accepted_values={}, key_columns=none) %}

    {%- if not (not_null or unique or accepted_values) %}
        {{ exceptions.raise_compiler_error("column_checks: no rule is given") }}
    {%- endif %}
    {%- set keys = key_columns if key_columns is not none else (unique or not_null)[:1] %}

    with checked as (

        select
            {%- for key in keys %}
            {{ key }},
            {%- endfor %}
            concat_ws(
                '; '
                {%- for column in not_null %},
                case when {{ column }} is null then '{{ column }} is null' end
                {%- endfor %}
                {%- for column in unique %},
                case
                    when {{ column }} is not null
                        and count(*) over (partition by {{ column }}) > 1
                        then '{{ column }} repeats'
                end
                {%- endfor %}
                {%- for column, values in accepted_values.items() %},
                case
                    when {{ column }} is not null and cast({{ column }} as {{ dbt.type_string() }}) not in (
                        {%- for value in values %}
                        '{{ value }}'{{ "," if not loop.last }}
                        {%- endfor %}
                    )
                        then concat('{{ column }} = ''', cast({{ column }} as {{ dbt.type_string() }}), ''' is not accepted')
                end
                {%- endfor %}
            ) as failures

        from {{ model }}

    )

    select * from checked
    where failures <> ''

{% endtest %}
