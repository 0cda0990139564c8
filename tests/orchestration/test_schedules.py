from __future__ import annotations

import datetime as dt

import dagster as dg
import pytest

# The iterator the Dagster daemon itself uses to place ticks (not re-exported publicly).
from dagster._utils.schedules import cron_string_iterator

from orchestration.run_config import pipeline_run_config
from orchestration.schedules import (
    FULL_PIPELINE_JOB_NAME,
    INCREMENTAL_SCHEDULE_NAME,
    NIGHTLY_SCHEDULE_NAME,
    daily_full_pipeline_schedule,
    incremental_run_config,
    nightly_run_config,
    working_hours_incremental_schedule,
)

MOSCOW = dt.timezone(dt.timedelta(hours=3))


def test_nightly_schedule_rebuilds_everything_at_half_past_two_moscow_time() -> None:
    schedule = daily_full_pipeline_schedule
    assert schedule.name == NIGHTLY_SCHEDULE_NAME
    assert schedule.cron_schedule == "30 2 * * *"
    assert schedule.execution_timezone == "Europe/Moscow"
    assert schedule.job_name == FULL_PIPELINE_JOB_NAME
    assert nightly_run_config() == pipeline_run_config(full_refresh=True)
    assert nightly_run_config()["ops"]["raw_oltp_tables"]["config"]["full_refresh"] is True

    with dg.build_schedule_context(
        scheduled_execution_time=dt.datetime(2026, 6, 30, 2, 30, tzinfo=MOSCOW)
    ) as context:
        data = schedule.evaluate_tick(context)
    [request] = data.run_requests
    assert request.run_config == nightly_run_config()
    assert request.tags["crm/refresh"] == "full"


def test_incremental_schedule_runs_every_quarter_hour_on_working_days() -> None:
    schedule = working_hours_incremental_schedule
    assert schedule.name == INCREMENTAL_SCHEDULE_NAME
    assert schedule.cron_schedule == "*/15 8-19 * * 1-5"
    assert schedule.execution_timezone == "Europe/Moscow"
    assert schedule.job_name == FULL_PIPELINE_JOB_NAME
    assert incremental_run_config()["ops"]["raw_oltp_tables"]["config"]["full_refresh"] is False

    # Tuesday 30 June 2026 from 07:50 Moscow time: the first tick is at 08:00.
    ticks = cron_string_iterator(
        dt.datetime(2026, 6, 30, 7, 50, tzinfo=MOSCOW).timestamp(),
        schedule.cron_schedule,
        schedule.execution_timezone,
    )
    first = [next(ticks) for _ in range(49)]
    assert (first[0].hour, first[0].minute) == (8, 0)
    assert (first[47].hour, first[47].minute) == (19, 45)  # the last tick of the day
    assert (first[48].day, first[48].hour) == (1, 8)  # then Wednesday morning
    # Friday's last tick is followed by Monday's first.
    ticks = cron_string_iterator(
        dt.datetime(2026, 7, 3, 19, 50, tzinfo=MOSCOW).timestamp(),
        schedule.cron_schedule,
        schedule.execution_timezone,
    )
    monday = next(ticks)
    assert (monday.strftime("%A"), monday.hour, monday.minute) == ("Monday", 8, 0)


def test_incremental_tick_requests_an_incremental_run_when_nothing_is_running() -> None:
    with dg.instance_for_test() as instance:
        with dg.build_schedule_context(instance=instance) as context:
            result = working_hours_incremental_schedule(context)
    assert isinstance(result, dg.RunRequest)
    assert result.run_config == incremental_run_config()
    assert result.tags["crm/refresh"] == "incremental"


@pytest.mark.parametrize(
    ("status", "skips"),
    [
        (dg.DagsterRunStatus.STARTED, True),
        (dg.DagsterRunStatus.NOT_STARTED, True),
        (dg.DagsterRunStatus.SUCCESS, False),
        (dg.DagsterRunStatus.FAILURE, False),
    ],
)
def test_incremental_tick_skips_while_a_run_is_queued_or_running(
    status: dg.DagsterRunStatus, skips: bool
) -> None:
    with dg.instance_for_test() as instance:
        instance.add_run(
            dg.DagsterRun(job_name=FULL_PIPELINE_JOB_NAME, run_id="busy-run", status=status)
        )
        with dg.build_schedule_context(instance=instance) as context:
            result = working_hours_incremental_schedule(context)
    assert isinstance(result, dg.SkipReason) is skips


def test_schedules_start_stopped_and_the_sensor_running_as_the_readme_says() -> None:
    from pathlib import Path

    from orchestration.sensors import gis_inbox_sensor

    for schedule in (daily_full_pipeline_schedule, working_hours_incremental_schedule):
        assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED, schedule.name
    assert gis_inbox_sensor.default_status == dg.DefaultSensorStatus.RUNNING
    readme = Path(__file__).resolve().parents[2].joinpath("README.md").read_text(encoding="utf-8")
    text = " ".join(readme.split())
    assert "Both schedules are defined with Dagster's default state, *stopped*" in text
    assert "The GIS inbox sensor is defined *running*" in text
    for name in (NIGHTLY_SCHEDULE_NAME, INCREMENTAL_SCHEDULE_NAME):
        assert name in text
