"""§7.10: identity confirmed by a single-use signed link sent to the account's address.
A forged, expired or reused link is a clear 4xx and changes nothing."""

from __future__ import annotations

import time_machine
from django.test import Client

from accounts.models import Customer
from dsar.models import DataSubjectRequest, RequestEvent
from tests.conftest import NOW

from .conftest import days, link_from_last_email, submit


def _state(dsr: DataSubjectRequest) -> tuple[str, object, int]:
    dsr.refresh_from_db()
    return dsr.status, dsr.verified_at, RequestEvent.objects.filter(request=dsr).count()


def test_opening_the_link_changes_nothing_confirming_it_verifies(customer_a: Customer) -> None:
    dsr = submit("access", customer=customer_a)
    path = link_from_last_email("confirm")
    client = Client()
    before = _state(dsr)
    page = client.get(path)  # a mail scanner opening the link must not confirm anything
    assert page.status_code == 200 and b"<form" in page.content
    assert _state(dsr) == before
    with time_machine.travel(NOW + days(1), tick=False):
        assert client.post(path).status_code == 200
    dsr.refresh_from_db()
    assert dsr.status == "verified" and dsr.verified
    assert dsr.verification_method == "email_link"
    assert dsr.verified_at == NOW + days(1)
    assert dsr.events.filter(actor_label="requester (email link)").exists()


def test_a_used_link_cannot_be_used_again(customer_a: Customer) -> None:
    dsr = submit("access", customer=customer_a)
    path = link_from_last_email("confirm")
    assert Client().post(path).status_code == 200
    before = _state(dsr)
    again = Client().post(path)
    assert again.status_code == 410
    assert b'data-error="used"' in again.content
    assert _state(dsr) == before


def test_a_forged_link_is_refused(customer_a: Customer) -> None:
    dsr = submit("access", customer=customer_a)
    path = link_from_last_email("confirm")
    token = path.split("/")[3]
    before = _state(dsr)
    for forged in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "nonsense", "e30:1t:abc"):
        response = Client().post(f"/dsar/confirm/{forged}/")
        assert response.status_code == 400, forged
        assert b'data-error="invalid"' in response.content
    assert _state(dsr) == before


def test_an_expired_link_is_refused(customer_a: Customer, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DSAR_VERIFICATION_LINK_MAX_AGE_SECONDS = 3600
    with time_machine.travel(NOW, tick=False):
        dsr = submit("access", customer=customer_a)
    path = link_from_last_email("confirm")
    before = _state(dsr)
    with time_machine.travel(NOW + days(1), tick=False):
        response = Client().post(path)
    assert response.status_code == 400 and b'data-error="expired"' in response.content
    assert _state(dsr) == before


def test_a_confirmation_link_does_not_open_the_upload_form(customer_a: Customer) -> None:
    submit("access", customer=customer_a)
    token = link_from_last_email("confirm").split("/")[3]
    assert Client().get(f"/dsar/upload/{token}/").status_code == 400
