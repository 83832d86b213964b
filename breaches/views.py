"""Public pages: `/.well-known/security.txt` (RFC 9116) and the security-report form (§14.4)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from . import conf
from .models import SecurityReport
from .services import RateLimited, security_report_submit


@require_GET
def security_txt(request: HttpRequest) -> HttpResponse:
    """RFC 9116: where to report a vulnerability or a suspected breach, and until when this holds."""
    now = timezone.now()
    expires = (now + timedelta(days=conf.SECURITY_TXT_VALID_DAYS)).replace(microsecond=0)
    canonical = conf.SECURITY_TXT_CANONICAL_URL or request.build_absolute_uri(
        reverse("breaches-security-txt"))
    lines = [
        "# MicroPIM (Marmix SOFT SRL): report security incidents and suspected personal-data",
        "# breaches (privacy policy §14.4). Email subject: \"URGENT - Security Incident\".",
        f"Contact: mailto:{conf.SECURITY_CONTACT_EMAIL}",
        f"Contact: {request.build_absolute_uri(reverse('breaches-security-report'))}",
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        f"Policy: {conf.SECURITY_POLICY_URL}",
        "Preferred-Languages: en, ro",
        f"Canonical: {canonical}",
        "# Systems can report through the API: POST "
        f"{request.build_absolute_uri('/api/v1/security-reports/')}",
    ]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


class SecurityReportForm(forms.Form):
    summary = forms.CharField(max_length=200, label="Summary / Rezumat")
    details = forms.CharField(max_length=10_000, widget=forms.Textarea(attrs={"rows": 10}),
                              label="What happened? / Ce s-a întâmplat?")
    reporter_name = forms.CharField(max_length=200, required=False, label="Your name (optional) / Numele dumneavoastră (opțional)")
    reporter_email = forms.EmailField(required=False, label="Your email, if you want an answer (optional) / Adresa de email, dacă doriți un răspuns (opțional)")


@require_http_methods(["GET", "POST"])
def security_report_form(request: HttpRequest) -> HttpResponse:
    """The page security.txt points people at; the same intake, limits and alerts as the API."""
    template = "breaches/security_report_form.html"
    if request.method == "GET":
        return render(request, template, {"form": SecurityReportForm()})
    limit = conf.PUBLIC_REPORT_MAX_BYTES
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        return render(request, template, {"form": SecurityReportForm(), "too_large": limit}, status=413)
    form = SecurityReportForm(request.POST)
    if not form.is_valid():
        return render(request, template, {"form": form}, status=400)
    try:
        report = security_report_submit(channel=SecurityReport.Channel.PUBLIC, now=timezone.now(),
                                        source_ip=request.META.get("REMOTE_ADDR"), **form.cleaned_data)
    except RateLimited as exc:
        response = render(request, template, {"form": form, "rate_limited": True}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    return render(request, template, {"received": report}, status=201)
