"""Import partners, deals, interactions and claims from CSV/XLSX exports (`crm import`).

Pure logic, usable without the CLI: `run_import(url, entity, file, mapping)`. See mapping.py
for the YAML format and entities.py for keys, update rules and per-entity checks.
"""

from operational_app.importer.entities import ENTITIES, RowError, plan_stage_history
from operational_app.importer.mapping import (
    ImportMapping,
    MappingError,
    load_mapping,
    parse_mapping,
)
from operational_app.importer.reading import SourceError, SourceOptions, read_source
from operational_app.importer.runner import (
    ImportSummary,
    describe,
    describe_created,
    error_kinds,
    run_import,
    write_errors,
)

__all__ = [
    "ENTITIES",
    "ImportMapping",
    "ImportSummary",
    "MappingError",
    "RowError",
    "SourceError",
    "SourceOptions",
    "describe",
    "describe_created",
    "error_kinds",
    "load_mapping",
    "parse_mapping",
    "plan_stage_history",
    "read_source",
    "run_import",
    "write_errors",
]
