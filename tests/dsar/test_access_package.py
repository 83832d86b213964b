"""§7.1, §7.5: one package with all the subject's data from every system, in JSON, CSV and
XML, the uploaded files, and a PDF cover letter with the Art. 15 information — read back."""

from __future__ import annotations

import csv
import io
import json
import urllib.request
import xml.etree.ElementTree as ET  # noqa: S405 — parsing our own output
import zipfile

import pytest
import time_machine
from django.core import mail
from django.test import Client
from pypdf import PdfReader
from rest_framework.test import APIClient

from accounts.models import Customer
from dsar.fulfilment import request_fulfil
from dsar.models import AccessPackage, DataSubjectRequest
from dsar.package.builder import package_build
from tests.conftest import NOW

from .conftest import EXPORT_BUCKET, Outside, confirm_by_link, days

DIACRITICS_NAME = "Ștefania Țăranu-Îonescu Âmbră"  # ș ț ă î â (comma-below forms)


@pytest.fixture
def rich_customer(customer_a: Customer, outside: Outside) -> Customer:
    customer_a.full_name = DIACRITICS_NAME
    customer_a.cognito_sub = outside.add_cognito_user(customer_a.email, name=DIACRITICS_NAME)
    customer_a.stripe_customer_id = outside.stripe.add_customer(email=customer_a.email, name=DIACRITICS_NAME)
    customer_a.save()
    outside.put("customers/cus-a/catalogue.csv", "sku,name\n1,Țesătură\n".encode())
    outside.put("customers/cus-a/images/p1.jpg", b"\xff\xd8\xff" + b"0" * 5000)
    outside.put("customers/cus-b/not-hers.csv", b"secret")
    return customer_a


def _build(dsr: DataSubjectRequest, actor, django_capture_on_commit_callbacks) -> AccessPackage:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        outcome = request_fulfil(dsr=dsr, actor=actor, now=NOW + days(1))
    assert not outcome.completed and len(queued) == 1  # the Celery task is queued after commit
    package = AccessPackage.objects.get(request=dsr)
    with time_machine.travel(NOW + days(1), tick=False):
        built = package_build(package_id=package.pk, now=NOW + days(1))
    assert built is not None
    return built


def _download(token_path: str, client: Client | None = None) -> bytes:
    response = (client or Client()).get(token_path)
    assert response.status_code == 302, response.content[:300]
    with urllib.request.urlopen(response["Location"], timeout=10) as fetched:  # noqa: S310 — moto
        return fetched.read()


def _download_path() -> str:
    body = mail.outbox[-1].body
    start = body.index("https://privacy.test/dsar/packages/")
    return body[start:].split()[0].removeprefix("https://privacy.test")


def test_the_package_reads_back_in_every_format_with_diacritics(  # type: ignore[no-untyped-def]
        rich_customer, verified, privacy_officer, django_capture_on_commit_callbacks) -> None:
    dsr = verified("access", customer=rich_customer)
    package = _build(dsr, privacy_officer, django_capture_on_commit_callbacks)
    dsr.refresh_from_db()
    assert package.state == "ready" and dsr.status == "completed"
    assert package.expires_at > NOW + days(1)
    answer = mail.outbox[-1]
    assert answer.to == [rich_customer.email] and "/dsar/packages/" in answer.body
    with time_machine.travel(NOW + days(2), tick=False):
        blob = _download(_download_path())
    zf = zipfile.ZipFile(io.BytesIO(blob))
    names = set(zf.namelist())
    assert {"cover_letter.pdf", "README.txt", "files/customers/cus-a/catalogue.csv",
            "files/customers/cus-a/images/p1.jpg"} <= names
    assert not any("cus-b" in n for n in names)  # only her own files
    assert zf.read("files/customers/cus-a/catalogue.csv") == "sku,name\n1,Țesătură\n".encode()
    for stem in ("account_profile.privacy-db", "account_profile.cognito", "billing_records.stripe",
                 "customer_product_data.s3"):
        assert {f"data/{fmt}/{stem}.{fmt}" for fmt in ("json", "csv", "xml")} <= names, stem

    profile = json.loads(zf.read("data/json/account_profile.privacy-db.json"))
    assert profile["category"] == "account_profile" and profile["records"][0]["full_name"] == DIACRITICS_NAME
    rows = list(csv.DictReader(io.StringIO(zf.read("data/csv/account_profile.privacy-db.csv").decode("utf-8-sig"))))
    assert rows[0]["full_name"] == DIACRITICS_NAME
    tree = ET.fromstring(zf.read("data/xml/account_profile.privacy-db.xml"))  # noqa: S314
    assert tree.tag == "category" and tree.get("key") == "account_profile"
    assert DIACRITICS_NAME in [f.text for f in tree.iter("field") if f.get("name") == "full_name"]
    files = json.loads(zf.read("data/json/customer_product_data.s3.json"))
    assert sorted(r["key"] for r in files["records"]) == ["customers/cus-a/catalogue.csv",
                                                           "customers/cus-a/images/p1.jpg"]
    for fmt in ("json", "csv", "xml"):  # every format of every file parses
        for name in (n for n in names if n.startswith(f"data/{fmt}/")):
            raw = zf.read(name)
            if fmt == "json":
                json.loads(raw)
            elif fmt == "csv":
                list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
            else:
                ET.fromstring(raw)  # noqa: S314

    pdf = PdfReader(io.BytesIO(zf.read("cover_letter.pdf")))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert DIACRITICS_NAME in text
    # customer_a writes in Romanian: the Art. 15 sections, in her language
    for heading in ("Confirmare", "Scopurile prelucrării", "Categorii de date", "Destinatari",
                    "Perioade de păstrare", "Sursele datelor", "Drepturile dumneavoastră",
                    "Autoritatea de supraveghere", "ANSPDCP"):
        assert heading in text, heading
    assert "Stripe" in text and "AWS S3" in text and "7 years" in text


