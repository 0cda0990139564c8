"""Fixtures shared by every test package."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.postgres import temporary_postgres_database


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test (skipped when no server is configured)."""
    with temporary_postgres_database() as url:
        yield url


# First: xdist's own hook reads the groups to name the tests' nodes.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under xdist's `--dist loadgroup` (`make test`), keep the tests that share an expensive
    fixture on one worker, so each is built once: the e2e warehouse (a whole pipeline run) for
    every test that reads it, and a module's own module-scoped fixtures for its tests. The rest
    spread freely over the workers."""
    for item in items:
        group = shared_fixture_group(item)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))


def shared_fixture_group(item: pytest.Item) -> str | None:
    fixture_info = getattr(item, "_fixtureinfo", None)
    if fixture_info is None:
        return None
    if E2E_WAREHOUSE_FIXTURES & set(fixture_info.names_closure):
        return "e2e-warehouse"
    for definitions in fixture_info.name2fixturedefs.values():
        definition = definitions[-1]
        # Module fixtures defined in the test module itself (a conftest's are cheap helpers).
        if definition.scope == "module" and definition.baseid == item.nodeid.split("::")[0]:
            return item.nodeid.split("::")[0]
    return None


# tests/e2e/conftest.py: one seeded `small` data set and its pipeline runs, shared by the e2e files.
E2E_WAREHOUSE_FIXTURES = {"published_flow", "flow_a_year_later", "flow"}
