"""Documents as proof: a Django template rendered to PDF by WeasyPrint (STYLE.md "Documents").

Deletion certificates, access-request cover letters, the Art. 30 record and breach reports
all go through ``render_pdf``; templates extend ``documents/base.html`` for one look.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string


def render_html(template_name: str, context: Mapping[str, Any]) -> str:
    return render_to_string(template_name, dict(context))


def render_pdf(template_name: str, context: Mapping[str, Any]) -> bytes:
    from weasyprint import HTML  # imported late: pango is only needed when a PDF is made

    html = render_html(template_name, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR / "templates")).write_pdf()
