"""Demo data for `make run`: one open breach whose 72-hour clock is running (the 24 h alert is
due), and one security report waiting for triage. Idempotent."""

from __future__ import annotations

from datetime import timedelta
from typing import TextIO

from django.utils import timezone

from .models import Breach, SecurityReport
from .notices import affected_add
from .services import breach_create, security_report_submit

DEMO_TITLE = "Demo: support mailbox backup readable from the internet"


def seed(out: TextIO) -> None:
    if Breach.objects.filter(title=DEMO_TITLE).exists():
        return
    now = timezone.now()
    report = security_report_submit(
        channel=SecurityReport.Channel.STAFF, now=now - timedelta(hours=27),
        summary="Backup bucket listed publicly", reporter_name="Demo researcher",
        details="The bucket micropim-support-backup answers anonymous ListObjects requests.",
        personal_data_involved=True)
    breach = breach_create(fields={
        "title": DEMO_TITLE,
        "discovered_at": report.received_at,
        "occurred_at": now - timedelta(days=6),
        "detected_by": f"Security report {report.reference}",
        "nature": "A storage bucket with support e-mail backups was publicly readable for 6 days.",
        "confidentiality": True,
        "data_categories": ["email_correspondence", "account_profile"],
        "subject_categories": "Customers who wrote to support",
        "approx_subjects": 3, "approx_records": 41,
        "likely_consequences": "Targeted phishing using the content of support conversations.",
        "measures_taken": "Bucket made private; access logs reviewed; credentials rotated.",
        "measures_proposed": "A CI check that refuses public bucket policies.",
        "risk_level": Breach.Risk.HIGH,
        "risk_reasoning": "Names, e-mails and conversation content together: phishing is likely.",
    }, actor=None, now=now, source_report=report)
    affected_add(breach=breach, now=now, external_ids=["cus-1001", "cus-1002", "cus-1003"])
    security_report_submit(channel=SecurityReport.Channel.PUBLIC, now=now - timedelta(hours=2),
                           summary="Password reset link valid after use",
                           details="A reset link kept working after I had used it once.")
    out.write(f"Breach register: {breach.reference} is open, ANSPDCP deadline "
              f"{breach.authority_deadline_at:%Y-%m-%d %H:%M} UTC (see /admin/breaches/breach/).\n")
