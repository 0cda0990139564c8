"""GET /api/v1/counterparties/lookup and `crm registry load`."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crm.cli import main
from operational_app.api.routes import registry as registry_route
from operational_app.registry.base import RegistryParty, RegistryUnavailable
from operational_app.registry.local import load_egrul_file

SAMPLE = Path(__file__).parent / "data" / "egrul_sample.xml"
URL = "/api/v1/counterparties/lookup"


def test_lookup_from_the_local_registry(client: TestClient, db: Session) -> None:
    load_egrul_file(db, SAMPLE)
    response = client.get(URL, params={"inn": "7707083893"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["source"] == "local"
    assert [(p["kpp"], p["is_branch"]) for p in body["parties"]] == [
        ("773601001", False),
        ("540643001", True),
    ]
    head = body["parties"][0]
    assert head["short_name"] == "ПАО СБЕРБАНК" and head["registration_date"] == "1991-06-20"
    assert head["needs_warning"] is False


def test_liquidated_is_flagged(client: TestClient, db: Session) -> None:
    load_egrul_file(db, SAMPLE)
    (party,) = client.get(URL, params={"inn": "7712345671"}).json()["parties"]
    assert (party["status"], party["needs_warning"]) == ("liquidated", True)


def test_unknown_inn_is_an_empty_answer(client: TestClient, db: Session) -> None:
    assert client.get(URL, params={"inn": "7707083893"}).json()["parties"] == []


@pytest.mark.parametrize("inn", ["7707083894", "770708389", "12345"])
def test_bad_inn_is_422_with_the_rule(client: TestClient, db: Session, inn: str) -> None:
    response = client.get(URL, params={"inn": inn})
    assert response.status_code == 422
    assert response.json()["rule"].startswith("inn.")


def test_non_digits_are_422(client: TestClient, db: Session) -> None:
    assert client.get(URL, params={"inn": "77070838ab"}).status_code == 422


@pytest.mark.parametrize(("code", "status"), [("rate_limited", 429), ("timeout", 503)])
def test_source_errors_are_messages_not_500(
    client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch, code: str, status: int
) -> None:
    class Down:
        name = "dadata"

        def find_by_inn(self, inn: str) -> list[RegistryParty]:
            raise RegistryUnavailable(code, "DaData is having a bad day.")

    monkeypatch.setattr(registry_route, "registry_for", lambda settings, session: Down())
    response = client.get(URL, params={"inn": "7707083893"})
    assert response.status_code == status
    assert response.json() == {"detail": "DaData is having a bad day.", "rule": f"registry.{code}"}


def test_anonymous_is_refused(anon_client: TestClient) -> None:
    assert anon_client.get(URL, params={"inn": "7707083893"}).status_code == 401


def test_cli_load_reports_bad_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CRM_OLTP_URL", f"sqlite:///{tmp_path / 'crm.sqlite3'}")
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path))
    assert main(["registry", "load", str(SAMPLE)]) == 0
    captured = capsys.readouterr()
    output = " ".join((captured.out + captured.err).split())
    assert "Loaded 3 legal entities" in output
    assert "2 records refused" in output and "7707083894" in output


def test_cli_load_broken_file_is_one_line_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CRM_OLTP_URL", f"sqlite:///{tmp_path / 'crm.sqlite3'}")
    broken = tmp_path / "broken.xml"
    broken.write_text("<EGRUL><СвЮЛ>", encoding="utf-8")
    assert main(["registry", "load", str(broken)]) == 1
    captured = capsys.readouterr()
    assert "Cannot read broken.xml" in " ".join((captured.out + captured.err).split())
    assert main(["registry", "load", str(tmp_path / "missing.xml")]) == 2
