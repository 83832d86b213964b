from __future__ import annotations

from django.test import Client


def test_openapi_schema_and_interactive_docs_are_served(db: None) -> None:
    client = Client()
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/accounts/" in paths and "/api/v1/accounts/{external_id}/" in paths
    assert "/api/v1/retention-schedule/" in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    assert b"cdn.jsdelivr" not in docs.content  # assets served locally (no internet needed)
