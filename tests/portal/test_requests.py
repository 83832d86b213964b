"""Filing requests (§7, §8) and downloading one's data through the dsar app's services."""

from __future__ import annotations

from django.test import Client

from dsar.models import AccessPackage, DataSubjectRequest

from .conftest import PASSWORD


def test_a_signed_in_customer_files_an_access_request_verified_by_the_session(customer_a, with_password) -> None:  # type: ignore[no-untyped-def]
    with_password(customer_a)
    client = Client()
    client.post("/privacy/sign-in/password/", {"email": customer_a.email, "password": PASSWORD})
    response = client.post("/privacy/requests/new/", {"type": "access", "jurisdiction": "eu"})
    dsr = DataSubjectRequest.objects.get()
    assert response["Location"] == f"/privacy/requests/{dsr.public_id}/"
    assert dsr.customer == customer_a and dsr.channel == "portal" and dsr.verified
    page = client.get(response["Location"]).content.decode()
    assert dsr.due_at.strftime("%Y") in page


def test_a_us_right_needs_a_us_jurisdiction(signed_in) -> None:  # type: ignore[no-untyped-def]
    client: Client = signed_in("us@example.org")
    client.cookies["django_language"] = "ro"
    response = client.post("/privacy/requests/new/", {"type": "know", "jurisdiction": "eu"})
    assert response.status_code == 400
    assert "legislației statelor SUA" in response.content.decode()
    assert not DataSubjectRequest.objects.exists()


def test_an_authorized_agent_files_for_a_californian(signed_in) -> None:  # type: ignore[no-untyped-def]
    client: Client = signed_in("agent@example.org")
    response = client.post("/privacy/requests/new/agent/", {
        "agent_name": "Agency LLC", "consumer_name": "Jane Doe", "consumer_email": "jane@example.org",
        "type": "delete", "jurisdiction": "us-ca", "permission": "on"})
    assert response.status_code == 200
    dsr = DataSubjectRequest.objects.get()
    assert dsr.email == "jane@example.org" and dsr.agent_email == "agent@example.org"
    # The agent does not see the consumer's request; the consumer does.
    assert client.get(f"/privacy/requests/{dsr.public_id}/").status_code == 404


def test_download_data_starts_a_package_for_a_verified_session(customer_a, with_password) -> None:  # type: ignore[no-untyped-def]
    with_password(customer_a)
    client = Client()
    client.post("/privacy/sign-in/password/", {"email": customer_a.email, "password": PASSWORD})
    assert client.post("/privacy/export/start/").status_code == 302
    assert client.post("/privacy/export/start/").status_code == 302  # the building one is reused
    package = AccessPackage.objects.get()
    assert package.state == "building" and package.request.type == "portability"
    assert client.get("/privacy/export/status.json").json()["done"] is False
    assert "<progress" in client.get("/privacy/export/").content.decode()
