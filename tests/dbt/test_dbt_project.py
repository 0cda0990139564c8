"""Fast guards for the dbt project: it parses, and the marts keep their column contract.

`dbt parse` catches broken Jinja/SQL references and YAML; the manifest checks pin the mart
columns and types other packages (dashboards, orchestration) code against. `dbt build` itself
(data and unit tests) runs in the pipeline and CI against generated data.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
DBT = Path(sys.executable).with_name("dbt")

MART_CONTRACTS: dict[str, dict[str, str]] = {
    "dim_managers": {
        "manager_id": "bigint",
        "manager_name": "varchar",
        "login": "varchar",
        "role": "varchar",
        "is_active": "boolean",
        "department_id": "bigint",
        "supervisor_id": "bigint",
        "department_name": "varchar",
        "regional_office_id": "bigint",
        "regional_office_name": "varchar",
        "supervisor_name": "varchar",
    },
    "dim_business_regions": {"business_region_id": "bigint", "business_region_name": "varchar"},
    "dim_deal_kinds": {
        "deal_kind_id": "bigint",
        "deal_kind_name": "varchar",
        "has_stages": "boolean",
    },
    "dim_sales_stages": {
        "stage_id": "bigint",
        "deal_kind_id": "bigint",
        "stage_name": "varchar",
        "stage_sequence": "integer",
        "is_final_stage": "boolean",
    },
    "dim_partners": {
        "partner_id": "bigint",
        "partner_name": "varchar",
        "partner_kind": "varchar",
        "business_region_id": "bigint",
        "business_region_name": "varchar",
        "manager_id": "bigint",
        "manager_name": "varchar",
        "inn": "varchar",
        "industry": "varchar",
        "created_at": "timestamp",
    },
    "fct_deals": {
        "deal_id": "bigint",
        "deal_number": "varchar",
        "deal_name": "varchar",
        "partner_id": "bigint",
        "partner_name": "varchar",
        "deal_kind_id": "bigint",
        "deal_kind_name": "varchar",
        "has_stages": "boolean",
        "manager_id": "bigint",
        "manager_name": "varchar",
        "business_region_id": "bigint",
        "business_region_name": "varchar",
        "status": "varchar",
        "is_won": "boolean",
        "is_lost": "boolean",
        "is_open": "boolean",
        "current_stage_id": "bigint",
        "current_stage_name": "varchar",
        "current_stage_sequence": "integer",
        "loss_reason_id": "bigint",
        "loss_reason_name": "varchar",
        "potential_amount": "decimal(18,2)",
        "won_amount": "decimal(18,2)",
        "probability": "integer",
        "created_at": "timestamp",
        "created_date": "date",
        "created_month": "date",
        "closed_at": "timestamp",
        "closed_date": "date",
        "cycle_days": "integer",
        "stages_reached": "integer",
        "source_updated_at": "timestamp",
    },
    "fct_deal_stages": {
        "deal_stage_id": "varchar",
        "deal_id": "bigint",
        "stage_id": "bigint",
        "stage_name": "varchar",
        "stage_sequence": "integer",
        "is_final_stage": "boolean",
        "deal_kind_id": "bigint",
        "deal_kind_name": "varchar",
        "partner_id": "bigint",
        "manager_id": "bigint",
        "manager_name": "varchar",
        "business_region_id": "bigint",
        "business_region_name": "varchar",
        "deal_created_date": "date",
        "deal_created_month": "date",
        "entered_at": "timestamp",
        "entered_date": "date",
        "left_at": "timestamp",
        "was_skipped": "boolean",
        "days_in_stage": "double precision",
        "outcome_at_stage": "varchar",
        "is_advanced": "boolean",
        "loss_reason_id": "bigint",
        "loss_reason_name": "varchar",
        "potential_amount": "decimal(18,2)",
        "source_updated_at": "timestamp",
    },
    "rpt_sales_funnel": {
        "deal_kind_id": "bigint",
        "deal_kind_name": "varchar",
        "stage_id": "bigint",
        "stage_name": "varchar",
        "stage_sequence": "integer",
        "deals_entered": "bigint",
        "deals_skipped": "bigint",
        "deals_advanced": "bigint",
        "deals_lost": "bigint",
        "deals_won": "bigint",
        "deals_in_progress": "bigint",
        "conversion_to_next": "double precision",
        "cumulative_conversion": "double precision",
        "mean_days_in_stage": "double precision",
        "median_days_in_stage": "double precision",
        "potential_amount_entered": "decimal(18,2)",
    },
    "rpt_deal_efficiency": {
        "deal_efficiency_id": "varchar",
        "created_month": "date",
        "deal_kind_id": "bigint",
        "deal_kind_name": "varchar",
        "manager_id": "bigint",
        "manager_name": "varchar",
        "business_region_id": "bigint",
        "business_region_name": "varchar",
        "deals_total": "bigint",
        "deals_won": "bigint",
        "deals_lost": "bigint",
        "deals_in_progress": "bigint",
        "win_rate": "double precision",
        "won_amount": "decimal(18,2)",
        "potential_amount": "decimal(18,2)",
        "mean_cycle_days": "double precision",
        "median_cycle_days": "double precision",
    },
    "rpt_stage_win_probability": {
        "deal_kind_id": "bigint",
        "stage_id": "bigint",
        "stage_name": "varchar",
        "stage_sequence": "integer",
        "deals_closed_after_reaching": "bigint",
        "deals_won_after_reaching": "bigint",
        "win_share": "double precision",
    },
    # Issue 20: the dashboards' "customers at risk" list reads it.
    "dim_counterparty_statuses": {
        "counterparty_id": "bigint",
        "partner_id": "bigint",
        "partner_name": "varchar",
        "partner_kind": "varchar",
        "inn": "varchar",
        "kpp": "varchar",
        "legal_name": "varchar",
        "registry_status": "varchar",
        "status_changed_at": "timestamp",
        "registry_change_count": "bigint",
        "last_registry_change_at": "timestamp",
        "open_deal_count": "bigint",
        "open_order_count": "bigint",
        "debt_amount": "decimal(18,2)",
        "is_registry_active": "boolean",
        "is_customer_at_risk": "boolean",
    },
}

OPAPP_TABLES = {
    "organizations",
    "business_regions",
    "users",
    "partners",
    "counterparties",
    "contact_persons",
    "deal_kinds",
    "sales_stages",
    "loss_reasons",
    "deals",
    "deal_stage_history",
    "products",
    "warehouses",
    "stock_levels",
    "agreements",
    "commercial_offers",
    "commercial_offer_lines",
    "customer_orders",
    "customer_order_lines",
    "payment_schedule_items",
    "shipments",
    "shipment_lines",
    "payments",
    "reserve_adjustments",
    "claim_reasons",
    "claims",
    "claim_tasks",
    "return_reasons",
    "return_requests",
    "return_request_lines",
    "interaction_topics",
    "marketing_events",
    "interactions",
    "sales_plans",
    "partner_roles",
    "partner_role_links",
    "contact_roles",
    "counterparty_registry_changes",
    # Issue 25: invoices.
    "invoices",
    "invoice_lines",
    "invoice_payments",
    # Issue 22: inter-company and commission documents, the ownership ledger.
    "intercompany_documents",
    "intercompany_document_lines",
    "commission_documents",
    "commission_document_lines",
    "stock_movements",
}

# Marts of the whole analytical contract (issue "Marts and dashboards"): enforced, in `marts`.
NEW_MARTS = {
    "dim_dates",
    "dim_products",
    "dim_warehouses",
    "dim_claim_reasons",
    "dim_partners_history",
    "fct_claims",
    "rpt_claim_satisfaction",
    "rpt_claim_structure",
    "rpt_events_calendar",
    "fct_interactions",
    "fct_orders",
    "fct_shipments",
    "fct_payments",
    "rpt_debt_ageing",
    "rpt_region_revenue",
    "rpt_deal_interactions",
    "rpt_pipeline_forecast",
    "fct_gis_documents",
    "rpt_gis_exchange_daily",
    "rpt_gis_error_codes",
    # client base (issue 26)
    "rpt_customer_abc_xyz",
    "rpt_customer_lifecycle",
    "dim_customer_lifetime",
    "fct_commercial_offers",
    "rpt_offer_conversion",
    # Issue 19: returns and portal adoption.
    "fct_returns",
    "rpt_returns",
    "rpt_portal_adoption",
    # Issue 25: invoices and their matched payments.
    "fct_invoices",
    "fct_invoice_payments",
    # Issue 22: organizations, inter-company sales and commission.
    "dim_organizations",
    "fct_organization_revenue",
    "rpt_organization_revenue",
    "fct_intercompany_settlements",
    "fct_stock_positions",
    "rpt_commission_partners",
}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("dbt_parse")
    env = {**os.environ, "CRM_DBT_DUCKDB_PATH": str(work / "parse.duckdb")}
    result = subprocess.run(
        [
            str(DBT),
            "parse",
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(work / "target"),
            "--log-path",
            str(work / "logs"),
            "--no-partial-parse",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads((work / "target" / "manifest.json").read_text())


def _models(manifest: dict) -> dict[str, dict]:
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    }


# Marts rebuilt by deal on each run (macros/incremental); every other mart is a table.
INCREMENTAL_MARTS = {"fct_deals", "fct_deal_stages"}


def test_marts_keep_their_enforced_column_contract(manifest: dict) -> None:
    models = _models(manifest)
    for name, expected in MART_CONTRACTS.items():
        node = models[name]
        assert node["config"]["contract"]["enforced"], name
        materialized = "incremental" if name in INCREMENTAL_MARTS else "table"
        assert node["config"]["materialized"] == materialized, name
        assert node["schema"] == "marts", name
        actual = {column: spec["data_type"] for column, spec in node["columns"].items()}
        assert actual == expected, name


def test_new_marts_are_enforced_tables_with_typed_columns(manifest: dict) -> None:
    models = _models(manifest)
    for name in NEW_MARTS:
        node = models[name]
        assert node["config"]["contract"]["enforced"], name
        assert node["config"]["materialized"] == "table", name
        assert node["schema"] == "marts", name
        assert all(spec["data_type"] for spec in node["columns"].values()), name


def test_incremental_marts_rebuild_whole_deals_and_fail_on_schema_change(
    manifest: dict,
) -> None:
    models = _models(manifest)
    for name in [*INCREMENTAL_MARTS, "int_deal_stages_collapsed_to_first_reach"]:
        config = models[name]["config"]
        assert config["unique_key"] == "deal_id", name
        assert config["incremental_strategy"] == "delete+insert", name
        assert config["on_schema_change"] == "fail", name
        assert any("delete_deals_to_rebuild" in hook["sql"] for hook in config["pre-hook"]), name
    for name in INCREMENTAL_MARTS:
        # a table created before a not_null constraint was declared gets it on the next run
        post_hooks = models[name]["config"]["post-hook"]
        assert any("add_missing_not_null_constraints" in hook["sql"] for hook in post_hooks), name


def test_column_rules_are_one_test_per_model_and_constraints_in_marts(manifest: dict) -> None:
    # dbt spends 20-40 ms per test node whatever its SQL, and each test is also a Dagster asset
    # check event: every model, marts included, checks its not-null, unique and accepted-values
    # rules in one column_checks test (marts, with enforced contracts, declare required columns
    # as not_null constraints instead), so no model keeps a test per column and rule.
    models = _models(manifest)
    column_checks_per_model: Counter[str] = Counter()
    for node in manifest["nodes"].values():
        test = (node.get("test_metadata") or {}).get("name")
        parent = node.get("attached_node") or ""
        if not parent.startswith("model."):
            continue
        model = manifest["nodes"][parent]
        assert test not in ("not_null", "unique", "accepted_values"), node["name"]
        if test == "column_checks":
            column_checks_per_model[model["name"]] += 1
            assert node["name"] == f"column_checks_{model['name']}"
            rules = node["test_metadata"]["kwargs"]
            named = {
                *rules.get("not_null", []),
                *rules.get("unique", []),
                *rules.get("accepted_values", {}),
            }
            assert named and named <= set(model["columns"]), node["name"]
    repeated = {name: count for name, count in column_checks_per_model.items() if count > 1}
    assert not repeated
    # Every staging and intermediate view has column rules; a mart has them where it declares
    # a key or a list of values (these are the marts the pipeline and dashboards key on).
    not_marts = {name for name, node in models.items() if node["fqn"][1] != "marts"}
    assert not_marts <= set(column_checks_per_model)
    assert {"fct_deals", "fct_claims", "fct_orders", "dim_managers"} <= set(column_checks_per_model)


def test_secret_tables_are_not_staged(manifest: dict) -> None:
    sources = {node["name"] for node in manifest["sources"].values()}
    assert not sources & {"api_tokens", "user_sessions"}


def test_every_opapp_table_has_one_staging_view(manifest: dict) -> None:
    models = _models(manifest)
    for table in OPAPP_TABLES:
        node = models[f"stg_opapp__{table}"]
        assert node["schema"] == "staging"
        assert node["config"]["materialized"] == "view"
        assert node["depends_on"]["nodes"] == [f"source.crm_warehouse.opapp.{table}"]


def test_every_model_is_documented(manifest: dict) -> None:
    for name, node in _models(manifest).items():
        assert node["description"].strip(), f"{name} has no description"
        assert node["columns"], f"{name} has no documented columns"


def test_every_mart_column_has_a_description_and_a_russian_label(manifest: dict) -> None:
    """Marts are published (their contracts declare every column), and each published column
    carries a description and meta.label_ru, which persist_docs writes into its comment."""
    unlabelled = {
        (name, column): spec.get("meta", {}).get("label_ru")
        for name, node in _models(manifest).items()
        if node["schema"] == "marts"
        for column, spec in node["columns"].items()
        if not spec.get("description", "").strip()
        or not _is_russian(spec.get("meta", {}).get("label_ru"))
    }
    assert unlabelled == {}


def _is_russian(label: object) -> bool:
    return isinstance(label, str) and any("а" <= letter.lower() <= "я" for letter in label)


def test_funnel_definitions_are_guarded_by_unit_tests(manifest: dict) -> None:
    unit_tests = {node["name"]: node["model"] for node in manifest["unit_tests"].values()}
    assert unit_tests["test_reopened_deal_collapses_to_one_row_per_stage"] == (
        "int_deal_stages_collapsed_to_first_reach"
    )
    assert unit_tests["test_deal_lost_at_stage_3_does_not_enter_stage_4"] == "fct_deal_stages"
    assert (
        unit_tests["test_funnel_skipped_counts_as_entered_lost_stays_out"]
        == "rpt_sales_funnel_cells"
    )
    assert unit_tests["test_funnel_sums_cells_and_divides_conversions_again"] == "rpt_sales_funnel"
    assert unit_tests["test_win_rate_ignores_open_deals"] == "rpt_deal_efficiency"
    assert unit_tests["test_claim_counts_in_month_of_resolution"] == "rpt_claim_satisfaction"
    assert (
        unit_tests["test_partial_payments_cover_schedule_items_fifo"]
        == "int_payment_schedule_items_allocated_fifo"
    )
    assert unit_tests["test_overdue_items_land_in_ageing_buckets"] == "rpt_debt_ageing"
    assert unit_tests["test_latest_ticket_wins"] == "fct_gis_documents"
    assert unit_tests["test_overdue_is_planned_past_as_of"] == "fct_interactions"
    assert unit_tests["test_calendar_counts_the_interactions_flags"] == "rpt_events_calendar"
    assert (
        unit_tests["test_forecast_averages_shares_with_history_and_falls_back"]
        == "rpt_pipeline_forecast"
    )


def test_client_base_definitions_are_guarded_by_unit_tests(manifest: dict) -> None:
    unit_tests = {node["name"]: node["model"] for node in manifest["unit_tests"].values()}
    for name in (
        "test_abc_classes_follow_the_cumulative_share",
        "test_xyz_follows_variation_with_empty_months_as_zeros",
        "test_class_changes_compare_with_the_previous_month",
    ):
        assert unit_tests[name] == "rpt_customer_abc_xyz"
    assert (
        unit_tests["test_lost_after_90_days_and_returned_on_the_next_purchase"]
        == "rpt_customer_lifecycle"
    )
    assert (
        unit_tests["test_lifetime_revenue_and_days_since_last_purchase"] == "dim_customer_lifetime"
    )
    assert (
        unit_tests["test_offer_converts_via_live_order_lost_by_deal_reason"]
        == "fct_commercial_offers"
    )
    assert unit_tests["test_conversion_shares_and_days_to_order"] == "rpt_offer_conversion"


def test_client_base_thresholds_are_vars_with_the_documented_defaults() -> None:
    import yaml

    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    assert {
        name: project["vars"][name]
        for name in (
            "abc_window_months",
            "abc_class_a_share",
            "abc_class_b_share",
            "xyz_class_x_max_cv",
            "xyz_class_y_max_cv",
            "customer_lost_after_days",
        )
    } == {
        "abc_window_months": 12,
        "abc_class_a_share": 0.80,
        "abc_class_b_share": 0.15,
        "xyz_class_x_max_cv": 0.10,
        "xyz_class_y_max_cv": 0.25,
        "customer_lost_after_days": 90,
    }


def test_returns_definitions_are_guarded_by_unit_tests(manifest: dict) -> None:
    unit_tests = {node["name"]: node["model"] for node in manifest["unit_tests"].values()}
    assert unit_tests["test_only_received_returns_count_as_goods_back"] == (
        "int_return_lines_joined_to_shipments"
    )
    assert unit_tests["test_received_return_lowers_debt_and_net_revenue"] == "fct_orders"
    assert unit_tests["test_received_return_lowers_net_revenue_in_its_month"] == (
        "rpt_region_revenue"
    )
    assert unit_tests["test_returns_count_requests_once_and_received_apart"] == "rpt_returns"
    assert unit_tests["test_portal_share_and_response_times"] == "rpt_portal_adoption"


def test_invoice_definitions_are_guarded_by_unit_and_data_tests(manifest: dict) -> None:
    unit_tests = {node["name"]: node["model"] for node in manifest["unit_tests"].values()}
    assert unit_tests["test_invoice_status_and_ages_follow_matched_payments"] == "fct_invoices"
    tests = {node["name"] for node in manifest["nodes"].values() if node["resource_type"] == "test"}
    assert "assert_invoice_payments_reconcile" in tests
