"""Which dbt nodes an incremental run has to build: those downstream of the raw tables that
changed since the last successful build, plus the models that depend on the build time.

A full run, a first run, a run after a failed or killed build and a run with changed dbt code
build the whole project; the ledger of builds (`meta.dbt_builds`) lives in the build database
beside the raw tables it describes, so a restored or rebuilt database starts over with a full
build.

"Now" for the clock-dependent models is the build time, or a pinned as-of (CRM_AS_OF, dbt's
var('as_of')) when one is set: a pinned clock never moves by itself, so the clock-dependent
models rebuild only when the as-of differs from the last successful build's (recorded in the
ledger), or when the build switches between a pinned as-of and the build time.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from graphlib import TopologicalSorter
from typing import Any

import duckdb

from ingestion.load import META_SCHEMA, RAW_OLTP_SCHEMA, ensure_meta_schema

# Models whose figures move with the clock (overdue interactions, days overdue of payment
# items, days a GIS document has been open): rebuilt, with everything downstream, whenever the
# clock crossed a moment they compare with "now" since the last build (see clock_crossed),
# whatever changed.
CLOCK_DEPENDENT_MODELS = (
    "int_payment_schedule_items_allocated_fifo",
    "fct_interactions",
    "fct_gis_document_lifecycles",
    # client base: purchases up to the as-of, months up to its month, days since the last purchase
    "rpt_customer_abc_xyz",
    "rpt_customer_lifecycle",
    "dim_customer_lifetime",
    # invoices: matched payments, statuses and ages as of the as-of
    "fct_invoices",
    # retail cardholders: recency in days to the as-of
    "rpt_retail_cardholders",
    # plan-fact: overdue open deals are expected in the as-of month
    "rpt_plan_fact",
    # loyalty points burn on the day the validity ends, once that day is on or before the as-of
    "int_retail_loyalty_points_ledger",
    # gift certificates: sales and redemptions up to the as-of, expiry once validity ended
    "int_retail_gift_certificate_movements",
    "fct_retail_gift_certificates",
)
# The moments they compare with "now" (macro as_of_timestamp): a payment counts once paid_at has
# passed, a planned interaction is overdue once planned_at has, and due dates and ageing buckets
# count in whole days.
_CLOCK_MOMENTS = (("payments", "paid_at"), ("interactions", "planned_at"))
# dbt takes "now" a little after the plan is made: moments this close ahead count as crossed.
CLOCK_MARGIN = dt.timedelta(minutes=10)
# dbt source names of the raw schemas (dbt_project/models/staging/*/_*__sources.yml).
SOURCE_NAMES = {RAW_OLTP_SCHEMA: "opapp", "raw_gis": "gis"}
PROJECT_NAME = "crm_warehouse"


@dataclass(frozen=True)
class BuildPlan:
    changed_sources: list[str] | None
    """Unique ids of the dbt sources with changed rows; None builds the whole project."""
    reason: str
    clock_crossed: bool = True
    """Whether the clock-dependent models are due (CLOCK_DEPENDENT_MODELS)."""

    @property
    def is_full(self) -> bool:
        return self.changed_sources is None


def project_fingerprint(manifest: Mapping[str, Any]) -> str:
    """A hash of every node's and macro's SQL: changes when the dbt code does."""
    parts = sorted(
        (unique_id, node.get("checksum", {}).get("checksum", ""))
        for unique_id, node in manifest.get("nodes", {}).items()
    )
    parts += sorted(
        (unique_id, hashlib.sha256(macro.get("macro_sql", "").encode()).hexdigest())
        for unique_id, macro in manifest.get("macros", {}).items()
    )
    parts += sorted(
        (unique_id, json.dumps(test.get("given"), sort_keys=True, default=str))
        for unique_id, test in manifest.get("unit_tests", {}).items()
    )
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def ensure_build_ledger(con: duckdb.DuckDBPyConnection) -> None:
    ensure_meta_schema(con)
    con.execute(
        f"""
        create table if not exists {META_SCHEMA}.dbt_builds (
            run_id varchar not null,
            started_at timestamp not null,
            finished_at timestamp not null,
            fingerprint varchar not null,
            changed_sources varchar
        )
        """
    )
    # The pinned as-of the build used (null: the build time); ledgers from before it was kept
    # get the column, their builds count as built on the build time.
    con.execute(f"alter table {META_SCHEMA}.dbt_builds add column if not exists as_of timestamp")


def record_successful_build(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    started_at: dt.datetime,
    fingerprint: str,
    plan: BuildPlan,
    as_of: dt.datetime | None = None,
) -> None:
    ensure_build_ledger(con)
    con.execute(
        f"insert into {META_SCHEMA}.dbt_builds "
        "(run_id, started_at, finished_at, fingerprint, changed_sources, as_of) "
        "values (?, ?, ?, ?, ?, ?)",
        [
            run_id,
            started_at,
            dt.datetime.now(dt.UTC).replace(tzinfo=None),
            fingerprint,
            None if plan.changed_sources is None else " ".join(plan.changed_sources),
            as_of,
        ],
    )


def _changed_sources(con: duckdb.DuckDBPyConnection, since: dt.datetime) -> list[str]:
    """dbt source ids of every raw table with changed rows loaded at or after `since`."""
    rows = con.execute(
        f"""
        select distinct source_schema, table_name from {META_SCHEMA}.load_log
        where loaded_at >= ? and coalesce(changed_rows, row_count) > 0
        order by 1, 2
        """,
        [since],
    ).fetchall()
    changed = [
        f"source.{PROJECT_NAME}.{SOURCE_NAMES[schema]}.{table}"
        for schema, table in rows
        if schema in SOURCE_NAMES
    ]
    # Inbox files (GIS, ОФД receipts) are logged per file: any file loaded or quarantined since
    # then changes that inbox's sources (events or receipts, loaded files, quarantine).
    for schema, source in (("raw_gis", "gis"), ("raw_ofd", "ofd")):
        tables = {
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = ?", [schema]
            ).fetchall()
        }
        for table, column in (("loaded_files", "loaded_at"), ("quarantine", "quarantined_at")):
            if table in tables:
                (count,) = con.execute(
                    f"select count(*) from {schema}.{table} where {column} >= ?", [since]
                ).fetchall()[0]
                if count:
                    changed.append(f"source.{PROJECT_NAME}.{source}.*")
                    break
    return changed


def clock_crossed(con: duckdb.DuckDBPyConnection, since: dt.datetime, now: dt.datetime) -> bool:
    """Whether a moment the clock-dependent models compare with "now" lies in (since, now]:
    a new day, a payment's paid_at or a planned interaction's planned_at. Unknown tables or
    columns count as crossed."""
    horizon = now + CLOCK_MARGIN
    if since.date() != horizon.date():
        return True
    for table, column in _CLOCK_MOMENTS:
        try:
            rows = con.execute(
                f"select 1 from {RAW_OLTP_SCHEMA}.{table} "
                f"where {column} > ? and {column} <= ? limit 1",
                [since, horizon],
            ).fetchall()
        except duckdb.Error:
            return True
        if rows:
            return True
    return False


def plan_build(
    con: duckdb.DuckDBPyConnection,
    fingerprint: str,
    full_refresh: bool = False,
    now: dt.datetime | None = None,
    as_of: dt.datetime | None = None,
) -> BuildPlan:
    """What this run's `dbt build` has to cover; `as_of` is the run's pinned "now" (None: the
    build time, `now`)."""
    if full_refresh:
        return BuildPlan(None, "full refresh requested")
    ensure_build_ledger(con)
    last = con.execute(
        f"select started_at, fingerprint, as_of from {META_SCHEMA}.dbt_builds "
        "order by finished_at desc limit 1"
    ).fetchall()
    if not last:
        return BuildPlan(None, "no successful build recorded yet")
    started_at, last_fingerprint, last_as_of = last[0]
    if last_fingerprint != fingerprint:
        return BuildPlan(None, "the dbt project changed since the last successful build")
    # Loads that began while the last build ran are newer than its start: taken again.
    changed = _changed_sources(con, started_at)
    reason = f"{len(changed)} source(s) changed since the last successful build"
    if as_of != last_as_of:
        return BuildPlan(
            changed,
            f"{reason}; the as-of moved from {_as_of_text(last_as_of)} to {_as_of_text(as_of)}",
        )
    if as_of is None:
        now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
        if clock_crossed(con, started_at, now):
            return BuildPlan(changed, reason)
    return BuildPlan(changed, f"{reason}; nothing fell due since", clock_crossed=False)


def _as_of_text(as_of: dt.datetime | None) -> str:
    return "the build time" if as_of is None else as_of.isoformat(sep=" ")


def _reached(manifest: Mapping[str, Any], plan: BuildPlan) -> set[str]:
    """Every node downstream of a changed source or, when the clock crossed a moment they
    depend on, of a clock-dependent model (inclusive)."""
    children: Mapping[str, list[str]] = manifest.get("child_map", {})
    sources = manifest.get("sources", {})
    starts: list[str] = []
    for changed in plan.changed_sources or []:
        if changed.endswith(".*"):
            prefix = changed[:-1]
            starts += [unique_id for unique_id in sources if unique_id.startswith(prefix)]
        else:
            starts.append(changed)
    starts += [
        unique_id
        for unique_id, node in manifest.get("nodes", {}).items()
        if plan.clock_crossed
        and node.get("resource_type") == "model"
        and node.get("name") in CLOCK_DEPENDENT_MODELS
    ]
    reached: set[str] = set()
    pending = list(starts)
    while pending:
        unique_id = pending.pop()
        if unique_id in reached:
            continue
        reached.add(unique_id)
        pending.extend(children.get(unique_id, []))
    return reached


def nodes_to_skip(manifest: Mapping[str, Any], plan: BuildPlan) -> list[str]:
    """Unique ids of the models and snapshots this plan leaves as they are (neither downstream of
    a changed source nor of a clock-dependent model), parents before children."""
    if plan.is_full:
        return []
    reached = _reached(manifest, plan)
    skipped = {
        unique_id
        for unique_id, node in manifest.get("nodes", {}).items()
        if node.get("resource_type") in ("model", "snapshot") and unique_id not in reached
    }
    return _topological(skipped, manifest.get("parent_map", {}))


def unchanged_data_tests(manifest: Mapping[str, Any], plan: BuildPlan) -> list[str]:
    """Names of the data tests none of whose parents changed. A test with one rebuilt parent
    runs even when its other parent is left alone (a relationships test from a rebuilt fact to
    an unchanged dimension is exactly what catches a bad new row).

    The run itself leaves these out through dbt's cautious indirect selection (exclusion_args);
    this is the rule spelled out, which the tests hold dbt's own selection to."""
    if plan.is_full:
        return []
    reached = _reached(manifest, plan)
    return sorted(
        node["name"]
        for unique_id, node in manifest.get("nodes", {}).items()
        if node.get("resource_type") == "test" and unique_id not in reached
    )


