"""Which package may import which (DESIGN.md §2): the app knows nothing of the pipeline,
ingestion knows neither Dagster nor the app, and the dashboards read only the published
warehouse. A wrong-way import fails here, with the file and the import named."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ingestion.gis.events import SYSTEMS as INGESTED_SYSTEMS
from operational_app.seed.gis_files import SYSTEMS as SEEDED_SYSTEMS

REPO_ROOT = Path(__file__).resolve().parents[1]

# package -> top-level packages it must never import
FORBIDDEN = {
    "operational_app": {"ingestion", "orchestration", "dashboards", "dagster", "dbt"},
    "ingestion": {"operational_app", "orchestration", "dashboards", "dagster"},
    "dashboards": {"operational_app", "ingestion", "orchestration", "dagster", "sqlalchemy"},
}
# The one sanctioned crossing: the dashboards accept the app's sign-in session, which they
# check in the app's user store.
ALLOWED = {"dashboards/auth.py": {"operational_app", "sqlalchemy"}}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_wrong_way_imports(package: str) -> None:
    wrong = {
        str(path.relative_to(REPO_ROOT)): sorted(
            imported_packages(path)
            & FORBIDDEN[package] - ALLOWED.get(str(path.relative_to(REPO_ROOT)), set())
        )
        for path in sorted((REPO_ROOT / package).rglob("*.py"))
    }
    assert {path: names for path, names in wrong.items() if names} == {}


def test_the_seed_writes_the_inbox_folders_ingestion_reads() -> None:
    assert tuple(SEEDED_SYSTEMS) == tuple(INGESTED_SYSTEMS)
