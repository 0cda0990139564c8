{#
  A column's comment (persist_docs) is its Russian label, then its description:
  "Вероятность, % — Chance of winning, percent." The label comes from the column's
  meta.label_ru (every mart column has one); a column without a label gets its description
  alone. Overrides dbt-duckdb's macro of the same name.
#}
{% macro duckdb__alter_column_comment(relation, column_dict) %}
  {% set existing_columns = adapter.get_columns_in_relation(relation) | map(attribute="name") | list %}
  {% for column_name in column_dict if (column_name in existing_columns) %}
    {% set column = column_dict[column_name] %}
    {% set comment = column_comment(column) %}
    {% set escaped_comment = duckdb_escape_comment(comment) %}
    comment on column {{ relation }}.{{ adapter.quote(column_name) if column['quote'] else column_name }} is {{ escaped_comment }};
  {% endfor %}
{% endmacro %}


{% macro column_comment(column) %}
  {%- set label = (column.get('meta') or {}).get('label_ru') -%}
  {%- set description = column.get('description') or '' -%}
  {%- if label and description -%}
    {{ return(label ~ ' — ' ~ description) }}
  {%- elif label -%}
    {{ return(label) }}
  {%- else -%}
    {{ return(description) }}
  {%- endif -%}
{% endmacro %}
