"""Every answer exists in English and Romanian (comma-below ș ț, never the cedilla ş ţ),
renders with a subject line, and tells the right to complain where the law wants it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from accounts.notifications import render_email
from dsar.models import DataSubjectRequest
from dsar.timeline import base_context
from tests.conftest import NOW

from .conftest import days

KINDS = sorted(p.name.split(".")[0] for p in (Path(settings.BASE_DIR) / "templates" / "emails").glob("request_*.en.txt"))
WITH_COMPLAINT = {"request_extended", "request_fee", "request_refused", "request_completed",
                  "request_restriction_lift"}


def test_every_kind_has_both_languages() -> None:
    assert len(KINDS) >= 10
    for kind in KINDS:
        assert (Path(settings.BASE_DIR) / "templates" / "emails" / f"{kind}.ro.txt").exists(), kind


@pytest.mark.parametrize("language", ["en", "ro"])
@pytest.mark.parametrize("kind", KINDS)
def test_each_renders_with_a_subject_and_no_leftovers(kind: str, language: str) -> None:
    dsr = DataSubjectRequest(type="access", jurisdiction="eu", email="a@example.com", full_name="Ana",
                             language=language, received_at=NOW, original_due_at=NOW + days(30),
                             due_at=NOW + days(30), fee_amount=10)
    ctx = {**base_context(dsr), "reason": "R", "confirm_url": "https://x/c/", "upload_url": "https://x/u/",
           "needs_confirmation": True, "max_mb": 5, "overdue": [], "due_soon": [], "as_of": NOW, "days": 7,
           "admin_url": "https://x/admin/", "download_url": "https://x/d/", "expires_at": NOW}
    subject, body, _ = render_email(kind, language, ctx)
    assert subject and "{" not in subject and "{{" not in body and "{%" not in body
    assert not set("şţŞŢ") & set(subject + body)
    if kind in WITH_COMPLAINT:
        assert "ANSPDCP" in body
