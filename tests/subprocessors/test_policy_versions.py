"""§13: versions, a public history, 30 days' notice of a material change, responses recorded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Customer
from subprocessors import services
from subprocessors.campaigns import campaign_deliver
from subprocessors.models import NoticeCampaign, PolicyResponse, PolicyVersion

from .conftest import NOW

POLICY_TEXT = (Path(settings.BASE_DIR) / "docs" / "policy" / "privacy-policy-1.0.txt").read_text(encoding="utf-8")


def test_version_1_0_is_seeded_with_the_published_text(register: None, anon_api: APIClient, client: Client) -> None:
    v1 = PolicyVersion.objects.get()
    assert (v1.number, v1.effective_on.isoformat(), v1.text) == ("1.0", "2025-10-25", POLICY_TEXT)
    history = anon_api.get("/api/v1/policy-versions/")
    assert history.status_code == 200 and [v["number"] for v in history.json()] == ["1.0"]
    detail = anon_api.get("/api/v1/policy-versions/1.0/")
    assert detail.json()["text"] == POLICY_TEXT
    assert anon_api.get("/api/v1/policy-versions/7.0/").status_code == 404
    assert b"1.0</a> (current)" in client.get("/privacy-policy/").content
    assert "Autoritatea Națională" in client.get("/privacy-policy/1.0/").content.decode()


def _add(officer: Client, *, effective_on: str, material: bool = True, number: str = "1.1") -> object:
    data = {"number": number, "effective_on": effective_on, "text": POLICY_TEXT + "\nNew section.",
            "change_summary": "We add a transactional email provider."}
    if material:
        data["material"] = "on"
    return officer.post("/admin/subprocessors/policyversion/add/", data)


@time_machine.travel(NOW, tick=False)
def test_the_admin_refuses_a_material_change_with_less_than_30_days_notice(
    register: None, customer_a: Customer, privacy_officer: User, staff_client: Callable[[User], Client],
) -> None:
    officer = staff_client(privacy_officer)
    response = _add(officer, effective_on=(NOW + timedelta(days=29)).date().isoformat())
    assert response.status_code == 200
    assert "at least 30 days" in response.content.decode() or "30 days before" in response.content.decode()
    assert PolicyVersion.objects.count() == 1 and not NoticeCampaign.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_material_change_at_30_days_is_announced_by_email_and_in_the_portal(
    register: None, customer_a: Customer, customer_b: Customer, api: APIClient, privacy_officer: User,
    staff_client: Callable[[User], Client],
) -> None:
    effective_on = (NOW + timedelta(days=30)).date().isoformat()
    assert _add(staff_client(privacy_officer), effective_on=effective_on).status_code == 302
    version = PolicyVersion.objects.get(number="1.1")
    assert (version.material, version.announced_at, version.created_by) == (True, NOW, privacy_officer)
    campaign_deliver(version.announcement.pk, batch_size=10, now=NOW)
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [f"Our privacy policy changes on {effective_on} (version 1.1)",
                        f"Politica noastră de confidențialitate se schimbă pe {effective_on} (versiunea 1.1)"]
    # The portal / app notice, until the customer answers (§13.3).
    notices = api.get("/api/v1/privacy-notices/cus-a/").json()
    assert [(n["kind"], n["number"]) for n in notices] == [("policy_change", "1.1")]
    ack = api.post("/api/v1/policy-versions/1.1/responses/", {"external_id": "cus-a", "response": "acknowledged"},
                   format="json")
    assert ack.status_code == 201
    assert api.get("/api/v1/privacy-notices/cus-a/").json() == []
    objection = api.post("/api/v1/policy-versions/1.1/responses/",
                         {"external_id": "cus-b", "response": "objected", "reason": "Not under the new terms."},
                         format="json")
    assert objection.status_code == 201
    assert set(PolicyResponse.objects.values_list("customer__external_id", "kind")) == {
        ("cus-a", "acknowledged"), ("cus-b", "objected")}
    assert api.get("/api/v1/privacy-notices/cus-nobody/").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_a_non_material_change_needs_no_notice(register: None, customer_a: Customer) -> None:
    version = services.policy_version_publish(number="1.0.1", effective_on=NOW.date(), material=False,
                                              text="Typo fixes.", change_summary="", by=None, now=NOW)
    assert version.announcement is None and not NoticeCampaign.objects.exists()


def test_published_versions_cannot_be_edited_in_the_admin(
    register: None, privacy_officer: User, staff_client: Callable[[User], Client],
) -> None:
    officer = staff_client(privacy_officer)
    v1 = PolicyVersion.objects.get()
    officer.post(f"/admin/subprocessors/policyversion/{v1.pk}/change/", {"text": "rewritten"})
    v1.refresh_from_db()
    assert v1.text == POLICY_TEXT
