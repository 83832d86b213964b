"""The people and systems of the proving ground, each with a signed-in client, and a few rows
of customer A's that the others must not reach.

Seven roles (issue 10): anonymous, customer A and customer B (portal sessions, signed in with
their password through the real form), the calling system (API token), and the three staff
roles (signed in through the real admin login with a one-time code, tests/conftest.py).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from PIL import Image

from accounts.models import ApiClient, Customer, Erasure
from breaches.models import Breach
from breaches.services import breach_create
from consent.services import cookie_decision_record
from dsar.intake import Submission, request_submit
from dsar.links import request_identity_document
from dsar.models import AccessPackage, DataSubjectRequest, IdentityDocument
from dsar.vault import Checked, document_store
from subprocessors.services import policy_version_publish

ROLES = ("anonymous", "customer_a", "customer_b", "api_client", "support_agent", "privacy_officer",
         "security_officer")
PORTAL_PASSWORD = "a-long-portal-pass-1"  # noqa: S105 — a test fixture's password
VISITOR_ID = "visitor-a-0001"


@pytest.fixture(autouse=True)
def _offline_outside(settings: Any) -> None:
    """No outside system is reached: presigned S3 links are computed locally from these keys."""
    settings.AWS_ACCESS_KEY_ID = "testing"
    settings.AWS_SECRET_ACCESS_KEY = "testing"  # noqa: S105
    settings.S3_ENDPOINT_URL = None
    settings.COGNITO_USER_POOL_ID = ""
    settings.STRIPE_API_KEY = ""
    settings.MAIN_APP_WEBHOOK_URL = ""
    settings.ERASURE_AWS_ENABLED = False
    settings.PUBLIC_BASE_URL = "https://privacy.test"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


@dataclass
class World:
    clients: dict[str, Client]
    customer_a: Customer
    customer_b: Customer
    token: str
    other_token: str
    request_a: DataSubjectRequest
    request_b: DataSubjectRequest
    package_a: AccessPackage
    document_a: IdentityDocument
    breach: Breach
    erasure: Erasure
    subprocessor_slug: str = "stripe"
    extra: dict[str, Any] = field(default_factory=dict)

    def client(self, role: str) -> Client:
        return self.clients[role]


def portal_login(customer: Customer) -> Client:
    """A customer with a portal password signs in through the real form (a Django session)."""
    user = User.objects.create_user(username=f"portal-{customer.external_id}", password=PORTAL_PASSWORD,
                                    email=customer.email)
    customer.user = user
    customer.save(update_fields=["user"])
    client = Client()
    response = client.post("/privacy/sign-in/password/", {"email": customer.email, "password": PORTAL_PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def _request(customer: Customer, *, client: ApiClient | None, kind: str = "access") -> DataSubjectRequest:
    now = timezone.now()
    return request_submit(submission=Submission(type=kind, email=customer.email, channel="api",
                                                received_at=now, customer=customer, api_client=client),
                          actor=client or "test", now=now)


@pytest.fixture
def world(db: None, customer_a: Customer, customer_b: Customer, privacy_officer: User, support_agent: User,
          security_officer: User, staff_client: Callable[[User], Client]) -> World:
    system, token = ApiClient.issue("app.micropim.net")
    _, other_token = ApiClient.issue("docs.micropim.net")
    now = timezone.now()
    request_a = _request(customer_a, client=system)
    request_b = _request(customer_b, client=system)
    package_a = AccessPackage.objects.create(request=request_a, started_at=now, state="ready", s3_key="a.zip",
                                             ready_at=now, expires_at=now + timedelta(days=3))
    document_a = document_store(dsr=request_a, kind=IdentityDocument.Kind.GOVERNMENT_ID,
                                checked=Checked(content=png(), content_type="image/png"), actor="test",
                                now=now)
    # Staff asked customer A for a government ID after this one (so A may upload another).
    request_identity_document(dsr=request_a, actor="test", now=now + timedelta(seconds=1))
    policy_version_publish(number="1.1", effective_on=(now + timedelta(days=40)).date(), material=True,
                           text="Version 1.1", change_summary="A material change.", by=None, now=now)
    breach = breach_create(fields={
        "title": "Test breach", "detected_by": "monitoring", "nature": "A test.", "confidentiality": True,
        "data_categories": ["account_profile"], "discovered_at": now - timedelta(hours=1),
    }, actor=None, now=now)
    gone = Customer.objects.create(external_id="cus-gone", email="gone@example.com", full_name="Gone Person")
    erasure = Erasure.objects.create(customer=gone, subject_hash="0" * 64, reason=Erasure.Reason.GRACE_EXPIRED,
                                     requested_at=now, status=Erasure.Status.COMPLETED,
                                     certificate={"systems": []})
    cookie_decision_record(visitor_id=VISITOR_ID, analytics=True, marketing=False, policy_version="1.0",
                           banner_version="", gpc_header=False, gpc_body=False, source="", ip="127.0.0.1",
                           user_agent="pytest", now=now)
    clients = {
        "anonymous": Client(),
        "customer_a": portal_login(customer_a),
        "customer_b": portal_login(customer_b),
        # A calling system sends its token everywhere; only the API knows what to do with it.
        "api_client": Client(headers={"Authorization": f"Token {token}"}),
        "support_agent": staff_client(support_agent),
        "privacy_officer": staff_client(privacy_officer),
        "security_officer": staff_client(security_officer),
    }
    return World(clients=clients, customer_a=customer_a, customer_b=customer_b, token=token,
                 other_token=other_token, request_a=request_a, request_b=request_b, package_a=package_a,
                 document_a=document_a, breach=breach, erasure=erasure)
