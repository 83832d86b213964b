"""No one reaches another person's data by guessing or swapping ids (§6.1 access controls).

Someone else's row answers exactly like a row that does not exist (a 404 with the same body),
so ids cannot even be probed for existence; and an id named in a body never makes a customer
act for someone else: a portal session always acts for its own account.
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from accounts.models import Customer
from dsar.models import DataSubjectRequest
from subprocessors.models import PolicyResponse, SubProcessorObjection

from .conftest import World

pytestmark = pytest.mark.django_db(databases=["default", "ledger"])


def _post(client: Client, path: str, body: dict[str, object]):  # type: ignore[no-untyped-def]
    return client.post(path, json.dumps(body), content_type="application/json")


def _same_404(client: Client, theirs: str, nobody: str) -> None:
    a, b = client.get(theirs), client.get(nobody)
    assert (a.status_code, b.status_code) == (404, 404), (theirs, a.status_code, b.status_code)
    assert a.content.replace(theirs.encode(), b"") == b.content.replace(nobody.encode(), b""), (theirs, nobody)


def test_customer_b_cannot_read_customer_a_s_request_through_the_api(world: World) -> None:
    b = world.client("customer_b")
    _same_404(b, f"/api/v1/requests/{world.request_a.public_id}/", f"/api/v1/requests/{uuid.uuid4()}/")
    assert b.get(f"/api/v1/requests/{world.request_b.public_id}/").status_code == 200
    assert b.get("/api/v1/requests/1/").status_code == 404  # no integer ids to walk


def test_customer_b_cannot_reach_customer_a_s_pages_or_package(world: World) -> None:
    b = world.client("customer_b")
    _same_404(b, f"/privacy/requests/{world.request_a.public_id}/", f"/privacy/requests/{uuid.uuid4()}/")
    _same_404(b, f"/privacy/export/{world.package_a.public_id}/download/",
              f"/privacy/export/{uuid.uuid4()}/download/")
    _same_404(b, f"/dsar/my/packages/{world.package_a.public_id}/", f"/dsar/my/packages/{uuid.uuid4()}/")
    page = b.get("/privacy/requests/").content.decode()
    assert str(world.request_a.public_id) not in page and str(world.request_b.public_id) in page
    # and A reaches them (the 404s above are about B, not about a broken page)
    a = world.client("customer_a")
    assert a.get(f"/privacy/requests/{world.request_a.public_id}/").status_code == 200
    assert a.get(f"/privacy/export/{world.package_a.public_id}/download/").status_code == 302


def test_a_calling_system_reads_only_the_requests_it_filed(world: World) -> None:
    other = Client(headers={"Authorization": f"Token {world.other_token}"})
    _same_404(other, f"/api/v1/requests/{world.request_a.public_id}/", f"/api/v1/requests/{uuid.uuid4()}/")
    mine = Client(headers={"Authorization": f"Token {world.token}"})
    assert mine.get(f"/api/v1/requests/{world.request_a.public_id}/").status_code == 200


def test_a_customer_session_files_requests_only_for_itself(world: World) -> None:
    b = world.client("customer_b")
    response = _post(b, "/api/v1/requests/", {"type": "access", "email": world.customer_a.email,
                                              "external_id": world.customer_a.external_id})
    assert response.status_code == 201, response.content
    dsr = DataSubjectRequest.objects.get(public_id=response.json()["id"])
    assert dsr.customer_id == world.customer_b.pk and dsr.email == world.customer_b.email


def test_a_customer_session_objects_and_responds_only_for_itself(world: World) -> None:
    b = world.client("customer_b")
    objection = _post(b, f"/api/v1/subprocessors/{world.subprocessor_slug}/objections/",
                      {"external_id": world.customer_a.external_id, "reason": "not mine to object"})
    assert objection.status_code == 201, objection.content
    assert SubProcessorObjection.objects.get(pk=objection.json()["id"]).customer_id == world.customer_b.pk
    answer = _post(b, "/api/v1/policy-versions/1.1/responses/",
                   {"external_id": world.customer_a.external_id, "response": "objected"})
    assert answer.status_code == 201, answer.content
    assert PolicyResponse.objects.get(pk=answer.json()["id"]).customer_id == world.customer_b.pk
    assert not PolicyResponse.objects.filter(customer=world.customer_a).exists()


def test_a_portal_session_cannot_use_the_systems_api_for_another_account(world: World) -> None:
    b = world.client("customer_b")
    for path in (f"/api/v1/accounts/{world.customer_a.external_id}/",
                 f"/api/v1/accounts/{world.customer_a.external_id}/export/",
                 f"/api/v1/accounts/{world.customer_a.external_id}/notifications/",
                 f"/api/v1/privacy-notices/{world.customer_a.external_id}/"):
        assert b.get(path).status_code == 403, path
    assert _post(b, f"/api/v1/accounts/{world.customer_a.external_id}/deletion/", {}).status_code == 403
    assert Customer.objects.get(pk=world.customer_a.pk).status == Customer.Status.ACTIVE


def test_session_writes_to_the_api_need_the_csrf_token(world: World) -> None:
    """A page on another site cannot make a signed-in customer's browser file or object."""
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = world.client("customer_a").cookies
    response = _post(strict, "/api/v1/requests/", {"type": "access", "email": world.customer_a.email})
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert strict.post("/privacy/account/", {}).status_code == 403  # the portal's forms too
    assert Customer.objects.get(pk=world.customer_a.pk).status == Customer.Status.ACTIVE
