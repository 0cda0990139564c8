"""dbt in-process for the dbt tests: parse once, then run commands on one build database."""

from __future__ import annotations

from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"


class Dbt:
    """dbt in-process on one build database: parse once, then every command reuses it."""

    def __init__(self, work: Path, database: Path) -> None:
        from dbt.cli.main import dbtRunner

        self.database = database
        self.flags = [
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(work / "target"),
            "--log-path",
            str(work / "logs"),
            "--quiet",
        ]
        parsed = dbtRunner().invoke(["parse", "--no-partial-parse", *self.flags])
        assert parsed.success, parsed.exception
        self.manifest = parsed.result
        self.runner = dbtRunner(manifest=self.manifest)

    def invoke(self, *args: str) -> dict[str, tuple[str, str]]:
        """Run a command; return {node name: (status, message)} of what it ran (exposures, the
        dashboards' declared lineage, have nothing to run: `build` reports them as no-op)."""
        result = self.runner.invoke([*args, *self.flags])
        assert result.result is not None, result.exception
        return {
            node.node.name: (str(node.status), node.message or "")
            for node in result.result
            if node.node.resource_type != "exposure"
        }

    def sql(self, query: str, parameters: list | None = None) -> list[tuple]:
        # Not read_only: the in-process dbt still holds a read-write connection to the file.
        with duckdb.connect(str(self.database)) as con:
            return con.execute(query, parameters).fetchall()
