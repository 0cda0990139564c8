"""Every ЕГАИС file the seed writes, and every hand-written official sample, validates against
the УТМ XSDs kept in ingestion/gis/schemas/egais (see the SOURCE.md there)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import xmlschema

from ingestion.gis import egais
from operational_app.seed.gis_files import MALFORMED, SampleDocument, write_sample_inbox
from tests.ingestion.gis.sample_identities import sample_identities

SCHEMAS = Path(egais.__file__).parent / "schemas" / "egais"
OFFICIAL = Path(__file__).parent / "samples" / "egais_official"
MALFORMED_NAMES = {f"zz_bad_{name}" for _system, name, _data in MALFORMED}


@pytest.fixture(scope="module")
def documents_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(SCHEMAS / "WB_DOC_SINGLE_01.xsd")


def _errors(schema: xmlschema.XMLSchema, path: Path) -> list[str]:
    return [f"{path.name}: {error.reason} at {error.path}" for error in schema.iter_errors(path)]


def test_the_official_samples_validate(documents_schema: xmlschema.XMLSchema) -> None:
    files = sorted(OFFICIAL.glob("*.xml"))
    assert len(files) >= 5
    assert [e for path in files for e in _errors(documents_schema, path)] == []


def test_the_schema_refuses_what_the_format_forbids(
    documents_schema: xmlschema.XMLSchema, tmp_path: Path
) -> None:
    # The validation is real: a decision outside Accepted | Rejected | Differences fails.
    bad = tmp_path / "act.xml"
    text = (OFFICIAL / "WayBillAct_v4_ours_differences.xml").read_text(encoding="utf-8")
    bad.write_text(text.replace(">Differences<", ">Partly<"), encoding="utf-8")
    assert _errors(documents_schema, bad)


def test_every_seeded_egais_file_validates(
    documents_schema: xmlschema.XMLSchema, tmp_path: Path
) -> None:
    documents = [
        SampleDocument(
            reference=f"ЗК-{i:06d}",
            organization_inn="7707083893",
            counterparty_inn="5008012345" if i % 3 else "500100732259",
            date=dt.date(2026, 3, 1) + dt.timedelta(days=i % 9),
            systems=("egais",),
            organization_fsrar_id="030000194005" if i % 2 else None,
        )
        for i in range(1, 121)
    ]
    write_sample_inbox(tmp_path, documents, seed=4)
    files = sorted(
        path for path in (tmp_path / "egais").iterdir() if path.name not in MALFORMED_NAMES
    )
    kinds = {path.stem.split("_", 2)[-1] for path in files}
    assert {"WayBill_v4", "TTNInformF2Reg", "WayBillAct_v4", "ReplyNoAnswerTTN"} <= kinds
    assert [e for path in files for e in _errors(documents_schema, path)] == []
    # ... and each of them is read by the parser with the seed's identities.
    identities = sample_identities(documents)
    assert all(egais.parse(path, path.name, identities) for path in files)