def test_an_english_cover_letter_has_the_art_15_sections(  # type: ignore[no-untyped-def]
        outside, customer_b, verified, privacy_officer, django_capture_on_commit_callbacks) -> None:
    dsr = verified("portability", customer=customer_b, email=customer_b.email)
    package = _build(dsr, privacy_officer, django_capture_on_commit_callbacks)
    raw = outside.s3.get_object(Bucket=EXPORT_BUCKET, Key=package.s3_key)["Body"].read()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(
        zipfile.ZipFile(io.BytesIO(raw)).read("cover_letter.pdf"))).pages)
    for heading in ("Confirmation", "Purposes of processing", "Categories of personal data", "Recipients",
                    "Retention periods", "Sources of the data", "Your rights", "Supervisory authority"):
        assert heading in text, heading


def test_a_customer_never_reaches_another_customers_package(  # type: ignore[no-untyped-def]
        rich_customer, customer_b, verified, privacy_officer, portal_user, django_capture_on_commit_callbacks) -> None:
    from django.contrib.auth.models import User

    dsr = verified("access", customer=rich_customer)
    package = _build(dsr, privacy_officer, django_capture_on_commit_callbacks)
    intruder = User.objects.create_user(username="john.portal", password="x-portal-pass-2")
    customer_b.user = intruder
    customer_b.save()
    mine = f"/dsar/my/packages/{package.public_id}/"
    with time_machine.travel(NOW + days(2), tick=False):
        other = Client()
        other.force_login(intruder)
        assert other.get(mine).status_code == 404
        assert Client().get(mine).status_code == 404  # signed out
        owner = Client()
        owner.force_login(portal_user)
        assert owner.get(mine).status_code == 302
        # the API, as the intruder's portal session, cannot read her request either
        api = APIClient()
        api.force_authenticate(intruder)
        assert api.get(f"/api/v1/requests/{dsr.public_id}/").status_code == 404
        api.force_authenticate(portal_user)
        assert api.get(f"/api/v1/requests/{dsr.public_id}/").status_code == 200
        assert Client().get("/dsar/packages/forged-token/").status_code == 404


def test_the_package_expires_and_is_purged(  # type: ignore[no-untyped-def]
        rich_customer, verified, privacy_officer, django_capture_on_commit_callbacks, outside, settings) -> None:
    from django.core.management import call_command

    settings.DSAR_PACKAGE_TTL_SECONDS = 7 * 24 * 3600
    dsr = verified("access", customer=rich_customer)
    package = _build(dsr, privacy_officer, django_capture_on_commit_callbacks)
    path = _download_path()
    with time_machine.travel(NOW + days(9), tick=False):
        assert Client().get(path).status_code == 410  # expired
        call_command("run_privacy_jobs", as_of=NOW + days(9), only=["dsar_packages"])
    package.refresh_from_db()
    assert package.state == "purged"
    assert "Contents" not in outside.s3.list_objects_v2(Bucket=EXPORT_BUCKET)
    assert dsr.events.filter(kind="package", reason="package expired and purged").count() == 1
    call_command("run_privacy_jobs", as_of=NOW + days(10), only=["dsar_packages"])
    assert dsr.events.filter(kind="package", reason="package expired and purged").count() == 1


def test_access_end_to_end_through_the_api_and_the_admin(  # type: ignore[no-untyped-def]
        api, rich_customer, staff_client, privacy_officer, django_capture_on_commit_callbacks) -> None:
    created = api.post("/api/v1/requests/", {"type": "access", "email": rich_customer.email,
                                            "external_id": "cus-a"}, format="json").json()
    confirm_by_link()
    assert api.get(f"/api/v1/requests/{created['id']}/").json()["verified"] is True
    dsr = DataSubjectRequest.objects.get(public_id=created["id"])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = staff_client(privacy_officer).post(
            f"/admin/dsar/datasubjectrequest/{dsr.pk}/act/complete/", {"note": ""})
    assert response.status_code == 302 and len(queued) == 1
    assert api.get(f"/api/v1/requests/{created['id']}/").json()["status"] == "in_progress"
    package_build(package_id=AccessPackage.objects.get().pk, now=NOW)
    assert api.get(f"/api/v1/requests/{created['id']}/").json()["status"] == "completed"


def test_a_subscriber_without_an_account_gets_the_data_held_under_the_address(  # type: ignore[no-untyped-def]
        outside, verified, privacy_officer, django_capture_on_commit_callbacks) -> None:
    from consent.services import subscription_start

    subscription_start(email="reader@example.com", source="micropim.net footer",
                       consent_text_version="nl-1", language="ro", now=NOW - days(40))
    dsr = verified("access", email="reader@example.com")
    package = _build(dsr, privacy_officer, django_capture_on_commit_callbacks)
    raw = outside.s3.get_object(Bucket=EXPORT_BUCKET, Key=package.s3_key)["Body"].read()
    zf = zipfile.ZipFile(io.BytesIO(raw))
    sub = json.loads(zf.read("data/json/newsletter_subscription.privacy-db.json"))
    assert sub["records"][0]["email"] == "reader@example.com"
    assert json.loads(zf.read("data/json/marketing_consent_records.privacy-db.json"))["records"]
