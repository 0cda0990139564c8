"""The dbt exposures declare, for each dashboard page, the marts its queries read."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from dashboards import lineage

EXPOSURES = Path(__file__).resolve().parents[2] / "dbt_project" / "models" / "exposures.yml"


def test_the_committed_exposures_match_the_pages_code() -> None:
    assert EXPOSURES.read_text(encoding="utf-8") == lineage.exposures_yaml(), (
        "a page reads other marts than its exposure says: run `make exposures`"
    )


def test_every_page_is_exposed_with_the_marts_it_reads() -> None:
    exposures = {
        exposure["name"]: exposure
        for exposure in yaml.safe_load(EXPOSURES.read_text())["exposures"]
    }
    pages = sorted(path.stem for path in lineage.PAGES_DIR.glob("*.py"))
    assert sorted(name.removeprefix("dashboard_") for name in exposures) == pages
    # Spot checks written from the pages, independently of the analysis.
    returns = exposures["dashboard_returns"]["depends_on"]
    assert {"ref('rpt_returns')", "ref('rpt_portal_adoption')"} <= set(returns)
    assert "ref('rpt_sales_funnel')" not in returns
    assert "ref('rpt_debt_ageing')" in exposures["dashboard_orders"]["depends_on"]


def test_marts_are_followed_through_the_queries_a_query_calls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "app_pages").mkdir()
    (tmp_path / "filters.py").write_text("from dashboards import queries\nqueries.periods()\n")
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "pages.py").write_text(
        textwrap.dedent(
            """
            def periods():
                return "select min(day) from marts.dim_dates"

            def totals(filters):
                return _totals(filters) + " join marts.dim_partners using (partner_id)"

            def unused():
                return "select * from marts.rpt_unused"
            """
        )
    )
    # A helper in another module of the package is followed too.
    (tmp_path / "queries" / "core.py").write_text(
        'def _totals(filters):\n    return "select * from marts.fct_orders"\n'
    )
    (tmp_path / "app_pages" / "orders.py").write_text(
        "from dashboards import queries\nqueries.totals(None)\n"
    )
    monkeypatch.setattr(lineage, "DASHBOARDS", tmp_path)
    monkeypatch.setattr(lineage, "PAGES_DIR", tmp_path / "app_pages")

    assert lineage.page_marts() == {"orders": {"dim_dates", "fct_orders", "dim_partners"}}
