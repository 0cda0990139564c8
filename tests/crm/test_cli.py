"""Command-line arguments that are checked before anything runs."""

from __future__ import annotations

import pytest

from crm.cli import build_parser


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
