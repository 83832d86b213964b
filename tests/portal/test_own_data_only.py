"""A person reaches only their own requests and packages: anyone else's id is a 404."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from dsar.intake import Submission, request_submit
from dsar.models import AccessPackage
from dsar.rights import RequestType


def _request_of(customer, type_: str = RequestType.ACCESS.value):  # type: ignore[no-untyped-def]
    now = timezone.now()
    return request_submit(submission=Submission(type=type_, email=customer.email, channel="api",
                                                received_at=now, customer=customer),
                          actor="test", now=now)


def test_another_customers_request_is_not_found(customer_a, customer_b, signed_in) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = _request_of(customer_a), _request_of(customer_b)
    client: Client = signed_in(customer_a.email)
    assert client.get(f"/privacy/requests/{mine.public_id}/").status_code == 200
    assert client.get(f"/privacy/requests/{theirs.public_id}/").status_code == 404
    assert client.get(f"/privacy/requests/{uuid.uuid4()}/").status_code == 404
    assert str(theirs.public_id) not in client.get("/privacy/requests/").content.decode()
    assert client.post(f"/privacy/requests/{theirs.public_id}/upload-id/").status_code == 404


def test_another_customers_package_is_not_found(customer_a, customer_b, signed_in) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    theirs = AccessPackage.objects.create(request=_request_of(customer_b), started_at=now, state="ready",
                                          s3_key="x.zip", ready_at=now, expires_at=now + timedelta(days=3))
    client: Client = signed_in(customer_a.email)
    assert client.get(f"/privacy/export/{theirs.public_id}/download/").status_code == 404
    assert client.get(f"/privacy/export/{uuid.uuid4()}/download/").status_code == 404


def test_pages_about_a_person_need_a_sign_in(db: None) -> None:
    client = Client()
    for path in ("/privacy/data/", "/privacy/requests/", "/privacy/export/", "/privacy/marketing/",
                 "/privacy/do-not-sell/", f"/privacy/requests/{uuid.uuid4()}/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/privacy/sign-in/"), path


def test_a_session_ends_when_the_account_is_erased(customer_a, signed_in) -> None:  # type: ignore[no-untyped-def]
    client: Client = signed_in(customer_a.email)
    type(customer_a).objects.filter(pk=customer_a.pk).update(status="deleted")
    assert client.get("/privacy/data/").status_code == 302
