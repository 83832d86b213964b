"""§4.2: adding a sub-processor — 30 days' notice to every active customer, then it starts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from xml.etree import ElementTree

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import Customer
from micropim_privacy.jobs import JOBS
from subprocessors import services
from subprocessors.campaigns import campaign_deliver
from subprocessors.models import NoticeCampaign, RegisterChange, SubProcessor

from .conftest import NOW

ATOM = "{http://www.w3.org/2005/Atom}"


def propose(**overrides: object) -> SubProcessor:
    fields: dict[str, object] = {
        "name": "Postal Relay EU", "service": "Transactional email delivery",
        "data_shared": "Email address, name, email content", "location": "Ireland (Dublin)",
        "safeguards": ["eu_only", "encryption"], "now": NOW, **overrides,
    }
    return services.subprocessor_propose(**fields)  # type: ignore[arg-type]


@pytest.fixture
def customers(customer_a: Customer, customer_b: Customer) -> list[Customer]:
    leaving = Customer.objects.create(external_id="cus-leaving", email="leaving@example.com",
                                      status=Customer.Status.PENDING_DELETION)
    gone = Customer.objects.create(external_id="cus-gone", email="", status=Customer.Status.DELETED)
    return [customer_a, customer_b, leaving, gone]


def test_announcing_notifies_every_active_customer_in_their_language(register: None, customers: list[Customer]) -> None:
    sp = propose()
    assert sp.status == "proposed" and not sp.is_public
    sp = services.subprocessor_announce(subprocessor=sp, starts_on=date(2026, 4, 9), by=None, now=NOW)
    assert (sp.status, sp.announced_at, sp.starts_on) == ("announced", NOW, date(2026, 4, 9))
    campaign = sp.announcement
    assert campaign.kind == NoticeCampaign.Kind.SUBPROCESSOR and campaign.recipients_count == 2
    campaign_deliver(campaign.pk, batch_size=50, now=NOW)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"ana.popescu@example.com", "john.smith@example.com"}
    assert by_address["john.smith@example.com"].subject == "New sub-processor from 2026-04-09: Postal Relay EU"
    ro = by_address["ana.popescu@example.com"]
    assert ro.subject == "Sub-procesator nou din 2026-04-09: Postal Relay EU"
    assert "Vă anunțăm" in ro.body or "vă anunțăm" in ro.body
    assert "Transactional email delivery" in ro.body


def test_a_start_29_days_after_the_announcement_is_refused_and_nothing_changes(
    register: None, customers: list[Customer],
) -> None:
    sp = propose()
    with pytest.raises(ValidationError) as refused:
        services.subprocessor_announce(subprocessor=sp, starts_on=date(2026, 4, 8), by=None, now=NOW)
    assert "2026-04-09" in refused.value.message_dict["starts_on"][0]
    sp.refresh_from_db()
    assert (sp.status, sp.announced_at, sp.announcement) == ("proposed", None, None)
    assert not NoticeCampaign.objects.exists()
    assert not RegisterChange.objects.filter(subprocessor=sp).exists()


def test_announcing_twice_is_refused(register: None, customers: list[Customer]) -> None:
    sp = propose()
    services.subprocessor_announce(subprocessor=sp, starts_on=date(2026, 5, 1), by=None, now=NOW)
    with pytest.raises(ValidationError) as refused:
        services.subprocessor_announce(subprocessor=sp, starts_on=date(2026, 5, 1), by=None, now=NOW)
    assert refused.value.code == "state"
    assert NoticeCampaign.objects.count() == 1


def test_it_becomes_active_on_its_start_date_once(register: None, customers: list[Customer], client: Client) -> None:
    sp = propose()
    services.subprocessor_announce(subprocessor=sp, starts_on=date(2026, 4, 9), by=None, now=NOW)
    job = JOBS["start_announced_subprocessors"]
    day_before = NOW + timedelta(days=29)
    assert job(as_of=day_before, dry_run=False) == {"started": 0}
    assert job(as_of=NOW + timedelta(days=30), dry_run=True) == {"started": 1}
    assert job(as_of=NOW + timedelta(days=30), dry_run=False) == {"started": 1}
    assert job(as_of=NOW + timedelta(days=31), dry_run=False) == {"started": 0}
    sp.refresh_from_db()
    assert sp.status == "active"
    feed = ElementTree.fromstring(client.get("/subprocessors/feed/").content)  # noqa: S314 — our own response
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert titles[:2] == ["Postal Relay EU: started processing", "Postal Relay EU: announced"]


def test_the_hourly_job_delivers_a_campaign_no_worker_picked_up(
    register: None, many_customers: Callable[..., list[Customer]],
) -> None:
    many_customers(30)
    sp = services.subprocessor_announce(subprocessor=propose(), starts_on=date(2026, 5, 1), by=None, now=NOW)
    job = JOBS["deliver_notice_campaigns"]
    assert job(as_of=NOW, dry_run=True) == {"campaigns": 1, "sent": 0, "failed": 0, "pending": 30}
    assert job(as_of=NOW, dry_run=False) == {"campaigns": 1, "sent": 30, "failed": 0, "pending": 0}
    assert job(as_of=NOW, dry_run=False) == {"campaigns": 0, "sent": 0, "failed": 0, "pending": 0}
    assert len(mail.outbox) == 30
    sp.announcement.refresh_from_db()
    assert sp.announcement.status == "completed"


def test_retiring_keeps_the_row_and_publishes_the_change(register: None) -> None:
    hetzner = SubProcessor.objects.get(name="Hetzner")
    services.subprocessor_retire(subprocessor=hetzner, now=NOW)
    hetzner.refresh_from_db()
    assert (hetzner.status, hetzner.retired_on) == ("retired", NOW.date())
    assert RegisterChange.objects.filter(subprocessor=hetzner, kind="retired").count() == 1
    with pytest.raises(ValidationError):
        services.subprocessor_update(subprocessor=hetzner, fields={"location": "Mars"}, now=NOW)


def test_changing_a_public_row_is_published(register: None) -> None:
    s3 = SubProcessor.objects.get(name="AWS S3")
    services.subprocessor_update(subprocessor=s3, fields={"location": "EU (Frankfurt, Germany)"}, now=NOW)
    change = RegisterChange.objects.get(subprocessor=s3, kind="updated")
    assert "location" in change.summary