def exclusion_args(manifest: Mapping[str, Any], plan: BuildPlan) -> list[str]:
    """`dbt build` arguments that leave out exactly the models and snapshots of nodes_to_skip
    and the data tests of unchanged_data_tests (none for a full plan).

    Every parent of a skipped node is skipped too (a parent downstream of a change would put
    its children downstream of it), so `+name` of each skipped node none of whose children is
    skipped covers them all in a few criteria. dbt matches every criterion against every node:
    a name per skipped model and test delayed every incremental run's first node. Cautious
    indirect selection leaves out a test only when every one of its parents is left out, so a
    test with one rebuilt parent still runs.
    """
    if plan.is_full:
        return []
    skipped = set(nodes_to_skip(manifest, plan))
    children: Mapping[str, list[str]] = manifest.get("child_map", {})
    criteria = sorted(
        "+" + manifest["nodes"][unique_id]["name"]
        for unique_id in skipped
        if not any(child in skipped for child in children.get(unique_id, []))
    )
    if not criteria:
        return []
    return ["--indirect-selection", "cautious", "--exclude", " ".join(criteria)]


def _topological(unique_ids: set[str], parents: Mapping[str, list[str]]) -> list[str]:
    graph = {
        unique_id: [parent for parent in parents.get(unique_id, []) if parent in unique_ids]
        for unique_id in sorted(unique_ids)
    }
    return list(TopologicalSorter(graph).static_order())
