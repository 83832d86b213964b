"""§7.10: a signed-in portal session verifies the account holder; §8.1: an authorized agent
files with the subject's signed permission, and the subject is still verified."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Customer
from dsar.models import DataSubjectRequest, IdentityDocument
from dsar.services import (
    WorkflowError,
    request_confirm_agent_permission,
    request_portal_session_verified,
)
from tests.conftest import NOW

from .conftest import confirm_by_link, link_from_last_email, submit


def test_a_signed_in_customer_files_through_the_api_and_is_verified(customer_a: Customer, portal_user) -> None:  # type: ignore[no-untyped-def]
    api = APIClient()
    api.force_authenticate(portal_user)
    response = api.post("/api/v1/requests/", {"type": "access", "email": "ignored@example.com"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["verified"] is True and response.json()["status"] == "verified"
    dsr = DataSubjectRequest.objects.get()
    assert dsr.customer == customer_a and dsr.email == customer_a.email  # the account's own address
    assert dsr.verification_method == "portal_session" and dsr.channel == "portal"
    assert "/dsar/confirm/" not in mail.outbox[-1].body


def test_the_portal_hook_verifies_only_the_account_holder(customer_a: Customer, customer_b: Customer,  # type: ignore[no-untyped-def]
                                                          portal_user) -> None:
    from django.contrib.auth.models import User

    dsr = submit("access", customer=customer_a)
    stranger = User.objects.create_user(username="john.portal", password="x-portal-pass-2")
    customer_b.user = stranger
    customer_b.save()
    with pytest.raises(WorkflowError):
        request_portal_session_verified(dsr=dsr, user=stranger, now=NOW)
    dsr.refresh_from_db()
    assert not dsr.verified
    request_portal_session_verified(dsr=dsr, user=portal_user, now=NOW)
    assert dsr.status == "verified"


def test_an_agent_needs_the_signed_permission_and_the_subject_still_confirms(customer_a: Customer,  # type: ignore[no-untyped-def]
                                                                             privacy_officer) -> None:
    dsr = submit("know", customer=customer_a, jurisdiction="us-ca", agent_name="Privacy Helpers LLC",
                 agent_email="agent@helpers.example")
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["agent@helpers.example", customer_a.email]
    upload_path = link_from_last_email("upload")
    permission = io.BytesIO(b"%PDF-1.7\n signed permission ...")
    permission.name = "permission.pdf"
    assert Client().post(upload_path, {"document": permission}).status_code == 200
    assert IdentityDocument.objects.get().kind == "agent_permission"
    confirm_by_link()  # the subject confirms from the account's address
    dsr.refresh_from_db()
    assert dsr.verified_at is not None and not dsr.verified and dsr.status == "awaiting_verification"
    request_confirm_agent_permission(dsr=dsr, actor=privacy_officer, now=NOW, note="Signed and dated.")
    dsr.refresh_from_db()
    assert dsr.verified and dsr.status == "verified"
