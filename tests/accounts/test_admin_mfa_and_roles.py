"""Staff reach /admin/ only with a second factor, and see only what their role needs."""

from __future__ import annotations

from django.test import Client

from accounts.models import AccessLogEntry, Customer


def test_a_password_alone_does_not_open_the_admin(privacy_officer) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    response = client.post("/admin/login/", {"username": "priya", "password": "x-staff-pass-1",
                                             "next": "/admin/"})
    assert response.status_code == 200  # the form again, asking for the one-time code
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/accounts/customer/").status_code == 302


def test_a_wrong_one_time_code_is_refused(privacy_officer) -> None:  # type: ignore[no-untyped-def]
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device = StaticDevice.objects.create(user=privacy_officer, name="backup")
    StaticToken.objects.create(device=device, token="123456")
    client = Client()
    response = client.post("/admin/login/", {"username": "priya", "password": "x-staff-pass-1",
                                             "otp_device": device.persistent_id, "otp_token": "654321"})
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_with_a_second_factor_the_admin_opens(staff_client, privacy_officer) -> None:  # type: ignore[no-untyped-def]
    assert staff_client(privacy_officer).get("/admin/").status_code == 200


def test_viewing_a_customer_in_the_admin_is_logged(staff_client, privacy_officer, customer_a) -> None:  # type: ignore[no-untyped-def]
    client = staff_client(privacy_officer)
    assert client.get(f"/admin/accounts/customer/{customer_a.pk}/change/").status_code == 200
    assert client.get("/admin/accounts/customer/").status_code == 200
    logged = list(AccessLogEntry.objects.order_by("id").values_list("actor_label", "action", "subject_ref"))
    assert logged == [("priya", "view", "cus-a"), ("priya", "list", "")]


def test_changing_a_customer_in_the_admin_is_logged(staff_client, privacy_officer, customer_a) -> None:  # type: ignore[no-untyped-def]
    client = staff_client(privacy_officer)
    url = f"/admin/accounts/customer/{customer_a.pk}/change/"
    response = client.post(url, {"external_id": "cus-a", "language": "ro", "full_name": "Ana P.",
                                 "email": customer_a.email, "company_name": "", "job_title": "",
                                 "phone": "", "date_of_birth": "", "profile_photo_key": "", "user": ""})
    assert response.status_code == 302, response.content[:2000]
    assert Customer.objects.get(pk=customer_a.pk).full_name == "Ana P."
    assert AccessLogEntry.objects.filter(action="change", subject_ref="cus-a").count() == 1


def test_support_agent_reads_accounts_but_not_the_access_log(staff_client, support_agent, customer_a) -> None:  # type: ignore[no-untyped-def]
    client = staff_client(support_agent)
    assert client.get(f"/admin/accounts/customer/{customer_a.pk}/change/").status_code == 200
    assert client.get("/admin/accounts/accesslogentry/").status_code == 403
    assert client.get("/admin/retention/legalhold/").status_code == 403
    # read-only: a change is refused
    response = client.post(f"/admin/accounts/customer/{customer_a.pk}/change/", {"full_name": "X"})
    assert response.status_code == 403


def test_security_officer_reads_the_access_log_but_not_customers(staff_client, security_officer, customer_a) -> None:  # type: ignore[no-untyped-def]
    client = staff_client(security_officer)
    assert client.get("/admin/accounts/accesslogentry/").status_code == 200
    assert client.get(f"/admin/accounts/customer/{customer_a.pk}/change/").status_code == 403


def test_nobody_can_edit_the_access_log(staff_client, privacy_officer, customer_a) -> None:  # type: ignore[no-untyped-def]
    client = staff_client(privacy_officer)
    client.get(f"/admin/accounts/customer/{customer_a.pk}/change/")
    entry = AccessLogEntry.objects.first()
    assert client.post(f"/admin/accounts/accesslogentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


def test_privacy_officer_sees_the_registry_page(staff_client, privacy_officer) -> None:  # type: ignore[no-untyped-def]
    response = staff_client(privacy_officer).get("/admin/retention/jobrun/registry/")
    assert response.status_code == 200
    assert b"Server logs" in response.content and b"90 days" in response.content
