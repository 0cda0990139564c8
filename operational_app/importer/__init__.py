"""Import partners, deals, interactions and claims from CSV/XLSX exports (`crm import`).

Pure logic, usable without the CLI: `run_import(url, entity, file, mapping)`. See mapping.py
for the YAML format and entities.py for keys, update rules and per-entity checks.

Onboarding into an empty database needs only `crm` commands: `crm classifier add` (deal kinds
with their stages, loss and claim reasons, business regions, partner roles; classifiers.py) or
`create_missing: true` in the mapping, then `crm import users|partners|deals|claims`, then
`crm pipeline`. Every import creates or upgrades the OLTP schema first.

Leads (deals without a customer yet): as in 1C, a deal always belongs to a partner, and a
partner without a counterparty (Контрагент: ИНН, КПП) is a potential client, who can have deals,
offers and interactions but no sales documents. A mapping keeps such rows by giving `partner` a
default name, created when missing (kind customer, no counterparty): the Maven mapping puts its
1,425 leads on "Потенциальный клиент (не указан)", so every row is imported and the funnel's
counts per stage are the file's. No new partner kind, hence no migration.

Industry (Отрасль) has no partner column: it is a partner role named "Отрасль: <industry>",
which dim_partners turns into its `industry` column.
"""

from operational_app.importer.entities import ENTITIES, RowError, plan_stage_history
from operational_app.importer.mapping import ImportMapping, MappingError
from operational_app.importer.reading import SourceError, SourceOptions, read_source
from operational_app.importer.runner import (
    ImportSummary,
    describe,
    describe_created,
    error_kinds,
    load_mapping,
    parse_mapping,
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
