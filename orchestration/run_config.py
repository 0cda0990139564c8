"""Run config of the pipeline job: incremental by default, everything rebuilt on request.

Schedules, sensors and `crm pipeline --full` build their run config here so the op names and
the config shape live in one place.
"""

from typing import Any

# The op names of the raw OLTP multi-asset and of the dbt assets (their function names).
RAW_OLTP_OP = "raw_oltp_tables"
DBT_OP = "crm_dbt_models"


def pipeline_run_config(full_refresh: bool = False) -> dict[str, Any]:
    """`{"ops": {...}}` for the full pipeline job.

    full_refresh=False (the default, same as no config): raw tables merge the rows changed
    since their watermarks and dbt updates its incremental models. full_refresh=True: every
    raw table is copied whole (watermarks reset) and dbt runs with `--full-refresh`.
    """
    op_config = {"config": {"full_refresh": full_refresh}}
    return {"ops": {RAW_OLTP_OP: op_config, DBT_OP: op_config}}
