"""Redis stopped: the API and the portal keep accepting requests and consents — the database is
the source of truth — and work queued for Celery fails soft; when Redis is back, the hourly job
runner catches up (DESIGN.md "the broker only carries work").

"Stopped" is simulated for this process only: the Celery broker and the cache (rate limits) point
at a loopback port where nothing listens (the shared Redis server stays up). The tests are
transactional, so ``transaction.on_commit`` sends really run at the end of each request, as in
production.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiClient, Customer
from consent.models import ConsentRecord, Subscription
from dsar.models import DataSubjectRequest
from portal.models import SaleOptOut
from subprocessors.models import NoticeCampaign, NoticeDelivery, SubProcessor
from tests.conftest import otp_login

from .conftest import RedisOutage, portal_customer

pytestmark = pytest.mark.django_db(transaction=True)


def _jobs(*names: str) -> dict[str, dict[str, int]]:
    out = io.StringIO()
    call_command("run_privacy_jobs", "--json", "--only", *names, stdout=out)
    return json.loads(out.getvalue())["jobs"]  # type: ignore[no-any-return]


def test_the_api_keeps_accepting_writes_without_redis(redis: RedisOutage) -> None:
    _, token = ApiClient.issue("app.micropim.net")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    redis.stop()
    with pytest.raises(Exception):  # noqa: B017, PT011 — really down: any client error will do
        cache.get("anything")
    assert Client().get("/healthz").json()["broker"].startswith("error")

    created = api.post("/api/v1/accounts/", {"external_id": "cus-r", "email": "r@example.com"}, format="json")
    assert created.status_code == 201, created.content
    assert api.post("/api/v1/accounts/cus-r/deletion/", format="json").status_code == 201
    assert api.delete("/api/v1/accounts/cus-r/deletion/").status_code == 200
    consent = Client().post("/api/v1/consent/", {"visitor_id": "visitor-r-001", "analytics": True,
                                                 "marketing": True, "policy_version": "1.0"},
                            content_type="application/json", HTTP_SEC_GPC="1")
    assert consent.status_code == 201, consent.content
    signup = Client().post("/api/v1/newsletter/subscriptions/", {"email": "news@example.com",
                                                                 "source": "micropim.net/footer",
                                                                 "consent_text_version": "1"},
                           content_type="application/json")
    assert signup.status_code == 202, signup.content
    filed = api.post("/api/v1/requests/", {"type": "erasure", "email": "r@example.com", "external_id": "cus-r"},
                     format="json")
    assert filed.status_code == 201, filed.content
    report = Client().post("/api/v1/security-reports/", {"summary": "s", "details": "d"},
                           content_type="application/json")
    assert report.status_code == 201, report.content

    customer = Customer.objects.get(external_id="cus-r")
    assert customer.status == Customer.Status.ACTIVE  # deleted, then reactivated: both written
    record = ConsentRecord.objects.get(subject_key="visitor-r-001")
    assert (record.analytics, record.marketing) == (False, False)  # §10.4 GPC, even now
    assert Subscription.objects.filter(email="news@example.com").exists()
    assert DataSubjectRequest.objects.filter(customer=customer, type="erasure").exists()
    kinds = set(mail.outbox and [m.subject for m in mail.outbox])
    assert kinds, "the notification emails went out directly, not through the broker"


def test_the_portal_keeps_accepting_requests_and_consents_without_redis(redis: RedisOutage) -> None:
    customer, client = portal_customer("cus-p", "p@example.com", "Paula Portal")
    redis.stop()
    link = Client().post("/privacy/sign-in/email/", {"email": "visitor@example.org"})
    assert link.status_code == 302, link.content[:300]  # rate-limited by the (dead) cache
    assert client.post("/privacy/marketing/stop/").status_code == 302
    assert client.post("/privacy/do-not-sell/").status_code == 302
    filed = client.post("/privacy/requests/new/", {"type": "access", "jurisdiction": "eu", "details": ""})
    assert filed.status_code == 302, filed.content[:500]
    assert client.post("/privacy/account/", {"confirm": "on"}).status_code == 302

    customer.refresh_from_db()
    assert customer.status == Customer.Status.PENDING_DELETION
    assert customer.marketing_objection
    assert SaleOptOut.objects.filter(customer=customer).exists()
    assert DataSubjectRequest.objects.filter(customer=customer, type="access").exists()


def test_queued_notices_fail_soft_and_the_job_runner_catches_up(redis: RedisOutage, privacy_officer,  # type: ignore[no-untyped-def]
                                                                caplog: pytest.LogCaptureFixture) -> None:
    customers = [Customer.objects.create(external_id=f"cus-n{i}", email=f"n{i}@example.com") for i in range(3)]
    staff = otp_login(Client(), privacy_officer)
    redis.stop()
    starts_on = (timezone.now() + timedelta(days=45)).date().isoformat()
    announced = staff.post("/api/v1/subprocessors/", {
        "name": "Postmark", "service": "Transactional email", "data_shared": "Email addresses",
        "location": "Germany", "safeguards": ["eu_only"],
        "starts_on": starts_on, "announce": True}, content_type="application/json")
    assert announced.status_code == 201, announced.content  # the campaign could not be queued: no 500
    assert "could not queue delivery of campaign" in caplog.text
    campaign = NoticeCampaign.objects.get(kind=NoticeCampaign.Kind.SUBPROCESSOR)
    assert SubProcessor.objects.get(name="Postmark").status == SubProcessor.Status.ANNOUNCED
    assert NoticeDelivery.objects.filter(campaign=campaign, status="pending").count() == len(customers)
    assert not [m for m in mail.outbox if "Postmark" in m.subject]

    redis.restore()  # Redis is back: the next hourly run delivers what the broker never carried
    mail.outbox.clear()
    first = _jobs("deliver_notice_campaigns")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.email for c in customers)
    assert first["deliver_notice_campaigns"]
    assert not NoticeDelivery.objects.filter(campaign=campaign).exclude(status="sent").exists()
    _jobs("deliver_notice_campaigns")
    assert len(mail.outbox) == len(customers)  # exactly once
