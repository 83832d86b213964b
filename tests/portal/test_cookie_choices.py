"""`/privacy/cookies/`: see and change one's cookie choices by the banner's visitor id, through
the consent app's selector and service (GPC §10.4, strictly necessary always on §10.2)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from consent.models import ConsentRecord
from consent.services import cookie_decision_record
from micropim_privacy.policy import POLICY_VERSION

VISITOR = "b7c1e0a2-5f3d-4c8e-9a61-2d4f8e0c9b13"
URL = "/privacy/cookies/"

pytestmark = pytest.mark.django_db


def _decided(*, analytics: bool, marketing: bool) -> ConsentRecord:
    return cookie_decision_record(visitor_id=VISITOR, analytics=analytics, marketing=marketing,
                                  policy_version=POLICY_VERSION, banner_version="1",
                                  now=timezone.now() - timedelta(days=3))


def _english() -> Client:
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "en"
    return client


def _post(client: Client, data: dict[str, str], **headers: str):  # type: ignore[no-untyped-def]
    page = client.get(URL, {"visitor": data.get("visitor", VISITOR)}, **headers)
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return page, client.post(URL, {**data, "csrfmiddlewaretoken": token}, **headers)


def test_the_page_shows_the_current_choice_without_sign_in() -> None:
    _decided(analytics=True, marketing=False)
    response = _english().get(URL, {"visitor": VISITOR})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Analytics cookies: allowed" in body and "Marketing cookies: refused" in body
    assert "Strictly necessary cookies (always on)" in body
    assert 'name="csrfmiddlewaretoken"' in body and f'value="{VISITOR}"' in body
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_changing_the_choice_records_a_new_decision() -> None:
    first = _decided(analytics=True, marketing=True)
    client = _english()
    _, response = _post(client, {"visitor": VISITOR, "marketing": "on"})
    assert response.status_code == 302 and "done=saved" in response["Location"]
    latest = ConsentRecord.objects.exclude(pk=first.pk).get()
    assert (latest.kind, latest.subject_key, latest.analytics, latest.marketing) == (
        "cookies", VISITOR, False, True)
    assert latest.policy_version == POLICY_VERSION and latest.source == "privacy portal"
    assert latest.gpc_source == ""
    page = client.get(response["Location"]).content.decode()
    assert "Saved" in page and "Analytics cookies: refused" in page and "Marketing cookies: allowed" in page


def test_the_form_needs_its_csrf_token() -> None:
    client = _english()
    assert client.post(URL, {"visitor": VISITOR, "analytics": "on"}).status_code == 403
    assert not ConsentRecord.objects.exists()


def test_a_gpc_signal_forces_analytics_and_marketing_off_and_says_why() -> None:
    client = _english()
    page, response = _post(client, {"visitor": VISITOR, "analytics": "on", "marketing": "on"},
                           HTTP_SEC_GPC="1")
    assert "Global Privacy Control" in page.content.decode()
    assert response.status_code == 302
    record = ConsentRecord.objects.get()
    assert (record.analytics, record.marketing) == (False, False)
    assert (record.requested_analytics, record.requested_marketing, record.gpc_source) == (True, True, "header")
    after = client.get(response["Location"], HTTP_SEC_GPC="1").content.decode()
    assert "turned them off (§10.4)" in after and "Analytics cookies: refused" in after


def test_an_older_opt_in_shows_as_off_when_the_browser_now_sends_gpc() -> None:
    _decided(analytics=True, marketing=True)
    body = _english().get(URL, {"visitor": VISITOR}, HTTP_SEC_GPC="1").content.decode()
    assert "Analytics cookies: refused" in body and "Marketing cookies: refused" in body
    assert "stay off whatever you choose here" in body


@pytest.mark.parametrize("visitor", ["short", "has space in it!", "x" * 65, "<script>alert(1)</script>"])
def test_a_bad_visitor_id_is_refused_and_nothing_is_stored(visitor: str) -> None:
    client = _english()
    page, response = _post(client, {"visitor": visitor, "analytics": "on"})
    assert page.status_code == 400 and response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert "<script>alert" not in response.content.decode()
    assert not ConsentRecord.objects.exists()


def test_without_a_visitor_id_the_page_explains_how_to_open_it() -> None:
    client = _english()
    body = client.get(URL).content.decode()
    assert "How to open your cookie choices" in body and "Cookie Settings" in body
    assert "does not send a Global Privacy Control signal" in body
    assert "Save my cookie choice" not in body
    assert "stay off whatever you choose here" in client.get(URL, HTTP_SEC_GPC="1").content.decode()


def test_the_page_in_romanian() -> None:
    _decided(analytics=False, marketing=True)
    client = Client()
    client.cookies["django_language"] = "ro"
    body = client.get(URL, {"visitor": VISITOR}).content.decode()
    assert 'lang="ro"' in body
    assert "Alegerile privind cookie-urile" in body
    assert "Cookie-uri de analiză: refuzate" in body and "Cookie-uri de marketing: permise" in body
    assert "Cookie-uri strict necesare (mereu active)" in body
    assert "Cum vă deschideți" in client.get(URL).content.decode()


def test_the_home_page_links_to_it() -> None:
    assert f'href="{URL}"' in _english().get("/privacy/").content.decode()
