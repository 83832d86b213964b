"""Personal data never reaches the logs (HELPERS.md; §6.1): log ids, not emails or names.

The main flows run with every logger at DEBUG — account created and read through the API,
deletion started (with the mail relay refusing the address), the erasure job, a cookie
decision, a newsletter signup, a marketing-eligibility question, a data subject request filed
through the API, a public security report, a portal sign-in link and a failed password sign-in
(with django-axes on, as in production), the breach clock's alerts and an Art. 34 notice to the
people affected — with Celery tasks queued after commit run in-process. Then no captured log
record (message, arguments or traceback) may contain any of the seeded emails, names, company,
phone or the details a person wrote.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiClient, Customer
from breaches.models import Breach
from breaches.notices import affected_add, subject_notice_send
from breaches.services import breach_create
from micropim_privacy.celery import app as celery_app

pytestmark = pytest.mark.django_db(databases=["default", "ledger"])

EMAIL = "zelda.quixote-7319@example.com"
NAME = "Zelda Quixote"
COMPANY = "Quixote Fabrics SRL"
PHONE = "+40 721 555 019"
REQUESTER = "ion.vlasceanu-4421@example.org"
REQUESTER_NAME = "Ion Vlăsceanu"
REPORTER = "whistle.blower-0557@example.net"
SUBSCRIBER = "newsletter.reader-8812@example.com"
SECRET_WORDS = "my neighbour Octavian Brâncoveanu saw my data"
PERSONAL = (EMAIL, NAME, "Zelda", "Quixote", COMPANY, PHONE, REQUESTER, REQUESTER_NAME, "Vlăsceanu", REPORTER,
            SUBSCRIBER, "Octavian", "Brâncoveanu")


class RefusingBackend(EmailBackend):
    """A relay that refuses the customer's address, naming it in the error (as SMTP servers do)."""

    def send_messages(self, messages: Any) -> int:
        for message in messages:
            if EMAIL in message.to:
                raise smtplib.SMTPRecipientsRefused({EMAIL: (550, f"<{EMAIL}> mailbox unavailable".encode())})
        return super().send_messages(messages)


