"""The gift certificate series page: the list renders, a series is created from the form, and a
rule broken in the form comes back as a form error with the typed values kept."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.operational_app.web.test_sales_pages import post


def test_series_page_lists_and_creates(client: TestClient) -> None:
    page = client.get("/gift-certificate-series")
    assert page.status_code == 200 and "Серии подарочных сертификатов" in page.text
    created = post(
        client,
        "/gift-certificate-series",
        data={
            "name": "Сертификат 1 000",
            "kind": "fixed",
            "nominal": "1 000",
            "validity_days": "90",
        },
    )
    assert created.status_code in (200, 303)
    listed = client.get("/gift-certificate-series")
    assert "Сертификат 1 000" in listed.text and "90" in listed.text


def test_series_form_error_keeps_values(client: TestClient) -> None:
    response = post(
        client,
        "/gift-certificate-series",
        data={"name": "Открытая", "kind": "open", "nominal": "500", "validity_days": "30"},
    )
    assert response.status_code == 422
    assert 'value="Открытая"' in response.text
    assert "Открытая" not in client.get("/gift-certificate-series").text.split("<h2>")[0]
