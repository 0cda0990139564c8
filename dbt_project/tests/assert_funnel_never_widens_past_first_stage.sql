-- A deal reaches later stages only through the first one (skipped stages are written to the
-- history), so no stage is entered by more deals than the first stage of its kind.
-- History that starts mid-funnel breaks this; it is a warning, not an error.
select
    stage_id,
    deals_entered,
    cumulative_conversion

from {{ ref('rpt_sales_funnel') }}
where cumulative_conversion > 1
