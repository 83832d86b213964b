"""Rendering a portal page: the context every page shares (who is signed in, the menu)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from micropim_privacy.policy import POLICY_VERSION

from .session import Subject, current_subject


def menu(subject: Subject | None) -> list[dict[str, str]]:
    """The signed-in menu beyond "Your data" and "Your requests", one entry per capability."""
    if subject is None:
        return []
    items = [
        {"url": reverse("portal:export"), "label": _("Download your data")},
        {"url": reverse("portal:marketing"), "label": _("Marketing emails")},
        {"url": reverse("portal:cookies"), "label": _("Cookie choices")},
        {"url": reverse("portal:do-not-sell"), "label": _("Do Not Sell or Share")},
        {"url": reverse("portal:subprocessors"), "label": _("Sub-processors")},
        {"url": reverse("portal:policy"), "label": _("Privacy policy versions")},
    ]
    if subject.customer is not None:
        items.append({"url": reverse("portal:account"), "label": _("Delete your account")})
    return items


def render_page(request: HttpRequest, template: str, context: dict[str, Any] | None = None,
                *, status: int = 200) -> HttpResponse:
    subject = current_subject(request)
    base = {"subject": subject, "extra_nav": menu(subject), "policy_version": POLICY_VERSION}
    return render(request, template, {**base, **(context or {})}, status=status)
