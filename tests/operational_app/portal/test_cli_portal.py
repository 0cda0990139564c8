"""`crm portal invite` and `crm portal users` (issue 19) on a fresh SQLite file: the schema is
created first, the link is printed once and works in the app."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from crm.cli import build_parser, main
from operational_app.db.models import ContactPerson, Partner
from operational_app.db.session import create_oltp_engine
from operational_app.portal import invites
from tests.operational_app.portal.utils import PASSWORD


@pytest.fixture
def oltp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'crm.sqlite3'}"
    monkeypatch.setenv("CRM_OLTP_URL", url)
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CRM_APP_URL", "https://crm.example.com/")
    return url


def test_invite_prints_a_working_link_and_users_lists_the_account(
    oltp: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["portal", "users"]) == 0  # creates the schema on an empty file
    engine = create_oltp_engine(oltp)
    with Session(engine) as session:
        partner = Partner(name="ООО Клиент из CLI")
        session.add(partner)
        session.flush()
        contact = ContactPerson(partner_id=partner.id, full_name="Иванова Мария")
        session.add(contact)
        session.commit()
        contact_id = contact.id
    capsys.readouterr()
    assert main(["portal", "invite", "--contact-id", str(contact_id), "--ttl-days", "3"]) == 0
    link = capsys.readouterr().out.strip()
    assert link.startswith("https://crm.example.com/portal/invite/")
    with Session(engine) as session:
        invites.accept_invite(session, link.rsplit("/", 1)[1], "maria", PASSWORD)
        session.commit()
    assert main(["portal", "users"]) == 0
    listed = capsys.readouterr().out
    assert "maria" in listed and "ООО Клиент из CLI" in listed
    engine.dispose()


def test_invite_errors_are_one_line(oltp: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["portal", "invite", "--contact-id", "12345"]) == 1
    assert "not found" in capsys.readouterr().err
    assert main(["portal", "invite", "--contact-id", "1", "--ttl-days", "400"]) == 1


def test_portal_commands_have_help() -> None:
    parser = build_parser()
    for argv in (
        ["portal", "--help"],
        ["portal", "invite", "--help"],
        ["portal", "users", "--help"],
    ):
        with pytest.raises(SystemExit) as done:
            parser.parse_args(argv)
        assert done.value.code == 0
