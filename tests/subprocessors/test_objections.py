"""§4.2/§12.3: customers object to a sub-processor; privacy officers see and answer in the admin."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import AccessLogEntry, Customer
from subprocessors.models import SubProcessor, SubProcessorObjection


def test_a_customer_objects_through_the_main_app_once(register: None, api: APIClient, customer_a: Customer) -> None:
    url = "/api/v1/subprocessors/google-analytics/objections/"
    first = api.post(url, {"external_id": "cus-a", "reason": "No US transfers, please."}, format="json")
    assert first.status_code == 201
    assert first.json()["subprocessor"] == "google-analytics" and first.json()["status"] == "open"
    again = api.post(url, {"external_id": "cus-a", "reason": "Again."}, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    objection = SubProcessorObjection.objects.get()
    assert (objection.reason, objection.channel) == ("No US transfers, please.", "api")
    assert AccessLogEntry.objects.filter(object_type="subprocessors.subprocessorobjection",
                                         subject_ref="cus-a").count() == 2


def test_a_customer_objects_from_their_own_portal_session(register: None, customer_b: Customer) -> None:
    user = User.objects.create_user("john", password="portal-pass-123")
    Customer.objects.filter(pk=customer_b.pk).update(user=user)
    client = APIClient()
    client.force_login(user)
    response = client.post("/api/v1/subprocessors/facebook-meta/objections/", {"reason": "Tracking."}, format="json")
    assert response.status_code == 201
    objection = SubProcessorObjection.objects.get()
    assert (objection.customer, objection.channel) == (customer_b, "portal")


def test_objecting_to_a_retired_or_unknown_processor(register: None, api: APIClient, customer_a: Customer) -> None:
    SubProcessor.objects.filter(slug="hetzner").update(status="retired")
    SubProcessor.objects.filter(slug="stripe").update(status="proposed")
    body = {"external_id": "cus-a"}
    assert api.post("/api/v1/subprocessors/hetzner/objections/", body, format="json").status_code == 409
    assert api.post("/api/v1/subprocessors/stripe/objections/", body, format="json").status_code == 404
    assert api.post("/api/v1/subprocessors/nope/objections/", body, format="json").status_code == 404
    assert not SubProcessorObjection.objects.exists()


@pytest.fixture
def objection(register: None, api: APIClient, customer_a: Customer) -> SubProcessorObjection:
    api.post("/api/v1/subprocessors/cloudflare/objections/", {"external_id": "cus-a", "reason": "Why?"},
             format="json")
    return SubProcessorObjection.objects.get()


def test_a_privacy_officer_sees_and_answers_the_objection_in_the_admin(
    objection: SubProcessorObjection, privacy_officer: User, staff_client: Callable[[User], Client],
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    officer = staff_client(privacy_officer)
    listing = officer.get("/admin/subprocessors/subprocessorobjection/?status__exact=open")
    assert listing.status_code == 200 and b"cus-a" in listing.content
    url = f"/admin/subprocessors/subprocessorobjection/{objection.pk}/change/"
    page = officer.get(url)
    assert page.status_code == 200 and b"Why?" in page.content
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = officer.post(url, {"answer": "Cloudflare only sees truncated IPs; you may use our EU-only plan."})
    assert response.status_code == 302
    objection.refresh_from_db()
    assert (objection.status, objection.answered_by) == ("answered", privacy_officer)
    (email,) = mail.outbox
    assert email.to == ["ana.popescu@example.com"]
    assert email.subject == "Răspunsul nostru la obiecția dumneavoastră privind Cloudflare"
    assert "EU-only plan" in email.body
    assert AccessLogEntry.objects.filter(object_type="subprocessors.subprocessorobjection", action="view",
                                         subject_ref="cus-a").exists()


def test_an_empty_answer_is_refused_and_support_cannot_see_objections(
    objection: SubProcessorObjection, privacy_officer: User, support_agent: User,
    staff_client: Callable[[User], Client],
) -> None:
    url = f"/admin/subprocessors/subprocessorobjection/{objection.pk}/change/"
    response = staff_client(privacy_officer).post(url, {"answer": "   "})
    assert response.status_code == 200 and b"Write the answer" in response.content
    objection.refresh_from_db()
    assert objection.status == "open" and not mail.outbox
    assert staff_client(support_agent).get(url).status_code == 403
