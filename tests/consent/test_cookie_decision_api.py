"""POST /api/v1/consent/ records a banner decision; GPC forces analytics and marketing off (§10.4)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from consent.models import ConsentRecord

from .conftest import SITE, VISITOR

pytestmark = pytest.mark.django_db

DECISION = {"visitor_id": VISITOR, "analytics": True, "marketing": False, "policy_version": "1.0"}


def test_a_decision_is_stored_with_anonymised_ip_and_browser_family(site: APIClient) -> None:
    response = site.post("/api/v1/consent/", {**DECISION, "banner_version": "3"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["necessary"] is True and body["analytics"] is True and body["marketing"] is False
    assert body["gpc"] is False and body["policy_current"] is True
    record = ConsentRecord.objects.get()
    assert (record.subject_key, record.policy_version, record.text_version) == (VISITOR, "1.0", "3")
    assert record.ip_prefix == "203.0.113.0"
    assert record.user_agent_family == "Firefox"
    assert record.source == SITE


def test_gpc_header_with_a_body_asking_for_analytics_stores_it_off_with_the_reason(site: APIClient) -> None:
    response = site.post("/api/v1/consent/", {**DECISION, "marketing": True}, format="json",
                         HTTP_SEC_GPC="1")
    assert response.status_code == 201
    assert response.json()["analytics"] is False and response.json()["marketing"] is False
    record = ConsentRecord.objects.get()
    assert (record.analytics, record.marketing) == (False, False)
    assert (record.requested_analytics, record.requested_marketing) == (True, True)
    assert record.gpc_source == ConsentRecord.GpcSource.HEADER
    assert record.gpc_overrode


@pytest.mark.parametrize(("header", "flag", "source"), [
    ({}, True, "body"), ({"HTTP_SEC_GPC": "1"}, True, "both"), ({"HTTP_SEC_GPC": "0"}, False, ""),
])
def test_gpc_body_flag_works_too(site: APIClient, header: dict[str, str], flag: bool, source: str) -> None:
    site.post("/api/v1/consent/", {**DECISION, "gpc": flag}, format="json", **header)
    record = ConsentRecord.objects.get()
    assert record.gpc_source == source
    assert record.analytics is (not source)


def test_text_plain_json_is_accepted_so_browsers_need_no_preflight(site: APIClient) -> None:
    import json

    response = site.post("/api/v1/consent/", json.dumps(DECISION), content_type="text/plain;charset=UTF-8")
    assert response.status_code == 201
    assert response["Access-Control-Allow-Origin"] == SITE


def test_get_returns_the_latest_choice_and_gpc_wins_at_read_time(site: APIClient) -> None:
    site.post("/api/v1/consent/", {**DECISION, "analytics": False}, format="json")
    site.post("/api/v1/consent/", {**DECISION, "analytics": True, "marketing": True}, format="json")
    body = site.get(f"/api/v1/consent/{VISITOR}/").json()
    assert (body["analytics"], body["marketing"]) == (True, True)
    assert site.get(f"/api/v1/consent/{VISITOR}/", HTTP_SEC_GPC="1").json()["analytics"] is False


def test_unknown_visitor_is_404_json(site: APIClient) -> None:
    response = site.get("/api/v1/consent/nobody-here-1234/")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_cors_only_for_our_sites(anon_api: APIClient) -> None:
    ok = anon_api.options("/api/v1/consent/", HTTP_ORIGIN="https://docs.micropim.net",
                          HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert ok.status_code == 204
    assert ok["Access-Control-Allow-Origin"] == "https://docs.micropim.net"
    assert "Content-Type" in ok["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in ok
    evil = anon_api.post("/api/v1/consent/", DECISION, format="json", HTTP_ORIGIN="https://evil.example")
    assert evil.status_code == 403
    assert "Access-Control-Allow-Origin" not in evil
    assert not ConsentRecord.objects.exists()


def test_gpc_well_known_resource(anon_api: APIClient) -> None:
    response = anon_api.get("/.well-known/gpc.json")
    assert response.status_code == 200
    assert response.json() == {"gpc": True, "lastUpdate": "2025-10-25"}


def test_the_hand_built_answer_matches_its_documented_schema(site: APIClient) -> None:
    from consent.api import ConsentDecisionOut, decision_body

    site.post("/api/v1/consent/", {**DECISION, "gpc": True}, format="json")
    record = ConsentRecord.objects.get()
    assert decision_body(record) == dict(ConsentDecisionOut(record).data)
