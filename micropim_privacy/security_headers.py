"""A Content-Security-Policy for the admin, where staff see personal data (§6.1).

Django's admin templates (5.2) and ours under ``templates/admin/`` have no inline script,
style or event handler, so the admin runs under a policy as strict as the portal's
(``portal/csp.py``): scripts, styles and fonts only from our own static files, forms post only
to us, nobody may frame it. Only HTML pages get it (PDF and CSV downloads keep theirs), and a
view that set its own policy keeps it. The browser test
``tests/security/test_admin_csp_browser.py`` walks the admin in Chromium and fails on any
violation.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

ADMIN_PREFIX = "/admin/"
ADMIN_CSP = "; ".join((
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
))


class AdminContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (request.path.startswith(ADMIN_PREFIX) and "Content-Security-Policy" not in response
                and response.get("Content-Type", "").startswith("text/html")):
            response["Content-Security-Policy"] = ADMIN_CSP
        return response
