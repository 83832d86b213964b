"""GDPR Art. 30: the record of processing, generated from the registry and the register."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pypdf import PdfReader

from accounts.models import AccessLogEntry
from micropim_privacy.policy import CATEGORIES, SUBPROCESSORS
from subprocessors.art30 import SECURITY_MEASURES_6_1, build_record, record_csv

from .conftest import NOW


def _flat(text: str) -> str:
    """Without whitespace: a table cell wraps "Facebook/Meta" after its slash."""
    return re.sub(r"\s+", "", text)


@pytest.fixture
def officer(register: None, privacy_officer: User, staff_client: Callable[[User], Client]) -> Client:
    return staff_client(privacy_officer)


def test_the_pdf_read_back_names_every_processor_and_every_category(officer: Client) -> None:
    response = officer.get("/admin/subprocessors/subprocessor/art30.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment;" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = _flat(" ".join(page.extract_text() for page in reader.pages))
    for name in SUBPROCESSORS:
        assert _flat(name) in text, name
    for category in CATEGORIES:
        assert _flat(category.name) in text, category.key
    assert _flat("United States") in text and _flat("Module 2 (controller to processor)") in text
    assert "AES-256" in text  # §6.1
    assert AccessLogEntry.objects.filter(object_type="art30_record.pdf", action="export").count() == 1


def test_the_csv_has_every_activity_processor_and_security_measure(officer: Client) -> None:
    response = officer.get("/admin/subprocessors/subprocessor/art30.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    activities = [r for r in rows if r["part"] == "activity"]
    assert [r["key"] for r in activities] == [c.key for c in CATEGORIES]
    assert [r["name"] for r in rows if r["part"] == "sub-processor"] == list(SUBPROCESSORS)
    assert len([r for r in rows if r["part"] == "security measure"]) == len(SECURITY_MEASURES_6_1)
    billing = next(r for r in activities if r["key"] == "billing_records")
    assert billing["third_country_transfers"] == "Stripe: United States"
    assert "Module 2" in billing["safeguards"] and "Transfer impact assessment 2025-10-25" in billing["safeguards"]
    assert billing["retention"].startswith("7 years after transaction")
    assert "Contract performance" in billing["legal_basis"] and "Legal obligation" in billing["legal_basis"]


def test_every_category_has_subjects_and_every_recipient_is_in_the_register(register: None) -> None:
    record = build_record(now=NOW)
    for activity in record["activities"]:
        assert activity.data_subjects
        assert [sp.name for sp in activity.recipients] == list(activity.category.recipients)
    assert {sp.name for sp in record["transfers"]} == set(SUBPROCESSORS) - {"Hetzner"}
    assert record_csv(now=NOW).count("\n") == len(CATEGORIES) + len(SUBPROCESSORS) + len(SECURITY_MEASURES_6_1) + 1


def test_only_privacy_officers_download_it(
    register: None, support_agent: User, security_officer: User, staff_client: Callable[[User], Client],
) -> None:
    for user in (support_agent, security_officer):
        client = staff_client(user)
        assert client.get("/admin/subprocessors/subprocessor/art30.pdf").status_code == 403
        assert client.get("/admin/subprocessors/subprocessor/art30.csv").status_code == 403
    assert Client().get("/admin/subprocessors/subprocessor/art30.csv").status_code == 302  # to the login


def test_the_changelist_offers_the_downloads(officer: Client) -> None:
    page = officer.get("/admin/subprocessors/subprocessor/")
    assert page.status_code == 200
    assert b"art30.pdf" in page.content and b"art30.csv" in page.content
