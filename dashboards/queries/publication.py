"""Data freshness and the publication the pages read."""

from __future__ import annotations

import polars as pl

from dashboards.queries.core import _query

# -- data freshness ------------------------------------------------------------------------


def data_freshness() -> pl.DataFrame:
    """When each source was last loaded (meta.data_freshness, written by the publish step)."""
    return _query(
        """
        select source, last_loaded_at, rows, published_at,
        from meta.data_freshness
        order by source
        """
    )


def publication() -> pl.DataFrame:
    """The run that published this warehouse and when (meta.publication)."""
    return _query("select run_id, published_at, from meta.publication")
