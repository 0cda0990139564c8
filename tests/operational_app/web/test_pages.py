"""Operator pages: forms keep what was typed, actions go through plain form posts (PRG)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.db.models import Deal, Partner
from tests.operational_app.utils.factories import (
    Classifiers,
    create_random_deal,
    create_random_partner,
    legal_entity_inn,
)


def field_error(html: str, name: str) -> str:
    match = re.search(rf'<span class="error" id="{name}-error">([^<]*)</span>', html)
    assert match, f"no error shown next to {name}"
    return match.group(1)


def input_value(html: str, name: str) -> str:
    match = re.search(rf'<input type="[a-z]+" name="{name}" value="([^"]*)"', html)
    assert match, f"no input {name}"
    return match.group(1)


def test_home_links_both_lists_in_russian(client: TestClient):
    html = client.get("/").text
    assert 'href="/partners"' in html and 'href="/deals"' in html
    assert "Партнёры" in html and "Сделки с клиентами" in html
    assert client.get("/static/app.css").status_code == 200


def test_english_labels(client_en: TestClient, db: Session, classifiers: Classifiers):
    html = client_en.get("/partners/new").text
    assert "Partners" in html and "Legal name" in html and "Партнёры" not in html
    deal = create_random_deal(db, classifiers)
    card = client_en.get(f"/deals/{deal.id}").text
    assert "Stage history" in card and "Loss reason" in card


def test_partner_form_error_keeps_typed_values(
    client: TestClient, db: Session, classifiers: Classifiers
):
    typed = {
        "name": 'ООО "Вектор" & Ко',
        "kind": "supplier",
        "business_region_id": str(classifiers.region.id),
        "legal_form": "legal_entity",
        "inn": "7707083894",
        "kpp": "773601001",
        "legal_name": "ООО «Вектор»",
        "phone": "+7 495 000-00-00",
    }
    response = client.post("/partners", data=typed)
    assert response.status_code == 422
    html = response.text
    assert field_error(html, "inn") == "Неверные контрольные цифры ИНН."
    assert input_value(html, "name") == "ООО &#34;Вектор&#34; &amp; Ко"
    assert input_value(html, "inn") == "7707083894"
    assert input_value(html, "legal_name") == "ООО «Вектор»"
    assert input_value(html, "phone") == "+7 495 000-00-00"
    assert re.search(rf'<option value="{classifiers.region.id}" selected>', html)
    assert '<option value="supplier" selected>' in html
    assert db.scalar(select(func.count()).select_from(Partner)) == 0


def test_partner_form_schema_errors_per_field(client: TestClient, db: Session):
    response = client.post(
        "/partners", data={"name": "", "legal_form": "legal_entity", "inn": "", "kpp": "1"}
    )
    assert response.status_code == 422
    assert field_error(response.text, "name") == "Заполните поле."
    assert field_error(response.text, "legal_name") == "Заполните поле."
    assert input_value(response.text, "kpp") == "1"


def test_partner_create_redirects_and_list_finds_it(client: TestClient, db: Session):
    inn = legal_entity_inn()
    response = client.post(
        "/partners",
        data={
            "name": "ООО Ромашка",
            "kind": "customer",
            "legal_form": "legal_entity",
            "inn": inn,
            "kpp": "773601001",
            "legal_name": "ООО «Ромашка»",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    partner_id = int(response.headers["location"].rsplit("/", 1)[1])
    card = client.get(response.headers["location"]).text
    assert "ООО Ромашка" in card and inn in card
    listing = client.get("/partners", params={"q": "ромашка"}).text
    assert f'href="/partners/{partner_id}"' in listing
    assert 'id="total">1<' in listing
    assert 'id="total">0<' in client.get("/partners", params={"q": "нет такого"}).text
    # Junk filters are ignored rather than failing the page.
    assert client.get("/partners", params={"manager_id": "abc", "offset": "-5"}).status_code == 200


def test_deal_form_error_and_success(client: TestClient, db: Session, classifiers: Classifiers):
    partner = create_random_partner(db)
    typed = {
        "name": "",
        "partner_id": str(partner.id),
        "deal_kind_id": str(classifiers.kind.id),
        "potential_amount": "1 500,50",
        "probability": "150",
    }
    response = client.post("/deals", data=typed)
    assert response.status_code == 422
    assert field_error(response.text, "name") == "Заполните поле."
    assert field_error(response.text, "probability") == "Не больше 100."
    assert input_value(response.text, "potential_amount") == "1 500,50"
    ok = client.post(
        "/deals", data={**typed, "name": "Поставка", "probability": "30"}, follow_redirects=False
    )
    assert ok.status_code == 303
    deal = db.scalars(select(Deal)).one()
    assert (str(deal.potential_amount), deal.probability) == ("1500.50", 30)


def test_deal_list_filters(client: TestClient, db: Session, classifiers: Classifiers):
    won = create_random_deal(db, classifiers, name="Выигрышная")
    create_random_deal(db, classifiers, name="Текущая")
    client.post(f"/deals/{won.id}/win", data={"version": "1"})
    html = client.get("/deals", params={"status": "won"}).text
    assert "Выигрышная" in html and "Текущая" not in html
    assert "Текущая" in client.get("/deals", params={"status": "bogus"}).text


def test_deal_card_actions_via_form_posts(
    client: TestClient, db: Session, classifiers: Classifiers
):
    deal = create_random_deal(db, classifiers)
    url = f"/deals/{deal.id}"
    card = client.get(url).text
    assert "Перейти на этап" in card and "Причина проигрыша" in card
    # The advance select only offers stages after the current one.
    first, second = classifiers.stages[:2]
    assert f">{first.sequence}. {first.name}<" not in card
    assert f">{second.sequence}. {second.name}<" in card

    moved = client.post(
        f"{url}/advance",
        data={"stage_id": str(classifiers.stages[2].id), "version": "1"},
        follow_redirects=False,
    )
    assert (moved.status_code, moved.headers["location"]) == (303, url)
    card = client.get(url).text
    assert classifiers.stages[2].name in re.search(r'id="current-stage">([^<]*)<', card).group(1)
    assert card.count('class="skipped"') == 1

    refused = client.post(f"{url}/lose", data={"loss_reason_id": "", "comment": "слишком дорого"})
    assert refused.status_code == 422
    assert "Укажите причину проигрыша." in refused.text
    assert input_value(refused.text, "comment") == "слишком дорого"
    db.expire_all()
    assert db.get(Deal, deal.id).status == "in_progress"

    reason = classifiers.loss_reasons[0]
    lost = client.post(
        f"{url}/lose",
        data={"loss_reason_id": str(reason.id), "comment": "дорого", "version": "2"},
        follow_redirects=False,
    )
    assert lost.status_code == 303
    card = client.get(url).text
    assert 'id="deal-status">Проиграна<' in card and reason.name in card

    assert client.post(f"{url}/reopen", data={"version": "3"}).status_code == 200
    won = client.post(f"{url}/win", data={"version": "4"}, follow_redirects=False)
    assert won.status_code == 303
    db.expire_all()
    final = db.get(Deal, deal.id)
    assert (final.status, final.current_stage_id) == ("won", classifiers.stages[-1].id)
    card = client.get(url).text
    assert "Возобновить" not in card and 'action="/deals/' not in card.split("</h1>", 1)[1]


def test_stale_card_post_is_refused(client: TestClient, db: Session, classifiers: Classifiers):
    deal = create_random_deal(db, classifiers)
    client.post(
        f"/deals/{deal.id}/edit", data={"version": "1", "name": "Новое", "probability": "5"}
    )
    stale = client.post(f"/deals/{deal.id}/win", data={"version": "1"})
    assert stale.status_code == 409
    assert "Запись изменил другой пользователь" in stale.text
    db.expire_all()
    refreshed = db.get(Deal, deal.id)
    assert (refreshed.status, refreshed.name, refreshed.probability) == ("in_progress", "Новое", 5)


def test_edit_form_error_keeps_values(client: TestClient, db: Session, classifiers: Classifiers):
    deal = create_random_deal(db, classifiers)
    response = client.post(
        f"/deals/{deal.id}/edit",
        data={"version": "1", "name": "Новое имя", "potential_amount": "-5"},
    )
    assert response.status_code == 422
    assert field_error(response.text, "potential_amount") == "Не меньше 0."
    assert input_value(response.text, "name") == "Новое имя"


def test_unknown_pages(client: TestClient):
    assert client.get("/deals/424242").status_code == 404
    assert client.post("/deals/1/explode").status_code == 404
