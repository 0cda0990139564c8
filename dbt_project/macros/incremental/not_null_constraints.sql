{#
    Post-hook of the incremental marts. An enforced contract's constraints are written only
    when dbt creates the table (first build or --full-refresh); an incremental run inserts into
    the table an earlier build created. A column given a not_null constraint since then gets it
    here, once: ALTER checks the rows already stored (the run fails on a null, like a not_null
    test would) and from then on every insert is checked. No statement when nothing is missing.
#}
{% macro add_missing_not_null_constraints() -%}
    {%- if execute and model.config.materialized == 'incremental' -%}
        {%- set constrained = [] -%}
        {%- for column in model['columns'].values() -%}
            {%- for constraint in column.get('constraints', []) if constraint['type'] == 'not_null' -%}
                {%- do constrained.append(column['name']) -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- if constrained -%}
            {%- set nullable = run_query(
                "select column_name from information_schema.columns"
                ~ " where table_catalog = '" ~ this.database ~ "'"
                ~ " and table_schema = '" ~ this.schema ~ "'"
                ~ " and table_name = '" ~ this.identifier ~ "'"
                ~ " and is_nullable = 'YES'"
            ).columns[0].values() -%}
            {%- for column in constrained if column in nullable %}
            alter table {{ this }} alter column {{ column }} set not null;
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
