"""Staff login is throttled: repeated failures lock the username out from that address."""

from __future__ import annotations

from django.test import Client, override_settings


@override_settings(AXES_ENABLED=True)
def test_five_wrong_passwords_lock_the_account_out(privacy_officer) -> None:  # type: ignore[no-untyped-def]
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        response = client.post("/admin/login/", {"username": "priya", "password": "wrong"})
    assert response.status_code == 429
    # even the right password is refused now, from that address
    response = client.post("/admin/login/", {"username": "priya", "password": "x-staff-pass-1"})
    assert response.status_code == 429
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.filter(username="priya").exists()


@override_settings(AXES_ENABLED=True)
def test_a_few_mistakes_do_not_lock_out(privacy_officer) -> None:  # type: ignore[no-untyped-def]
    client = Client(REMOTE_ADDR="203.0.113.8")
    for _ in range(3):
        assert client.post("/admin/login/", {"username": "priya", "password": "wrong"}).status_code == 200
