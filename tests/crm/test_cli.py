"""Command-line arguments that are checked before anything runs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import dagster as dg
import pytest

import crm.pipeline
from crm.cli import build_parser, main
from crm.pipeline import (
    PipelineOutcome,
    StepProgress,
    event_log_file,
    execute_job,
    one_line_error,
    prune_logs,
)


def test_app_workers_default_to_one_and_accept_a_count() -> None:
    parser = build_parser()
    assert parser.parse_args(["app"]).workers == 1
    assert parser.parse_args(["app", "--workers", "2"]).workers == 2


@pytest.mark.parametrize("workers", ["0", "-1", "two", "65"])
def test_app_refuses_a_worker_count_that_is_not_1_to_64(
    workers: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["app", "--workers", workers])
    assert exited.value.code == 2
    assert "--workers" in capsys.readouterr().err


# ---------------------------------------------------------------- `crm pipeline`: progress, log


def _tiny_job() -> dg.JobDefinition:
    """Loads 7 rows, builds one model, fails at the next step, skips the last one."""

    @dg.asset(key=dg.AssetKey(["raw_oltp", "deals"]))
    def raw_deals(context) -> dg.MaterializeResult:  # type: ignore[no-untyped-def]
        print("1 of 3 START sql table model marts.fct_deals (a dbt line on stdout)")
        context.log.info("copying the deals")
        return dg.MaterializeResult(metadata={"rows_merged": 7})

    @dg.asset(key=dg.AssetKey(["marts", "fct_deals"]), deps=[raw_deals])
    def fct_deals() -> dg.MaterializeResult:
        return dg.MaterializeResult()

    @dg.asset(key=dg.AssetKey(["marts", "unchanged"]), deps=[raw_deals])
    def unchanged() -> dg.MaterializeResult:
        return dg.MaterializeResult(metadata={"rebuilt": False})

    @dg.asset(deps=[fct_deals, unchanged])
    def broken() -> None:
        raise ValueError("the warehouse is on fire\nsecond line of the error")

    @dg.asset(deps=[broken])
    def after_broken() -> None:
        return None

    definitions = dg.Definitions(
        assets=[raw_deals, fct_deals, unchanged, broken, after_broken],
        jobs=[dg.define_asset_job("tiny", selection=dg.AssetSelection.all())],
    )
    return definitions.resolve_job_def("tiny")


def test_a_run_with_a_log_file_is_quiet_on_the_terminal_and_reports_each_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log_path = tmp_path / "logs" / "pipeline-x.log"
    steps: list[StepProgress] = []
    with event_log_file(log_path) as log_file:
        outcome = execute_job(
            _tiny_job(),
            dg.DagsterInstance.ephemeral(),
            {},
            progress=steps.append,
            log_file=log_file,
        )
    terminal = capsys.readouterr()
    assert "copying the deals" not in terminal.out + terminal.err
    assert "STEP_START" not in terminal.out + terminal.err
    assert "a dbt line on stdout" not in terminal.out + terminal.err
    log = log_path.read_text(encoding="utf-8")
    assert "copying the deals" in log and "a dbt line on stdout" in log
    assert "raw_oltp__deals STEP_START" in log and "broken STEP_FAILURE" in log

    assert not outcome.success
    ((failed_step, message),) = outcome.failed_steps
    assert failed_step == "broken"
    assert "the warehouse is on fire" in message and "second line" not in message
    states = [(step.step_key, step.state) for step in steps]
    assert states.index(("raw_oltp__deals", "started")) < states.index(
        ("raw_oltp__deals", "succeeded")
    )
    assert ("broken", "failed") in states
    assert not any(step == "after_broken" for step, _ in states)  # never started
    assert all(step.seconds is not None for step in steps if step.state in ("succeeded", "failed"))
    assert (outcome.rows_loaded, outcome.models_built, outcome.models_unchanged) == (7, 1, 1)
    assert set(outcome.step_seconds) >= {"raw_oltp__deals", "marts__fct_deals", "broken"}


def test_without_a_log_file_dagster_still_logs_to_the_console(
    capsys: pytest.CaptureFixture[str],
) -> None:
    execute_job(_tiny_job(), dg.DagsterInstance.ephemeral(), {})
    assert "copying the deals" in capsys.readouterr().err


def test_old_pipeline_logs_are_pruned_newest_kept(tmp_path: Path) -> None:
    names = [f"pipeline-20260101-0000{second:02d}-abcdef12.log" for second in range(5)]
    for name in names:
        (tmp_path / name).write_text("x")
    (tmp_path / "notes.txt").write_text("kept")
    removed = prune_logs(tmp_path, keep=2)
    assert sorted(path.name for path in removed) == names[:3]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([*names[3:], "notes.txt"])


def _fake_run(
    outcome: PipelineOutcome,
    steps: list[StepProgress],
    seen: dict[str, object],
) -> object:
    def run(settings: object, **kwargs: object) -> PipelineOutcome:
        seen.update(kwargs)
        progress = kwargs["progress"]
        for step in steps:
            progress(step)  # type: ignore[operator]
        return outcome

    return run


def _outcome(**changes: object) -> PipelineOutcome:
    base = PipelineOutcome(
        success=True,
        run_id="b3b81072-2026-42d0-846d-bd805e36e772",
        failed_steps=[],
        materialized=["raw_oltp/deals", "marts/fct_deals"],
        step_seconds={"raw_oltp_tables": 15.1, "crm_dbt_models": 82.0},
        rows_loaded=12_345,
        models_built=76,
        models_unchanged=0,
        checks_passed=250,
        seconds=206.0,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_cli_prints_a_line_per_step_and_a_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path))
    seen: dict[str, object] = {}
    steps = [
        StepProgress("raw_oltp_tables", "started"),
        StepProgress("raw_oltp_tables", "succeeded", 15.1),
        StepProgress("crm_dbt_models", "started"),
        StepProgress("crm_dbt_models", "succeeded", 82.0),
    ]
    monkeypatch.setattr(crm.pipeline, "run_full_pipeline", _fake_run(_outcome(), steps, seen))
    assert main(["pipeline"]) == 0
    err = " ".join(capsys.readouterr().err.split())  # rich wraps long lines
    log_path = seen["log_path"]
    assert isinstance(log_path, Path) and log_path.parent == tmp_path / "logs"
    assert str(log_path) in err
    assert "copy OLTP tables started" in err
    assert "copy OLTP tables done in 15.1 s" in err
    assert "dbt build (models and tests) done in 1 min 22 s" in err
    assert "Done in 3 min 26 s: 2 steps, 12,345 rows loaded, 76 models built, 250 checks" in err
    assert str(tmp_path / "warehouse" / "crm.duckdb") in err
    assert seen["full_refresh"] is False


def test_cli_engine_flag_runs_dbt_on_spark_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CRM_DBT_ENGINE", raising=False)
    engines: list[str] = []

    def run(settings: object, **kwargs: object) -> PipelineOutcome:
        engines.append(settings.dbt_engine)  # type: ignore[attr-defined]
        return _outcome()

    monkeypatch.setattr(crm.pipeline, "run_full_pipeline", run)
    assert main(["pipeline", "--engine", "spark"]) == 0
    assert "dbt on spark" in capsys.readouterr().err
    assert main(["pipeline"]) == 0
    assert engines == ["spark", "duckdb"]


def test_cli_names_the_failed_step_in_one_line_and_exits_non_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path))
    failed = _outcome(
        success=False,
        failed_steps=[("crm_dbt_models", "dbt test failed")],
        failed_checks=["not_null_a", "unique_b", "c", "d", "e"],
    )
    steps = [StepProgress("crm_dbt_models", "failed", 3.0)]
    monkeypatch.setattr(crm.pipeline, "run_full_pipeline", _fake_run(failed, steps, {}))
    assert main(["pipeline", "--full"]) == 1
    lines = capsys.readouterr().err.splitlines()
    (failure,) = [line for line in lines if line.startswith("Pipeline failed")]
    assert "crm_dbt_models" in failure and "dbt test failed" in failure
    assert "not_null_a, unique_b, c and 2 more" in failure
    assert not any(line.startswith("Done") for line in lines)


def test_cli_reports_a_run_that_could_not_start_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path))

    def cannot_start(settings: object, **kwargs: object) -> PipelineOutcome:
        raise RuntimeError("dbt parse failed: no profile\nlong traceback text")

    monkeypatch.setattr(crm.pipeline, "run_full_pipeline", cannot_start)
    assert main(["pipeline"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "long traceback text" not in err
    assert "could not start" in err and "dbt parse failed: no profile" in err
    (log,) = (tmp_path / "logs").glob("pipeline-*.log")
    assert "Traceback" in log.read_text(encoding="utf-8")


def test_pipeline_help_says_incremental_is_the_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["pipeline", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "Incremental by default" in help_text
    assert "log file" in help_text


# ---------------------------------------------------------------- what `make` runs

REPO_ROOT = Path(__file__).resolve().parents[2]


def _make_dry_run(*args: str) -> str:
    import shutil
    import subprocess

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(REPO_ROOT)},
    )
    return done.stdout


def test_make_serve_passes_the_ports_to_every_server() -> None:
    commands = _make_dry_run(
        "-o", "install", "serve", "APP_PORT=8101", "DASHBOARDS_PORT=8602", "DAGSTER_PORT=3103"
    )
    assert "crm app --host 127.0.0.1 --port 8101" in commands
    assert "crm dashboards --host 127.0.0.1 --port 8602" in commands
    assert "dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3103" in commands
    defaults = _make_dry_run("-o", "install", "serve")
    assert "--port 8000" in defaults and "--port 8501" in defaults and "-p 3000" in defaults


def test_make_pipeline_is_incremental_unless_full_is_asked_for() -> None:
    assert _make_dry_run("-o", "install", "pipeline").strip().endswith("crm pipeline")
    assert "crm pipeline --full" in _make_dry_run("-o", "install", "pipeline", "FULL=1")


def test_readme_documents_the_port_variables_and_where_design_md_is() -> None:
    readme = " ".join((REPO_ROOT / "README.md").read_text(encoding="utf-8").split())
    for variable in ("APP_PORT", "DASHBOARDS_PORT", "DAGSTER_PORT"):
        assert variable in readme
    assert "`../shared/DESIGN.md` from the repository root" in readme
    assert "incremental by default" in readme


def test_a_failed_dbt_command_is_told_by_its_first_dbt_error() -> None:
    command = "dbt build --exclude-resource-type unit_test --select fqn:*"
    with_errors = (
        f"The dbt CLI process with command\n\n`{command}`\n\nfailed with exit code `1`. Check the "
        "stdout in the Dagster compute logs for the full information about the error.\n\n"
        "Errors parsed from dbt logs:\n\n"
        "Failure in test not_null_fct_deals_deal_id (models/marts/fct_deals.yml)\n\n"
        "Got 3 results, configured to fail if != 0"
    )
    assert one_line_error(with_errors, "DagsterDbtCliRuntimeError") == (
        "dbt: Failure in test not_null_fct_deals_deal_id (models/marts/fct_deals.yml)"
    )
    without = f"The dbt CLI process with command\n\n`{command}`\n\nfailed with exit code `2`."
    assert one_line_error(without, "DagsterDbtCliRuntimeError") == "dbt failed (exit code 2)"
    coloured = (
        f"The dbt CLI process with command\n\n`{command}`\n\nfailed with exit code `1`.\n\n"
        "Errors parsed from dbt logs:\n\n"
        "4 of 33 FAIL 1 accepted_values_stg_opapp__claims_status  [\x1b[31mFAIL 1\x1b[0m in 0.11s]"
    )
    assert one_line_error(coloured, "DagsterDbtCliRuntimeError") == (
        "dbt: 4 of 33 FAIL 1 accepted_values_stg_opapp__claims_status  [FAIL 1 in 0.11s]"
    )
    assert one_line_error("boom\nmore", "ValueError") == "boom"
    assert one_line_error("", "ValueError") == "ValueError"
