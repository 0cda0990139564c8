"""Issue 17's Done-when: the shared datasets imported into an empty data directory with `crm`
commands only (in-process `crm.cli.main`, the same parser and handlers as the console script),
the pipeline run with `crm pipeline --full`, and the published marts checked against figures
computed here from the CSV files with the csv module:

- the funnel's counts per stage (rpt_sales_funnel) equal the file's deal_stage counts, leads
  without an account included;
- per-manager win rates (fct_deals; the managers are the agents of sales_teams.csv, imported as
  users before the deals, so no deal creates a user);
- the sales structure of sales_teams.csv (dim_managers): every agent in their lead's team
  «Группа <lead>» under their regional office, with the lead as supervisor; deal counts and win
  rates per regional office and per team lead equal the files';
- won amount by sector (fct_deals joined to dim_partners.industry);
- the CFPB claims: counts by status and result (fct_claims) from "Company response to consumer".

Slow (one full pipeline run, about a minute): the marts are the point, so it does not stop at
the OLTP. Skipped with the reason when ../shared/datasets is absent.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import yaml

from crm.cli import main
from crm.settings import get_settings

DATASETS = Path(__file__).resolve().parents[3].parent / "shared" / "datasets"
MAVEN = DATASETS / "crm_sales_opportunities"
CFPB = DATASETS / "cfpb_complaints_sample" / "complaints_sample.csv"
MAPPINGS = Path(__file__).resolve().parents[3] / "operational_app" / "importer" / "mappings"

pytestmark = pytest.mark.skipif(
    not (MAVEN / "sales_pipeline.csv").exists() or not CFPB.exists(),
    reason=f"shared datasets not found under {DATASETS} (crm_sales_opportunities, "
    "cfpb_complaints_sample)",
)


def _rows(path: Path, skip_lines: int = 0) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        for _ in range(skip_lines):
            handle.readline()
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    data_dir = tmp_path_factory.mktemp("onboarding")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("CRM_OLTP_URL", raising=False)
        patch.delenv("CRM_AS_OF", raising=False)
        patch.setenv("CRM_DATA_DIR", str(data_dir))
        patch.setenv("DAGSTER_HOME", str(data_dir / "dagster"))
        (data_dir / "dagster").mkdir()
        settings = get_settings()
        patch.setenv("CRM_DBT_DUCKDB_PATH", str(settings.build_database_path))
        commands = [
            # Agents, their leads (supervisors, heads of the teams) and the regional offices.
            ["users", MAVEN / "sales_teams.csv", "maven_sales_teams_agents.yml"],
            # Again: a re-import changes nothing (checked below through the marts).
            ["users", MAVEN / "sales_teams.csv", "maven_sales_teams_agents.yml"],
            ["partners", MAVEN / "accounts.csv", "maven_sales_pipeline_partners.yml"],
            ["deals", MAVEN / "sales_pipeline.csv", "maven_sales_pipeline_deals.yml"],
            ["claims", CFPB, "cfpb_complaints_claims.yml"],
        ]
        for entity, path, mapping in commands:
            errors = data_dir / f"{entity}_errors.csv"
            argv = ["import", entity, str(path), "--mapping", str(MAPPINGS / mapping)]
            assert main([*argv, "--errors", str(errors)]) == 0
            with errors.open(newline="", encoding="utf-8-sig") as handle:
                assert list(csv.DictReader(handle)) == [], f"{entity}: rows rejected"
        assert main(["pipeline", "--full"]) == 0
    connection = duckdb.connect(str(settings.published_database_path), read_only=True)
    yield connection
    connection.close()


def test_funnel_counts_per_stage_equal_the_file(warehouse: duckdb.DuckDBPyConnection) -> None:
    stages = Counter(r["deal_stage"] for r in _rows(MAVEN / "sales_pipeline.csv"))
    funnel = warehouse.sql(
        "select stage_sequence, deals_entered, deals_in_progress, deals_lost, deals_won "
        "from marts.rpt_sales_funnel order by stage_sequence"
    ).fetchall()
    assert len(funnel) == 5
    first, second, *_middle, final = funnel
    total = sum(stages.values())
    assert total == 8_800
    # Every deal entered stage 1; Prospecting deals are still there.
    assert first[1:] == (total, stages["Prospecting"], 0, 0)
    # Engaged deals (Engaging, Won, Lost) reached stage 2: Engaging stay, Lost end there.
    assert second[1:] == (total - stages["Prospecting"], stages["Engaging"], stages["Lost"], 0)
    # Won deals are carried to the final stage.
    assert final[1:] == (stages["Won"], 0, 0, stages["Won"])


def test_win_rates_per_manager_from_the_team_file(warehouse: duckdb.DuckDBPyConnection) -> None:
    team = {r["sales_agent"]: r for r in _rows(MAVEN / "sales_teams.csv")}
    won: Counter[str] = Counter()
    closed: Counter[str] = Counter()
    for row in _rows(MAVEN / "sales_pipeline.csv"):
        assert row["sales_agent"] in team
        if row["deal_stage"] in ("Won", "Lost"):
            closed[row["sales_agent"]] += 1
            won[row["sales_agent"]] += row["deal_stage"] == "Won"
    expected = {agent: round(won[agent] / closed[agent], 6) for agent in closed}
    actual = dict(
        warehouse.sql(
            "select manager_name, round(count(*) filter (where is_won) / count(*), 6) "
            "from marts.fct_deals where status in ('won', 'lost') group by 1"
        ).fetchall()
    )
    assert actual == expected
    assert len(set(expected.values())) > 5  # rates that differ: a mix-up would show
    # The managers are the team file's people (agents and leads), nobody else.
    names = warehouse.sql("select manager_name from marts.dim_managers").fetchall()
    managers = {name for (name,) in names}
    assert managers == set(team) | {r["manager"] for r in team.values()}


def test_won_amount_by_sector(warehouse: duckdb.DuckDBPyConnection) -> None:
    mapping = yaml.safe_load((MAPPINGS / "maven_sales_pipeline_partners.yml").read_text())
    industry_of_sector = {
        sector: name.removeprefix("Отрасль: ")
        for sector, name in mapping["fields"]["roles"]["map"].items()
    }
    sector = {r["account"]: r["sector"] for r in _rows(MAVEN / "accounts.csv")}
    expected: defaultdict[str, Decimal] = defaultdict(Decimal)
    for row in _rows(MAVEN / "sales_pipeline.csv"):
        if row["deal_stage"] == "Won":
            expected[industry_of_sector[sector[row["account"]]]] += Decimal(row["close_value"])
    actual = dict(
        warehouse.sql(
            "select partners.industry, sum(deals.won_amount) from marts.fct_deals as deals "
            "join marts.dim_partners as partners on deals.partner_id = partners.partner_id "
            "where deals.is_won group by 1"
        ).fetchall()
    )
    assert {k: Decimal(v) for k, v in actual.items()} == dict(expected)
    assert len(expected) == 10  # "technolgy" and "technology" are one industry


def test_cfpb_claims_by_status_and_result(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = _rows(CFPB, skip_lines=2)
    mapping = yaml.safe_load((MAPPINGS / "cfpb_complaints_claims.yml").read_text())
    status_of = mapping["fields"]["status"]["map"]
    result_of = mapping["fields"]["result"]["map"]
    expected = Counter(
        (status_of[r["Company response to consumer"]], result_of[r["Company response to consumer"]])
        for r in rows
    )
    actual = Counter(
        {
            (status, result): count
            for status, result, count in warehouse.sql(
                "select status, result, count(*) from marts.fct_claims group by 1, 2"
            ).fetchall()
        }
    )
    assert actual == expected
    groups = Counter(r["Product"] for r in rows)
    by_group = dict(
        warehouse.sql(
            "select coalesce(parent_claim_reason_name, claim_reason_name), count(*) "
            "from marts.fct_claims group by 1"
        ).fetchall()
    )
    assert by_group == dict(groups)


def test_every_agent_has_a_team_office_and_supervisor(warehouse: duckdb.DuckDBPyConnection) -> None:
    team = _rows(MAVEN / "sales_teams.csv")
    placed = {
        name: rest
        for name, *rest in warehouse.sql(
            "select manager_name, department_name, regional_office_name, supervisor_name "
            "from marts.dim_managers"
        ).fetchall()
    }
    expected = {
        row["sales_agent"]: [f"Группа {row['manager']}", row["regional_office"], row["manager"]]
        for row in team
    }
    # The leads work in the teams they head; nobody above them is in the file.
    expected |= {
        row["manager"]: [f"Группа {row['manager']}", row["regional_office"], None] for row in team
    }
    assert placed == expected
    assert len({office for _, office, _ in expected.values()}) == 3
    # One department per team and per office, however often the import ran.
    departments = warehouse.sql(
        "select count(distinct department_name), count(distinct regional_office_name) "
        "from marts.dim_managers"
    ).fetchall()
    assert departments == [(6, 3)]


def test_deals_and_win_rates_per_office_and_team(warehouse: duckdb.DuckDBPyConnection) -> None:
    team = {r["sales_agent"]: r for r in _rows(MAVEN / "sales_teams.csv")}
    deals: Counter[tuple[str, str]] = Counter()
    won: Counter[tuple[str, str]] = Counter()
    closed: Counter[tuple[str, str]] = Counter()
    for row in _rows(MAVEN / "sales_pipeline.csv"):
        agent = team[row["sales_agent"]]
        for key in (("office", agent["regional_office"]), ("team", f"Группа {agent['manager']}")):
            deals[key] += 1
            if row["deal_stage"] in ("Won", "Lost"):
                closed[key] += 1
                won[key] += row["deal_stage"] == "Won"
    expected = {key: (deals[key], round(won[key] / closed[key], 6)) for key in deals}
    actual = {}
    for kind, column in (("office", "regional_office_name"), ("team", "department_name")):
        for name, count, rate in warehouse.sql(
            f"select managers.{column}, count(*), round(count(*) filter (where deals.is_won)"
            " / count(*) filter (where deals.status in ('won', 'lost')), 6)"
            " from marts.fct_deals as deals join marts.dim_managers as managers"
            " on deals.manager_id = managers.manager_id group by 1"
        ).fetchall():
            actual[(kind, name)] = (count, rate)
    assert actual == expected
    assert sum(count for (kind, _), (count, _) in expected.items() if kind == "office") == 8_800
    assert len({rate for _, rate in expected.values()}) > 3  # a mix-up of offices would show