@pytest.fixture
def tasks_run_here() -> Iterator[None]:
    """Celery tasks queued after commit run in this process, so their logging is captured too."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _offline(settings: Any) -> None:
    settings.AWS_ACCESS_KEY_ID = ""
    settings.S3_ENDPOINT_URL = None
    settings.COGNITO_USER_POOL_ID = ""
    settings.STRIPE_API_KEY = ""
    settings.MAIN_APP_WEBHOOK_URL = ""
    settings.ERASURE_AWS_ENABLED = False


def _scan(caplog: pytest.LogCaptureFixture) -> list[str]:
    leaks = []
    for record in caplog.records:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        text += repr(record.__dict__.get("args"))
        for value in PERSONAL:
            if value.lower() in text.lower():
                leaks.append(f"{record.name} {record.levelname}: {value!r} in {text[:300]!r}")
    return leaks


def test_main_flows_log_no_personal_data(caplog: pytest.LogCaptureFixture, settings: Any, tasks_run_here: None,
                                         django_capture_on_commit_callbacks: Any, privacy_officer: User,
                                         security_officer: User) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("accounts", "consent", "subprocessors", "breaches", "portal", "dsar", "retention", "ledger",
                 "django", "axes", "celery"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    for officer, address in ((privacy_officer, "priya@micropim.net"), (security_officer, "sid@micropim.net")):
        officer.email = address
        officer.save(update_fields=["email"])
    settings.EMAIL_BACKEND = "tests.security.test_no_personal_data_in_logs.RefusingBackend"
    _, token = ApiClient.issue("app.micropim.net")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    now = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        # The account: created, read, asked about, deletion started (the mail relay refuses it).
        created = api.post("/api/v1/accounts/", {"external_id": "cus-z", "email": EMAIL, "full_name": NAME,
                                                  "company_name": COMPANY, "phone": PHONE}, format="json")
        assert created.status_code == 201, created.content
        assert api.get("/api/v1/accounts/cus-z/").status_code == 200
        assert api.get("/api/v1/marketing/eligibility/", {"email": EMAIL}).status_code == 200
        assert api.post("/api/v1/accounts/cus-z/deletion/", format="json").status_code == 201
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the relay is back
        assert api.post("/api/v1/accounts/", {"external_id": "cus-z", "email": "not-an-email", "full_name": NAME},
                        format="json").status_code == 400

        # Consent, newsletter, a request filed for someone, a public security report.
        consent = Client().post("/api/v1/consent/", {"visitor_id": "visitor-zq-01", "analytics": True,
                                                     "marketing": False, "policy_version": "1.0"},
                                content_type="application/json")
        assert consent.status_code == 201, consent.content
        signup = Client().post("/api/v1/newsletter/subscriptions/", {
            "email": SUBSCRIBER, "source": "micropim.net/footer", "consent_text_version": "1"},
            content_type="application/json")
        assert signup.status_code == 202, signup.content
        filed = api.post("/api/v1/requests/", {"type": "access", "email": REQUESTER, "full_name": REQUESTER_NAME,
                                               "details": SECRET_WORDS}, format="json")
        assert filed.status_code == 201, filed.content
        report = Client().post("/api/v1/security-reports/", {
            "summary": "Exposed listing", "details": SECRET_WORDS, "reporter_email": REPORTER,
            "reporter_name": REQUESTER_NAME}, content_type="application/json")
        assert report.status_code == 201, report.content

        # The portal: a sign-in link, then a wrong password with django-axes counting (production).
        settings.AXES_ENABLED = True
        customer = Customer.objects.get(external_id="cus-z")
        customer.user = User.objects.create_user(username=EMAIL, email=EMAIL, password="a-long-portal-pass-1")
        customer.save(update_fields=["user"])
        portal = Client()
        assert portal.post("/privacy/sign-in/email/", {"email": REQUESTER}).status_code == 302
        assert portal.post("/privacy/sign-in/password/", {"email": EMAIL, "password": "wrong"}).status_code == 400
        settings.AXES_ENABLED = False

        # A high-risk breach: its clock alerts, the people affected, and their notice.
        breach = breach_create(fields={
            "title": "Listing exposed", "detected_by": "report", "nature": "Exposed.", "confidentiality": True,
            "data_categories": ["account_profile"], "discovered_at": now - timedelta(hours=1),
            "likely_consequences": "Phishing.", "measures_taken": "Closed.", "subject_categories": "customers",
            "approx_subjects": 1, "approx_records": 1, "risk_level": Breach.Risk.HIGH,
            "risk_reasoning": "Names and addresses."}, actor=None, now=now)
        other = Customer.objects.create(external_id="cus-q", email=REQUESTER, full_name=REQUESTER_NAME)
        affected_add(breach=breach, now=now, external_ids=[other.external_id])
        subject_notice_send(breach=breach, texts={
            "nature_en": "Exposed.", "nature_ro": "Expus.", "consequences_en": "Phishing.",
            "consequences_ro": "Phishing.", "measures_en": "Closed.", "measures_ro": "Închis."},
            contact_point="privacy@micropim.net", actor=privacy_officer, now=now)

    # The jobs: the breach clock a day later, then the erasure after the 31 days.
    call_command("run_privacy_jobs", "--as-of", (now + timedelta(hours=25)).isoformat(), "--only",
                 "breach_clock_alerts", "deliver_notice_campaigns", "retry_notifications", stdout=_Null())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_privacy_jobs", "--as-of", (now + timedelta(days=32)).isoformat(), "--only",
                     "send_deletion_reminders", "erase_due_accounts", stdout=_Null())
    assert Customer.objects.get(pk=customer.pk).status == Customer.Status.DELETED

    assert len(caplog.records) > 10, "the flows should have logged something"
    leaks = _scan(caplog)
    assert not leaks, "personal data in the logs:\n" + "\n".join(leaks)


class _Null:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass
