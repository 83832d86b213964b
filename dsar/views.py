"""The pages behind emailed links: confirm identity, upload an ID or signed permission,
download a package. Thin: each calls one service and renders its outcome.

A GET never changes anything (mail scanners open links); the change is a POST with CSRF.
Bad links and bad files get a clear 4xx page and change nothing.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Customer

from . import conf
from .links import LinkInvalid, confirm_identity, link_check, upload_document, upload_purpose
from .models import IdentityDocument, VerificationToken
from .package.delivery import PackageUnavailable, package_from_token, presigned_download
from .selectors import package_for_customer
from .services import WorkflowError
from .vault import UploadRefused, check_upload

_STATUS = {"invalid": 400, "expired": 400, "used": 410, "closed": 409}


def _page(request: HttpRequest, template: str, status: int = 200, **ctx: Any) -> HttpResponse:
    lang = ctx.get("lang") or "en"
    response = render(request, template, {"lang": lang, **ctx}, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    return response


def _lang(request: HttpRequest) -> str:
    """Before the link is known good, the page speaks the browser's language (en or ro)."""
    accept = request.headers.get("Accept-Language", "")
    return "ro" if accept.lower().startswith("ro") else "en"


def _link_error(request: HttpRequest, exc: LinkInvalid, lang: str | None = None) -> HttpResponse:
    lang = lang or _lang(request)
    return _page(request, "dsar/link_result.html", status=_STATUS[exc.reason], ok=False, lang=lang,
                 message=exc.message(lang), code=exc.reason)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    try:
        row = link_check(token=token, purpose=VerificationToken.Purpose.CONFIRM_EMAIL, now=now)
        if request.method == "GET":
            return _page(request, "dsar/confirm.html", lang=row.request.language, dsr=row.request)
        dsr = confirm_identity(token=token, now=now)
    except LinkInvalid as exc:
        return _link_error(request, exc)
    except WorkflowError as exc:
        return _page(request, "dsar/link_result.html", status=409, ok=False, message=str(exc),
                     code="conflict")
    return _page(request, "dsar/link_result.html", ok=True, lang=dsr.language, confirmed=True)


@never_cache
@require_http_methods(["GET", "POST"])
def upload_view(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    try:
        purpose = upload_purpose(token)
        row = link_check(token=token, purpose=purpose, now=now)
    except LinkInvalid as exc:
        return _link_error(request, exc)
    kind = (IdentityDocument.Kind.GOVERNMENT_ID if purpose == VerificationToken.Purpose.UPLOAD_ID
            else IdentityDocument.Kind.AGENT_PERMISSION)
    ctx = {"lang": row.request.language, "kind": kind,
           "max_mb": conf.identity_document_max_bytes() // (1024 * 1024)}
    if request.method == "GET":
        return _page(request, "dsar/upload.html", **ctx)
    upload = request.FILES.get("document")
    try:
        if upload is None:
            raise UploadRefused("empty")
        checked = check_upload(upload, kind=kind)
        upload_document(token=token, checked=checked, now=now)
    except UploadRefused as exc:
        status = 413 if exc.code == "too_large" else 400
        return _page(request, "dsar/upload.html", status=status, error=exc.message(ctx["lang"]),
                     code=exc.code, **ctx)
    except LinkInvalid as exc:
        return _link_error(request, exc, row.request.language)
    return _page(request, "dsar/link_result.html", ok=True, lang=row.request.language, uploaded=True)


@never_cache
@require_GET
def package_download_view(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: valid until the package expires; redirects to a minutes-long S3 link."""
    now = timezone.now()
    try:
        package = package_from_token(token, now=now)
    except PackageUnavailable as exc:
        return _page(request, "dsar/link_result.html", status=404 if exc.reason == "invalid" else 410,
                     ok=False, code=exc.reason, message="This download link is not valid."
                     if exc.reason == "invalid" else "This package has expired. You can ask for a new one.")
    return HttpResponseRedirect(presigned_download(package=package, actor="requester (download link)",
                                                   now=now))


@never_cache
@require_GET
def my_package_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """The portal's download: only the signed-in account holder's own package (else 404)."""
    user = request.user
    customer = (Customer.objects.filter(user=user).first()
                if getattr(user, "is_authenticated", False) else None)
    package = package_for_customer(customer, public_id) if customer else None
    now = timezone.now()
    if package is None or not package.is_downloadable(now):
        raise Http404("No such package.")
    return HttpResponseRedirect(presigned_download(package=package, actor=f"portal:{customer.external_id}",  # type: ignore[union-attr]
                                                   now=now))
