from __future__ import annotations

from rest_framework.test import APIClient

from micropim_privacy.policy import CATEGORIES


def test_public_schedule_lists_every_category_without_auth(anon_api: APIClient, db: None) -> None:
    response = anon_api.get("/api/v1/retention-schedule/")
    assert response.status_code == 200
    body = response.json()
    assert body["policy_version"] == "1.0"
    assert [c["key"] for c in body["categories"]] == [c.key for c in CATEGORIES]
    logs = next(c for c in body["categories"] if c["key"] == "server_logs")
    assert logs["retention_period"] == "90 days"
    assert logs["legal_basis"] == ["Art. 6(1)(f)"]
    assert logs["at_end"] == "delete"
