"""A strict Content-Security-Policy on every portal page; no inline script or style."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "portal"


def test_every_portal_page_has_a_strict_csp(signed_in) -> None:  # type: ignore[no-untyped-def]
    client: Client = signed_in("csp@example.org")
    for path in ("/privacy/", "/privacy/data/", "/privacy/contact/", "/privacy/sign-in/",
                 "/privacy/requests/", "/privacy/export/", "/privacy/marketing/"):
        response = client.get(path)
        csp = response["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response["Cache-Control"] == "no-store"


def test_no_template_has_inline_scripts_styles_or_handlers() -> None:
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert "<style" not in text and " style=" not in text, template
        assert not re.search(r"\son[a-z]+=", text), template
