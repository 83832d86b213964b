"""§6.4 / Art. 34: each person affected by a high-risk breach gets a notice, in their language,
with the nature, likely consequences, measures and contact point — once, with a delivery record."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client

from accounts.models import Customer, Notification
from breaches.models import Breach
from subprocessors.models import NoticeCampaign

from .conftest import utc

NOW = utc(2026, 3, 10, 9, 0)
TEXTS = {
    "nature_en": "Support e-mails were readable on the internet for 6 days.",
    "nature_ro": "E-mailurile de suport au putut fi citite pe internet timp de 6 zile.",
    "consequences_en": "You may receive phishing messages that look like ours.",
    "consequences_ro": "Este posibil să primiți mesaje de phishing care par să vină de la noi.",
    "measures_en": "We closed the access and rotated every key.",
    "measures_ro": "Am închis accesul și am schimbat toate cheile.",
}


@pytest.fixture(autouse=True)
def _frozen(db: None) -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def breach(make_breach: Callable[..., Breach]) -> Breach:
    return make_breach(discovered_at=NOW - timedelta(hours=5), risk_level="high",
                       risk_reasoning="E-mails with names: targeted phishing likely.")


def deliver_notices() -> dict[str, int]:
    out = StringIO()
    call_command("run_privacy_jobs", "--only", "deliver_notice_campaigns", "--json", stdout=out)
    return json.loads(out.getvalue())["jobs"]["deliver_notice_campaigns"]["counts"]


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def test_each_person_gets_the_notice_once_in_their_language(
    officer_client: Client, breach: Breach, customer_a: Customer, customer_b: Customer
) -> None:
    base = f"/api/v1/breaches/{breach.reference}"
    added = post(officer_client, f"{base}/affected-people/", {"external_ids": ["cus-a", "cus-b", "cus-a"]})
    assert added.status_code == 200 and added.json() == {"added": 2, "affected_people": 2}
    sent = post(officer_client, f"{base}/subject-notices/", {**TEXTS, "contact_point": "Marmureanu Andrei, privacy@micropim.net"})
    assert sent.status_code == 201, sent.content
    assert deliver_notices()["sent"] == 2
    by_person = {m.to[0]: m for m in mail.outbox}
    ro, en = by_person["ana.popescu@example.com"], by_person["john.smith@example.com"]
    assert ro.subject == "Important: un incident de securitate care vă afectează datele din MicroPIM"
    assert en.subject == "Important: a security incident affecting your MicroPIM data"
    for message, lang in ((ro, "ro"), (en, "en")):
        for part in ("nature", "consequences", "measures"):
            assert TEXTS[f"{part}_{lang}"] in message.body
        assert "Marmureanu Andrei, privacy@micropim.net" in message.body
        assert breach.reference in message.body
    assert "Stimate/Stimată Ana Popescu" in ro.body and "Dear John Smith" in en.body
    # The delivery record, person by person.
    record = officer_client.get(f"{base}/subject-notices/").json()
    assert sorted((d["person"], d["language"], d["status"]) for d in record["deliveries"]) == [
        ("cus-a", "ro", "sent"), ("cus-b", "en", "sent")]
    assert all(d["sent_at"] == "2026-03-10T09:00:00Z" for d in record["deliveries"])
    assert Notification.objects.filter(customer=customer_a, kind="breach_high_risk").count() == 1
    # Running again sends nothing; a second sending finds nobody left.
    assert deliver_notices()["sent"] == 0
    again = post(officer_client, f"{base}/subject-notices/", TEXTS)
    assert again.status_code == 409 and "already been sent" in again.json()["detail"]
    assert len(mail.outbox) == 2


def test_people_found_later_get_it_and_nobody_twice(
    officer_client: Client, breach: Breach, customer_a: Customer, customer_b: Customer
) -> None:
    base = f"/api/v1/breaches/{breach.reference}"
    post(officer_client, f"{base}/affected-people/", {"external_ids": ["cus-a"]})
    post(officer_client, f"{base}/subject-notices/", TEXTS)
    deliver_notices()
    Customer.objects.create(external_id="cus-c", email="erased@example.com", status="deleted")
    assert post(officer_client, f"{base}/affected-people/", {"all_customers": True}).json() == {
        "added": 1, "affected_people": 2}  # every account not erased: cus-b is new
    assert post(officer_client, f"{base}/subject-notices/", TEXTS).status_code == 201
    deliver_notices()
    assert sorted(m.to[0] for m in mail.outbox) == ["ana.popescu@example.com", "john.smith@example.com"]
    assert NoticeCampaign.objects.count() == 2


def test_unknown_accounts_add_nobody(officer_client: Client, breach: Breach, customer_a: Customer) -> None:
    response = post(officer_client, f"/api/v1/breaches/{breach.reference}/affected-people/",
                    {"external_ids": ["cus-a", "cus-404"]})
    assert response.status_code == 400 and "cus-404" in response.json()["errors"]["external_ids"][0]
    assert not breach.affected.exists()


def test_only_a_high_risk_breach_is_notified_to_people(
    officer_client: Client, make_breach: Callable[..., Breach], customer_a: Customer
) -> None:
    breach = make_breach(discovered_at=NOW - timedelta(hours=1))  # assessed as "risk", not high
    post(officer_client, f"/api/v1/breaches/{breach.reference}/affected-people/", {"external_ids": ["cus-a"]})
    response = post(officer_client, f"/api/v1/breaches/{breach.reference}/subject-notices/", TEXTS)
    assert response.status_code == 409 and "Art. 34(1)" in response.json()["detail"]
    assert not NoticeCampaign.objects.exists()


def test_both_languages_are_required(officer_client: Client, breach: Breach, customer_a: Customer) -> None:
    post(officer_client, f"/api/v1/breaches/{breach.reference}/affected-people/", {"external_ids": ["cus-a"]})
    response = post(officer_client, f"/api/v1/breaches/{breach.reference}/subject-notices/",
                    {**TEXTS, "measures_ro": ""})
    assert response.status_code == 400 and "measures_ro" in response.json()["errors"]
    assert not NoticeCampaign.objects.exists()


def test_the_admin_page_adds_people_and_sends_the_notice(
    officer_client: Client, breach: Breach, customer_a: Customer
) -> None:
    url = f"/admin/breaches/breach/{breach.pk}/people/"
    page = officer_client.get(url)
    assert page.status_code == 200 and breach.nature in page.content.decode()  # English prefilled
    assert officer_client.post(url, {"action": "add", "external_ids": "cus-a\n"}).status_code == 302
    refused = officer_client.post(url, {"action": "notify", **TEXTS, "nature_ro": "",
                                        "contact_point": "privacy@micropim.net"})
    assert refused.status_code == 400 and not NoticeCampaign.objects.exists()
    assert officer_client.post(url, {"action": "notify", **TEXTS,
                                     "contact_point": "privacy@micropim.net"}).status_code == 302
    deliver_notices()
    page = officer_client.get(url).content.decode()
    assert "cus-a" in page and "Sent" in page and len(mail.outbox) == 1


def test_a_support_agent_cannot_open_the_people_page(
    staff_client: Callable[..., Client], support_agent: Any, breach: Breach
) -> None:
    client = staff_client(support_agent)
    assert client.get(f"/admin/breaches/breach/{breach.pk}/people/").status_code == 403
    assert client.get(f"/api/v1/breaches/{breach.reference}/subject-notices/").status_code == 403
