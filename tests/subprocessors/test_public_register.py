"""The seeded §4.2 register, public without a login: JSON, a page and an Atom feed."""

from __future__ import annotations

from xml.etree import ElementTree

from django.test import Client
from rest_framework.test import APIClient

from micropim_privacy.policy import SUBPROCESSORS
from subprocessors.models import RegisterChange, SubProcessor

ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_seven_processors_of_4_2_are_seeded_active_with_their_safeguards(register: None) -> None:
    assert tuple(SubProcessor.objects.values_list("name", flat=True)) == SUBPROCESSORS
    assert set(SubProcessor.objects.values_list("status", flat=True)) == {"active"}
    stripe = SubProcessor.objects.get(name="Stripe")
    assert (stripe.scc_module, stripe.dpf_certified, stripe.third_countries) == ("module_2", True, "United States")
    assert stripe.tia_date is not None
    hetzner = SubProcessor.objects.get(name="Hetzner")
    assert (hetzner.third_countries, hetzner.scc_module, hetzner.tia_date) == ("", "", None)
    assert RegisterChange.objects.filter(kind="listed").count() == 7


def test_public_api_lists_the_register_without_auth(anon_api: APIClient, register: None) -> None:
    response = anon_api.get("/api/v1/subprocessors/")
    assert response.status_code == 200
    body = response.json()
    assert body["notice_period"] == "30 days"
    assert [r["name"] for r in body["subprocessors"]] == list(SUBPROCESSORS)
    s3 = body["subprocessors"][0]
    assert s3["safeguards"] == ["scc_2021", "eu_us_dpf", "encryption"]
    assert s3["scc_module"] == "module_2" and s3["transfers_outside_eea"] is True
    # A stale or wrong token does not lock anyone out of a public list.
    anon_api.credentials(HTTP_AUTHORIZATION="Token nonsense")
    assert anon_api.get("/api/v1/subprocessors/").status_code == 200


def test_proposed_and_retired_processors_are_not_in_the_public_register(anon_api: APIClient, register: None) -> None:
    SubProcessor.objects.filter(name="Hetzner").update(status="retired")
    SubProcessor.objects.filter(name="Stripe").update(status="proposed")
    names = [r["name"] for r in anon_api.get("/api/v1/subprocessors/").json()["subprocessors"]]
    assert "Hetzner" not in names and "Stripe" not in names and len(names) == 5


def test_public_page_and_atom_feed(client: Client, register: None) -> None:
    page = client.get("/subprocessors/")
    assert page.status_code == 200
    html = page.content.decode()
    for name in SUBPROCESSORS:
        assert name in html
    assert 'type="application/atom+xml"' in html
    feed = client.get("/subprocessors/feed/")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(feed.content)  # noqa: S314 — our own response
    titles = [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]
    assert len(titles) == 7 and "Stripe: listed in the privacy policy" in titles
