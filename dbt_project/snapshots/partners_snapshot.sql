{#
    SCD2 history of each partner's region, manager, name and kind (timestamp strategy on the
    app's updated_at). A partner soft-deleted in the app leaves staging and its current row is
    closed (hard_deletes = invalidate).
#}
{% snapshot partners_snapshot %}

    {{ config(
        schema='snapshots',
        unique_key='partner_id',
        strategy='timestamp',
        updated_at='updated_at',
        hard_deletes='invalidate',
    ) }}

    select
        partner_id,
        partner_name,
        partner_kind,
        business_region_id,
        manager_id,
        updated_at

    from {{ ref('stg_opapp__partners') }}

{% endsnapshot %}
