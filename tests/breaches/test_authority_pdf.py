"""The notification to ANSPDCP as a PDF: read back, it holds every field Art. 33(3) asks for."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, timedelta

import time_machine
from django.test import Client
from pypdf import PdfReader

from breaches.models import Breach
from breaches.services import authority_report_record

from .conftest import DISCOVERED_DST, FACTS

START = DISCOVERED_DST.astimezone(UTC)


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    raw = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", raw)


def test_the_pdf_as_sent_has_every_art_33_3_field(officer_client: Client, make_breach: Callable[..., Breach]) -> None:
    breach = make_breach(discovered_at=DISCOVERED_DST, occurred_at=DISCOVERED_DST - timedelta(days=6),
                         nature="Bucket „backup-suport” public; Ștefănescu Trading SRL's tickets included.")
    late = START + timedelta(hours=75)
    sent = authority_report_record(breach=breach, notified_at=late, method="online_form",
                                   reference="ANSPDCP-2026-117", late_reason="Processor told us on day 3.",
                                   actor=None, now=late)
    with time_machine.travel(late + timedelta(hours=1), tick=False):
        response = officer_client.get(f"/api/v1/breaches/{breach.reference}/authority-notification.pdf?report={sent.pk}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    for expected in [
        # Who, to whom, which report
        "Personal data breach notification", "Article 33", breach.reference,
        "Autoritatea Națională de Supravegere", "Marmix SOFT SRL", "Initial notification",
        "ANSPDCP reference ANSPDCP-2026-117", "ANSPDCP online form",
        # When — local time, right across the DST change — and why late (Art. 33(1))
        "Breach discovered 2026-03-28 10:00 EET (08:00 UTC)",
        "72-hour deadline 2026-03-31 11:00 EEST (08:00 UTC)",
        "Breach occurred 2026-03-22 10:00 EET (08:00 UTC)",
        "Reasons for the delay (Art. 33(1)) Processor told us on day 3.",
        # (a) nature, categories and approximate numbers of people and records
        "(a) Nature of the personal data breach", "Bucket „backup-suport” public; Ștefănescu Trading SRL",
        "Confidentiality breach", "Categories of data subjects Customers who wrote to support",
        "Approximate number of data subjects approximately 1 200",
        "Email correspondence (§2.4)", "Account and registration data (§2.1)",
        "Approximate number of personal data records approximately 5 400",
        # (b) contact point
        "(b) Contact point for more information", "Marmureanu Andrei", "privacy@micropim.net",
        # (c) likely consequences
        "(c) Likely consequences of the breach", FACTS["likely_consequences"],
        # (d) measures taken or proposed, including mitigation
        "(d) Measures taken or proposed", FACTS["measures_taken"], FACTS["measures_proposed"],
        # the risk assessment and its reasoning
        "Risk — notify ANSPDCP (Art. 33)", FACTS["risk_reasoning"],
    ]:
        assert expected in text, expected
    assert "DRAFT" not in text


def test_the_draft_pdf_from_the_admin_before_anything_was_sent(
    officer_client: Client, make_breach: Callable[..., Breach]
) -> None:
    breach = make_breach(discovered_at=DISCOVERED_DST, approx_subjects=None)
    with time_machine.travel(START + timedelta(hours=2), tick=False):
        response = officer_client.get(f"/admin/breaches/breach/{breach.pk}/authority-notification.pdf")
    assert response.status_code == 200
    text = text_of(response.content)
    assert "DRAFT" in text and "Draft — not yet sent to ANSPDCP" in text
    assert "Approximate number of data subjects not known yet" in text
