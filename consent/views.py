"""Pages at the site root: GPC statement, newsletter confirm/unsubscribe links, banner demo."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from micropim_privacy.policy import CONTROLLER, POLICY_EFFECTIVE, POLICY_VERSION, category

from .anonymise import client_address
from .models import ConsentRecord
from .services import marketing_unsubscribe, subscription_confirm
from .tokens import InvalidLink, read_confirmation_token, read_unsubscribe_token


@require_GET
@cache_control(public=True, max_age=86400)
def gpc_json(request: HttpRequest) -> JsonResponse:
    """§10.4 and the GPC spec's well-known resource: we honour the signal."""
    response = JsonResponse({"gpc": True, "lastUpdate": POLICY_EFFECTIVE})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _page(request: HttpRequest, template: str, status: int = 200, **context: object) -> HttpResponse:
    return render(request, f"consent/{template}", {"controller": CONTROLLER, **context}, status=status)


def _invalid(request: HttpRequest, exc: InvalidLink) -> HttpResponse:
    return _page(request, "link_invalid.html", status=400, expired=exc.expired)


@require_http_methods(["GET", "POST"])
def newsletter_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners prefetch links and must not confirm); POST confirms."""
    try:
        if request.method == "GET":
            read_confirmation_token(token)
            return _page(request, "newsletter_confirm.html")
        subscription_confirm(token=token, ip=client_address(request),
                             user_agent=request.META.get("HTTP_USER_AGENT"), now=timezone.now())
    except InvalidLink as exc:
        return _invalid(request, exc)
    return _page(request, "newsletter_confirmed.html")


@csrf_exempt  # RFC 8058: the mail client POSTs without cookies; the signed token is the authority
@require_http_methods(["GET", "POST"])
def marketing_unsubscribe_link(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe (RFC 8058 POST, no session) and the page for people (GET)."""
    try:
        recipient = read_unsubscribe_token(token)
    except InvalidLink as exc:
        return _invalid(request, exc)
    if request.method == "GET":
        return _page(request, "unsubscribe.html")
    one_click = request.POST.get("List-Unsubscribe") == "One-Click"
    marketing_unsubscribe(recipient=recipient, source="one-click" if one_click else "unsubscribe page",
                          ip=client_address(request), user_agent=request.META.get("HTTP_USER_AGENT"),
                          now=timezone.now())
    # The promises on the page come from the registry (§5.4), not from the template.
    return _page(request, "unsubscribed.html",
                 purge_days=category("marketing_after_unsubscribe").retention.days,  # type: ignore[union-attr]
                 proof_years=category("marketing_consent_records").retention.years)  # type: ignore[union-attr]


@require_GET
def banner_demo(request: HttpRequest) -> HttpResponse:
    """How micropim.net embeds the banner; `make run` demo and the browser test's host page."""
    api_base = getattr(settings, "CONSENT_DEMO_API_BASE", "") or request.build_absolute_uri("/").rstrip("/")
    return _page(request, "demo.html", api_base=api_base, policy_version=POLICY_VERSION)


@csrf_exempt
@require_POST
def bench_baseline_insert(request: HttpRequest) -> HttpResponse:
    """bench/consent/ only (BENCH_BASELINE=1): the same table, one bare INSERT, nothing else."""
    ConsentRecord.objects.create(
        kind=ConsentRecord.Kind.COOKIES, action=ConsentRecord.Action.DECIDED,
        subject_key=uuid.uuid4().hex, analytics=False, marketing=False, policy_version=POLICY_VERSION,
    )
    return HttpResponse(status=201)
