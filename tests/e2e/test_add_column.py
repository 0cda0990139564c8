"""Adding a column end to end needs no manual `--full`: a deal column added by a migration and
carried by staging, the intermediate model and the incremental `fct_deals` reaches the published
mart on the next ordinary `crm pipeline` run.

The code change is made in a copy of the repository (the pipeline runs there as a subprocess), so
the checkout under test is never modified.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import duckdb
import pytest

from crm.settings import Settings
from operational_app.seed import seed_database
from tests.e2e.test_kill_and_rerun import AS_OF, LATER, seeded_data_dir, start_pipeline

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REPO_ROOT = Path(__file__).resolve().parents[2]
CODE_DIRS = ("crm", "dashboards", "dbt_project", "ingestion", "operational_app", "orchestration")
# Built or local files a copy of the code must not carry (or be slowed down by).
NOT_CODE = shutil.ignore_patterns("target", "logs", "dbt_packages", "__pycache__", "*.duckdb*")

# The change a developer makes: the new column in each model that lists the deal's columns.
EDITS = {
    "dbt_project/models/staging/opapp/stg_opapp__deals.sql": (
        "        cast(loss_comment as {{ varchar_type() }}) as loss_comment,\n",
        "        cast(loss_comment as {{ varchar_type() }}) as loss_comment,\n"
        "        cast(source_channel as {{ varchar_type() }}) as source_channel,\n",
    ),
    "dbt_project/models/intermediate/sales/int_deals_joined_to_dimensions.sql": (
        "        deals.deal_name,\n",
        "        deals.deal_name,\n        deals.source_channel,\n",
    ),
    "dbt_project/models/marts/core/fct_deals.sql": (
        "        deal_name,\n",
        "        deal_name,\n        source_channel,\n",
    ),
    # fct_deals has an enforced contract: the column is declared with its type.
    # Its Russian label (meta.label_ru) leads the published column's comment.
    "dbt_project/models/marts/core/fct_deals.yml": (
        "        description: Deal name.\n",
        "        description: Deal name.\n"
        "      - name: source_channel\n"
        '        meta: {label_ru: "Источник сделки"}\n'
        "        data_type: varchar\n"
        "        description: Where the deal came from.\n",
    ),
}


def copy_of_the_code(root: Path) -> Path:
    repo = root / "repo"
    for name in CODE_DIRS:
        shutil.copytree(REPO_ROOT / name, repo / name, ignore=NOT_CODE)
    for relative, (anchor, replacement) in EDITS.items():
        path = repo / relative
        text = path.read_text(encoding="utf-8")
        assert anchor in text, f"{relative} no longer has {anchor!r}: update the test's edit"
        path.write_text(text.replace(anchor, replacement), encoding="utf-8")
    return repo


def run(settings: Settings, repo: Path, log_name: str) -> str:
    pipeline = start_pipeline(settings, log_name, repo=repo)
    assert pipeline.wait() == 0, pipeline.output()[-5000:]
    return pipeline.output()


def test_a_new_deal_column_reaches_the_mart_without_a_full_refresh(tmp_path: Path) -> None:
    oltp = tmp_path / "seed" / "crm.sqlite3"
    oltp.parent.mkdir()
    seed_database(f"sqlite:///{oltp}", "demo", seed=31, as_of=AS_OF)
    settings = seeded_data_dir(tmp_path, "data", oltp)
    first = run(settings, REPO_ROOT, "before")
    assert "no successful build recorded yet" in first

    # The migration: a nullable column, filled for some deals (edits stamped as the app does).
    with sqlite3.connect(settings.oltp_dir / "crm.sqlite3") as connection:
        connection.execute("alter table deals add column source_channel varchar(50)")
        connection.execute(
            "update deals set source_channel = 'выставка', updated_at = ?, "
            "version = version + 1 where id % 5 = 0",
            [LATER],
        )
        tagged = connection.execute(
            "select count(*) from deals where source_channel = 'выставка' and deleted_at is null"
        ).fetchall()[0][0]
    assert tagged > 0

    after = run(settings, copy_of_the_code(tmp_path), "after")
    assert "the dbt project changed since the last successful build" in after
    with duckdb.connect(str(settings.published_database_path), read_only=True) as con:
        counts = dict(
            con.sql(
                "select coalesce(source_channel, '(none)'), count(*) from marts.fct_deals "
                "group by 1"
            ).fetchall()
        )
        total = con.sql("select count(*) from marts.fct_deals").fetchall()[0][0]
        (comment,) = con.sql(
            "select comment from duckdb_columns() where schema_name = 'marts' "
            "and table_name = 'fct_deals' and column_name = 'source_channel'"
        ).fetchall()[0]
    assert counts.get("выставка") == tagged
    assert sum(counts.values()) == total
    assert comment == "Источник сделки — Where the deal came from."
