{#
    Incremental deal models (fct_deals, fct_deal_stages, int_deal_stages_collapsed_to_first_reach)
    rebuild whole deals: every row of a deal whose source rows changed since the target was
    last built is deleted and computed again, so their result equals a full rebuild.
#}

{#
    The moment from which source changes are taken again: the newest source `updated_at`
    already in the target, minus a lookback. `updated_at` is stamped before a transaction
    commits, so a row can reach raw_oltp in a later load than rows stamped after it (the loader
    re-reads the same window for the same reason); without a target row, everything.

    Read once, when the model and its pre-hook are rendered, and written into their SQL as a
    literal: both then see the same moment (the model runs after the pre-hook has deleted the
    deals to rebuild, which could hold the newest value), and no statement scans the target
    while it holds that transaction's deletes (at scale large, five such scans of a freshly
    built fct_deal_stages cost 2.5 s of a 0.13 s statement).
#}
{% macro incremental_cutoff(column) -%}
    {%- set lookback = var('incremental_lookback_minutes', 10) -%}
    {%- set newest = none -%}
    {%- if execute and is_incremental() -%}
        {%- set newest_query = 'select max(' ~ column ~ ') from ' ~ this -%}
        {%- set newest = run_query(newest_query).columns[0].values()[0] -%}
    {%- endif -%}
    {%- if newest is none -%}
        cast('1900-01-01 00:00:00' as timestamp)
    {%- else -%}
        {%- set cutoff = newest - modules.datetime.timedelta(minutes=lookback) -%}
        cast('{{ cutoff.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
    {%- endif -%}
{%- endmacro %}

{#
    Deals whose rows in this model may be out of date after `cutoff`: the deal or one of its
    stage history rows changed, or (with `with_dimensions`) a partner or manager value the
    model stores for the deal differs from the current one. A change in a small classifier
    (deal kinds, sales stages, loss reasons, business regions) rebuilds every deal.

    Partners and managers are compared by value, not by updated_at: a password or role change
    stamps a user row without touching anything a deal carries, and would otherwise rebuild all
    of that manager's deals (setting the seed's demo passwords rebuilt every deal at scale
    large on the first incremental run). The comparison reads `this`, so it must run before the
    pre-hook deletes from it: `delete_deals_to_rebuild` keeps its result in a temporary table
    that the model then reads (`deals_to_rebuild()`). Soft-deleted rows are out of staging;
    removed deals are handled by `delete_deals_to_rebuild`.
#}
{% macro changed_deal_ids(cutoff, with_dimensions=true) -%}
    select deal_id from {{ ref('stg_opapp__deal_stage_history') }}
    where updated_at > {{ cutoff }}
    {%- if with_dimensions %}
    union
    select deal_id from {{ ref('stg_opapp__deals') }}
    where updated_at > {{ cutoff }}
    {%- set stored = stored_dimension_columns() %}
    {%- if stored.partner %}
    union
    select stored.deal_id
    from {{ this }} as stored
    left join {{ ref('int_partners_joined_to_first_counterparties') }} as partners
        on stored.partner_id = partners.partner_id
    where
        {%- for column in stored.partner %}
        {% if not loop.first %}or {% endif -%}
        stored.{{ column }} is distinct from partners.{{ column }}
        {%- endfor %}
    {%- endif %}
    {%- if stored.manager %}
    union
    select stored.deal_id
    from {{ this }} as stored
    left join {{ ref('stg_opapp__users') }} as users
        on stored.manager_id = users.user_id
    where stored.manager_name is distinct from users.full_name
    {%- endif %}
    union
    select deals.deal_id
    from {{ ref('stg_opapp__deals') }} as deals
    where exists (
        select 1 from {{ ref('stg_opapp__deal_kinds') }} where updated_at > {{ cutoff }}
        union all
        select 1 from {{ ref('stg_opapp__sales_stages') }} where updated_at > {{ cutoff }}
        union all
        select 1 from {{ ref('stg_opapp__loss_reasons') }} where updated_at > {{ cutoff }}
        union all
        select 1 from {{ ref('stg_opapp__business_regions') }} where updated_at > {{ cutoff }}
    )
    {%- endif %}
{%- endmacro %}

{#
    Which partner and manager values `this` stores per deal (read when rendered): the
    partner's name and business region, keyed by partner_id, and the manager's name, keyed by
    manager_id.
#}
{% macro stored_dimension_columns() -%}
    {%- set names = [] -%}
    {%- if execute and is_incremental() -%}
        {%- for column in adapter.get_columns_in_relation(this) -%}
            {%- do names.append(column.name | lower) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set partner = [] -%}
    {%- if 'partner_id' in names -%}
        {%- for column in ['partner_name', 'business_region_id', 'business_region_name'] -%}
            {%- if column in names %}{% do partner.append(column) %}{% endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return({
        'partner': partner,
        'manager': 'manager_id' in names and 'manager_name' in names,
    }) }}
{%- endmacro %}

{#
    The temporary table that holds this run's deals to rebuild (see delete_deals_to_rebuild);
    the incremental branch of a deal model selects `deal_id in (select deal_id from ...)` it.
#}
{% macro deals_to_rebuild() -%}
    {{ this.identifier ~ '__deals_to_rebuild' }}
{%- endmacro %}

{#
    Pre-hook of an incremental deal model: keep the deals to rebuild in a temporary table (one
    evaluation, while `this` still holds the stored values), then delete the rows of every deal
    to rebuild and of every deal no longer in `live_deals` (soft-deleted deals, deals without
    live history). The model then inserts the rebuilt deals; a rebuilt deal that now has no rows
    stays deleted. Runs in the model's transaction and connection; nothing on the first build
    or a --full-refresh.
#}
{% macro delete_deals_to_rebuild(cutoff_column, live_deals, with_dimensions=true) -%}
    {%- if is_incremental() %}
        drop table if exists {{ deals_to_rebuild() }};
        create temporary table {{ deals_to_rebuild() }} as
        {{ changed_deal_ids(incremental_cutoff(cutoff_column), with_dimensions) }};
        delete from {{ this }}
        where
            deal_id in (select deal_id from {{ deals_to_rebuild() }})
            or not exists (
                select 1 from {{ live_deals }} as live_deals
                where live_deals.deal_id = {{ this.identifier }}.deal_id
            )
    {%- endif %}
{%- endmacro %}

{#
    The materialization of the incremental deal models. Their strategy, delete+insert, needs
    DELETE, which plain Parquet tables on Spark lack (Delta, Iceberg or Hudi have it): there
    they are tables, rebuilt whole on every run, with the same rows.
#}
{% macro deal_models_materialization() -%}
    {{ return(adapter.dispatch('deal_models_materialization', 'crm_warehouse')()) }}
{%- endmacro %}

{% macro default__deal_models_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__deal_models_materialization() -%}
    {{ return('table') }}
{%- endmacro %}
