"""The counterparty form carries the autofill (button, script, messages) in the UI language, and
the registry is chosen from the settings."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crm.settings import get_settings
from operational_app.domain import partners as partner_service
from operational_app.registry.base import RegistryUnavailable
from operational_app.registry.cache import CachedRegistry
from operational_app.registry.local import LocalRegistry
from operational_app.registry.service import registry_for


def test_counterparty_form_offers_autofill_in_russian(client: TestClient, db: Session) -> None:
    partner = partner_service.create_partner(db, name="Партнёр")
    db.commit()
    html = client.get(f"/partners/{partner.id}/counterparties/new").text
    assert 'id="registry-fill"' in html and "Заполнить по ИНН" in html
    assert '<script src="/static/counterparty_lookup.js" defer></script>' in html
    assert 'data-msg-warning-liquidated="Внимание: организация ликвидирована' in html
    assert "<script>" not in html  # the CSP allows no inline script


def test_counterparty_form_in_english(client_en: TestClient, db: Session) -> None:
    partner = partner_service.create_partner(db, name="Partner")
    db.commit()
    html = client_en.get(f"/partners/{partner.id}/counterparties/new").text
    assert "Fill by INN" in html and 'data-msg-not-found="The registry has no' in html


def test_the_script_is_served(client: TestClient) -> None:
    response = client.get("/static/counterparty_lookup.js")
    assert response.status_code == 200 and "/api/v1/counterparties/lookup" in response.text


def test_registry_follows_the_settings(db: Session) -> None:
    assert isinstance(
        registry_for(get_settings({"CRM_REGISTRY_SOURCE": "local"}), db), LocalRegistry
    )
    dadata = registry_for(get_settings({"CRM_REGISTRY_SOURCE": "dadata", "DADATA_TOKEN": "t"}), db)
    assert isinstance(dadata, CachedRegistry) and dadata.name == "dadata"
    with pytest.raises(RegistryUnavailable) as off:
        registry_for(get_settings({"CRM_REGISTRY_SOURCE": "none"}), db)
    assert off.value.code == "disabled"
    with pytest.raises(RegistryUnavailable) as no_token:
        registry_for(get_settings({"CRM_REGISTRY_SOURCE": "dadata"}), db)
    assert no_token.value.code == "not_configured"


def test_unknown_source_and_secrets_out_of_repr() -> None:
    with pytest.raises(ValueError, match="CRM_REGISTRY_SOURCE"):
        get_settings({"CRM_REGISTRY_SOURCE": "egrul.nalog.ru"})
    settings = get_settings({"DADATA_TOKEN": "tok-123", "DADATA_SECRET": "sec-456"})
    assert settings.dadata_token == "tok-123"
    assert "tok-123" not in repr(settings) and "sec-456" not in repr(settings)


def test_counterparty_card_lists_registry_changes(client: TestClient, db: Session) -> None:
    import datetime as dt

    from operational_app.db.models import CounterpartyRegistryChange

    partner = partner_service.create_partner(db, name="Партнёр")
    counterparty = partner_service.create_counterparty(
        db,
        partner_id=partner.id,
        legal_form="legal_entity",
        inn="7712345671",
        kpp="771201001",
        legal_name="ООО «Лавка»",
    )
    db.add(
        CounterpartyRegistryChange(
            counterparty_id=counterparty.id,
            field="status",
            old_value="active",
            new_value="liquidated",
            detected_at=dt.datetime(2026, 3, 2, 1, 0),
            source="local",
        )
    )
    db.commit()
    html = client.get(f"/counterparties/{counterparty.id}").text
    table = html[html.index('id="registry-changes"') :]
    assert "Изменения в реестре" in html
    assert "действующая" in table and "ликвидирована" in table
    assert "02.03.2026" in table
