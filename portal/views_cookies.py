"""`/privacy/cookies/`: see and change one's cookie choices for micropim.net and docs.micropim.net.

The banner's "Cookie Settings" links here with ``?visitor=<id>`` (its random first-party
visitor id, the only key of a cookie decision): whoever holds the id may read and change the
choice, as the banner itself can through the public consent API, so no sign-in is needed.
The consent app decides everything: the same visitor id rule as ``POST /api/v1/consent/``,
``consent.services.cookie_decision_record`` for the write (it applies GPC, §10.4) and
``consent.selectors.current_cookie_decision`` for the read.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from consent.anonymise import client_address
from consent.api import VISITOR_ID
from consent.selectors import current_cookie_decision
from consent.services import cookie_decision_record
from micropim_privacy.policy import POLICY_VERSION

from .forms import CookieChoicesForm
from .pages import render_page
from .ratelimits import over_limit_for
from .views_auth import too_many

# Recorded as the decision's banner version: the portal's page, not the banner (§7.8 proof).
COOKIE_PAGE_VERSION = "portal-1"
SOURCE = "privacy portal"


def _gpc(request: HttpRequest) -> bool:
    return request.headers.get("Sec-GPC", "").strip() == "1"


@require_http_methods(["GET", "POST"])
def cookie_choices(request: HttpRequest) -> HttpResponse:
    gpc = _gpc(request)
    visitor = (request.POST if request.method == "POST" else request.GET).get("visitor", "")
    context: dict[str, object] = {"gpc": gpc, "visitor": visitor}
    if not visitor:
        return render_page(request, "portal/cookies.html", context)
    if not re.fullmatch(VISITOR_ID, visitor):  # the consent API's rule: nothing stored
        return render_page(request, "portal/cookies.html", {**context, "invalid": True}, status=400)
    if request.method == "POST":
        form = CookieChoicesForm(request.POST)
        if over_limit_for(request, name="submit", value=f"cookies:{visitor}"):
            return too_many(request)
        if form.is_valid():
            cookie_decision_record(
                visitor_id=visitor, analytics=form.cleaned_data["analytics"],
                marketing=form.cleaned_data["marketing"], policy_version=POLICY_VERSION,
                banner_version=COOKIE_PAGE_VERSION, gpc_header=gpc, source=SOURCE,
                ip=client_address(request), user_agent=request.headers.get("User-Agent"),
                now=timezone.now(),
            )
            query = urlencode({"visitor": visitor, "done": "saved"})
            return redirect(f"{reverse('portal:cookies')}?{query}")
    decision = current_cookie_decision(visitor)
    form = CookieChoicesForm(initial={
        "analytics": bool(decision and decision.analytics) and not gpc,
        "marketing": bool(decision and decision.marketing) and not gpc,
    })
    if gpc:  # §10.4: nothing to choose; the service would turn them off anyway
        for name in ("analytics", "marketing"):
            form.fields[name].widget.attrs["disabled"] = True
    return render_page(request, "portal/cookies.html", {
        **context, "decision": decision, "form": form, "done": request.GET.get("done", ""),
        "policy_current": decision is not None and decision.policy_version == POLICY_VERSION,
    })
