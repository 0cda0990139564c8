"""Where the pipeline finds dbt: beside the running Python, never only on PATH."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from orchestration import resources
from orchestration.resources import DBT_PROJECT_DIR, dbt_executable, dbt_resource


def test_dbt_executable_is_the_one_beside_the_running_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "dbt").write_text("#!/bin/sh\n")
    monkeypatch.setattr(sys, "executable", str(bin_dir / "python"))
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "elsewhere"))
    assert dbt_executable() == str(bin_dir / "dbt")


def test_dbt_executable_falls_back_to_the_environment_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "venv" / "bin").mkdir(parents=True)
    (tmp_path / "venv" / "bin" / "dbt").write_text("#!/bin/sh\n")
    # e.g. sys.executable resolved to the base interpreter the virtualenv was made from
    monkeypatch.setattr(sys, "executable", str(tmp_path / "base" / "bin" / "python3"))
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv"))
    assert dbt_executable() == str(tmp_path / "venv" / "bin" / "dbt")


def test_dagster_dev_parses_the_project_without_dbt_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`.venv/bin/dagster dev` without an activated virtualenv: PATH has no dbt, and loading
    the definitions re-parses the project (dagster-dbt's prepare_if_dev would look for `dbt` on
    PATH and fail)."""
    assert (Path(sys.executable).parent / "dbt").exists(), "the venv's dbt is installed"
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.setenv("CRM_DBT_DUCKDB_PATH", str(tmp_path / "build.duckdb"))
    project = resources.DbtProject(
        project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target_path=tmp_path / "target"
    )
    resources.prepare_dbt_project(project)  # a fresh checkout: no manifest yet
    first_parse = project.manifest_path.stat().st_mtime_ns
    resources.prepare_dbt_project(project)  # `crm pipeline`: the manifest is used as it is
    assert project.manifest_path.stat().st_mtime_ns == first_parse
    monkeypatch.setenv("DAGSTER_IS_DEV_CLI", "1")
    resources.prepare_dbt_project(project)  # `dagster dev`: parsed again on every load
    assert project.manifest_path.stat().st_mtime_ns > first_parse
    assert Path(dbt_resource(project).dbt_executable).parent == Path(sys.executable).parent


def test_a_manifest_older_than_a_model_is_stale(tmp_path: Path) -> None:
    """`crm pipeline` after a model was added or changed must parse again, not build the old
    graph (a stale manifest lacks the new model and fails with a KeyError mid-run)."""
    (tmp_path / "models").mkdir()
    model = tmp_path / "models" / "fct_new.sql"
    model.write_text("select 1 as id")
    (tmp_path / "dbt_project.yml").write_text("name: x")
    manifest = tmp_path / "target" / "manifest.json"
    project = SimpleNamespace(project_dir=tmp_path, manifest_path=manifest)
    assert resources.manifest_is_stale(project), "no manifest yet"
    manifest.parent.mkdir()
    manifest.write_text("{}")
    later = model.stat().st_mtime_ns + 10**9
    os.utime(manifest, ns=(later, later))
    assert not resources.manifest_is_stale(project)
    os.utime(model, ns=(later + 10**9, later + 10**9))
    assert resources.manifest_is_stale(project), "a model changed after the parse"
