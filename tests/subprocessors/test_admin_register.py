"""The admin adds and announces sub-processors under the same rules as the API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from accounts.models import Customer
from subprocessors.campaigns import campaign_deliver
from subprocessors.models import NoticeCampaign, SubProcessor

from .conftest import NOW

ADD = "/admin/subprocessors/subprocessor/add/"


def _form(**overrides: object) -> dict[str, object]:
    return {"name": "Support Desk Cloud", "service": "Helpdesk", "data_shared": "Support tickets",
            "location": "United States", "third_countries": "United States",
            "safeguards": ["scc_2021", "eu_us_dpf"], "scc_module": "module_2", "dpf_certified": "on",
            "tia_date": "2026-02-01", "safeguards_text": "", "starts_on": "", "position": "8", **overrides}


@pytest.fixture
def officer(register: None, customer_a: Customer, privacy_officer: User,
            staff_client: Callable[[User], Client]) -> Client:
    return staff_client(privacy_officer)


@time_machine.travel(NOW, tick=False)
def test_announcing_from_the_admin_with_29_days_notice_is_refused(officer: Client) -> None:
    starts = (NOW + timedelta(days=29)).date().isoformat()
    response = officer.post(ADD, _form(starts_on=starts, announce_now="on"))
    assert response.status_code == 200
    assert "the earliest start date is 2026-04-09" in response.content.decode()
    assert not SubProcessor.objects.filter(name="Support Desk Cloud").exists()


@time_machine.travel(NOW, tick=False)
def test_an_unknown_safeguard_or_a_missing_tia_is_refused(officer: Client) -> None:
    assert officer.post(ADD, _form(safeguards=["wishful_thinking"])).status_code == 200
    assert officer.post(ADD, _form(tia_date="")).status_code == 200
    assert officer.post(ADD, _form(name="stripe")).status_code == 200
    assert SubProcessor.objects.count() == 7


@time_machine.travel(NOW, tick=False)
def test_announcing_from_the_admin_at_30_days_notifies_customers(officer: Client) -> None:
    starts = (NOW + timedelta(days=30)).date().isoformat()
    response = officer.post(ADD, _form(starts_on=starts, announce_now="on"))
    assert response.status_code == 302, response.content.decode()[:2000]
    sp = SubProcessor.objects.get(name="Support Desk Cloud")
    assert (sp.status, sp.starts_on.isoformat(), sp.slug) == ("announced", starts, "support-desk-cloud")
    assert sp.safeguards_text == "EU Standard Contractual Clauses (2021) + EU-US Data Privacy Framework"
    campaign = NoticeCampaign.objects.get()
    campaign_deliver(campaign.pk, batch_size=10, now=NOW)
    assert [m.to for m in mail.outbox] == [["ana.popescu@example.com"]]


@time_machine.travel(NOW, tick=False)
def test_propose_then_announce_with_the_admin_action(officer: Client) -> None:
    starts = (NOW + timedelta(days=45)).date().isoformat()
    assert officer.post(ADD, _form(starts_on=starts)).status_code == 302
    sp = SubProcessor.objects.get(name="Support Desk Cloud")
    assert sp.status == "proposed"
    response = officer.post("/admin/subprocessors/subprocessor/",
                            {"action": "announce", "_selected_action": [sp.pk]}, follow=True)
    assert "announced, starting" in response.content.decode()
    sp.refresh_from_db()
    assert sp.status == "announced"
    # Announcing an already active one reports an error and changes nothing.
    stripe = SubProcessor.objects.get(name="Stripe")
    response = officer.post("/admin/subprocessors/subprocessor/",
                            {"action": "announce", "_selected_action": [stripe.pk]}, follow=True)
    assert "only a proposed sub-processor can be announced" in response.content.decode()
    assert NoticeCampaign.objects.count() == 1


def test_campaign_progress_is_visible_to_privacy_officers(officer: Client) -> None:
    page = officer.get("/admin/subprocessors/noticecampaign/")
    assert page.status_code == 200
    add = officer.post("/admin/subprocessors/noticecampaign/add/", {
        "kind": "business_transfer", "title": "Transfer to NewCo", "subject_en": "We are joining NewCo",
        "body_en": "Your data will move to NewCo on 1 June; you may object or delete your account (§4.6).",
        "subject_ro": "Ne alăturăm NewCo", "body_ro": "Datele dumneavoastră vor fi transferate către NewCo."})
    assert add.status_code == 302
    campaign = NoticeCampaign.objects.get()
    assert (campaign.kind, campaign.recipients_count) == ("business_transfer", 1)
    campaign_deliver(campaign.pk, batch_size=10, now=NOW)
    assert mail.outbox[0].subject == "Ne alăturăm NewCo"
    listing = officer.get("/admin/subprocessors/noticecampaign/").content.decode()
    assert "Transfer to NewCo" in listing
    assert officer.get(f"/admin/subprocessors/noticecampaign/{campaign.pk}/change/").status_code == 200
    assert officer.get("/admin/subprocessors/noticedelivery/").status_code == 200
