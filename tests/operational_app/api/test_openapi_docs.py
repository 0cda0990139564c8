"""/docs is the integrators' documentation: every operation, field and parameter is described.

A failure names what lacks a description. To fix it: a route gets a docstring (first line the
summary, then the rules worth knowing); a field name gets one line in
`operational_app/api/openapi_docs.py` FIELD_DOCS, or, where the name means something else in one
schema, a "<Schema>.<field>" entry there or the field's own `Field(description=...)`; a query
parameter is described by PARAM_DOCS, else by the FIELD_DOCS entry of its name, unless its
`Query(description=...)` says otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import Field

from crm.settings import get_settings
from operational_app.api.openapi_docs import FIELD_DOCS
from operational_app.api.schemas import Public
from operational_app.main import create_app

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


@pytest.fixture(scope="module")
def openapi(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data_dir: Path = tmp_path_factory.mktemp("openapi-data")
    app = create_app(get_settings({"CRM_OLTP_URL": "sqlite://", "CRM_DATA_DIR": str(data_dir)}))
    return app.openapi()


def test_every_operation_has_a_description(openapi: dict[str, Any]) -> None:
    missing = [
        f"{method.upper()} {path}"
        for path, item in openapi["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS and not operation.get("description", "").strip()
    ]
    assert openapi["paths"], "the app has no operations"
    assert not missing, f"{len(missing)} operations without a docstring: {missing}"


def test_every_schema_field_has_a_description(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]
    missing = [
        f"{schema_name}.{field}"
        for schema_name, schema in schemas.items()
        for field, prop in schema.get("properties", {}).items()
        if not prop.get("description", "").strip()
    ]
    assert sum(len(schema.get("properties", {})) for schema in schemas.values()) > 100
    assert not missing, f"{len(missing)} fields without a description: {missing}"


def test_the_api_overview_explains_errors_and_locking(openapi: dict[str, Any]) -> None:
    overview = openapi["info"]["description"]
    assert "stale_version" in overview
    assert '"rule"' in overview


def test_the_catalogue_describes_a_field_by_its_name(openapi: dict[str, Any]) -> None:
    partner = openapi["components"]["schemas"]["PartnerPublic"]["properties"]
    assert partner["version"]["description"] == FIELD_DOCS["version"]
    assert partner["manager_id"]["description"] == FIELD_DOCS["manager_id"]


class _Sample(Public):
    id: int
    name: str
    number: str = Field(description="The field's own words")
    comment: str | None = Field(default=None, description="Explicit comment text")
    version: int


class _SampleDetail(_Sample):
    pass


def test_an_explicit_description_wins_over_the_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(FIELD_DOCS, "_Sample.number", "Per-schema, but the field says otherwise")
    properties = _Sample.model_json_schema()["properties"]
    assert properties["number"]["description"] == "The field's own words"
    assert properties["comment"]["description"] == "Explicit comment text"
    assert properties["id"]["description"] == FIELD_DOCS["id"]


def test_a_schema_entry_wins_over_the_name_and_is_inherited(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(FIELD_DOCS, "_Sample.name", "Per-schema meaning")
    monkeypatch.setitem(FIELD_DOCS, "_SampleDetail.version", "The detail's own version text")
    sample = _Sample.model_json_schema()["properties"]
    detail = _SampleDetail.model_json_schema()["properties"]
    assert sample["name"]["description"] == detail["name"]["description"] == "Per-schema meaning"
    assert sample["version"]["description"] == FIELD_DOCS["version"]
    assert detail["version"]["description"] == "The detail's own version text"


def test_a_schema_entry_reaches_the_rendered_openapi(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]
    deal_status = FIELD_DOCS["DealPublic.status"]
    assert schemas["DealPublic"]["properties"]["status"]["description"] == deal_status
    assert schemas["DealDetail"]["properties"]["status"]["description"] == deal_status
    assert schemas["ClaimPublic"]["properties"]["status"]["description"] != deal_status


def test_framework_schemas_are_described(openapi: dict[str, Any]) -> None:
    error = openapi["components"]["schemas"]["ValidationError"]["properties"]
    assert error["loc"]["description"]


def test_every_catalogue_entry_names_a_field_of_the_api(openapi: dict[str, Any]) -> None:
    # A typo in a key would otherwise describe nothing, silently.
    fields: set[tuple[str, str]] = set()
    for schema_name, schema in openapi["components"]["schemas"].items():
        # FastAPI qualifies clashing names (module__path__Name) and splits -Input/-Output.
        name = schema_name.rsplit("__", 1)[-1].removesuffix("-Input").removesuffix("-Output")
        fields.update((name, field) for field in schema.get("properties", {}))
    field_names = {field for _, field in fields}
    stale = [
        key
        for key in FIELD_DOCS
        if (tuple(key.split(".")) not in fields if "." in key else key not in field_names)
    ]
    assert not stale, f"catalogue entries that describe no field: {stale}"


def test_every_parameter_has_a_description(openapi: dict[str, Any]) -> None:
    missing = [
        f"{method.upper()} {path} {parameter['name']}"
        for path, item in openapi["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
        for parameter in operation.get("parameters", [])
        if not parameter.get("description", "").strip()
    ]
    assert not missing, f"{len(missing)} parameters without a description: {missing}"
