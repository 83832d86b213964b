"""The portal's pages about the signed-in subject's own data (thin: selectors and services)."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from consent.models import email_hash
from dsar.timeline import authority_for
from micropim_privacy.policy import CONTROLLER, SUPERVISORY_AUTHORITY, UK_AUTHORITY
from subprocessors.selectors import portal_notices

from . import conf, selectors, services
from .models import SaleOptOut
from .pages import render_page
from .session import Subject, current_subject, subject_required
from .texts import status_label
from .views_requests import id_requested


def home(request: HttpRequest) -> HttpResponse:
    subject = current_subject(request)
    notices = (portal_notices(customer=subject.customer, as_of=timezone.now())
               if subject is not None and subject.customer is not None else [])
    return render_page(request, "portal/home.html", {"notices": notices})


@subject_required
def data(request: HttpRequest, subject: Subject) -> HttpResponse:
    return render_page(request, "portal/data.html", {
        "holdings": selectors.holdings(subject), "now": timezone.now(),
    })


def contact(request: HttpRequest) -> HttpResponse:
    """§7.9, §14: the privacy contact and where to complain (ANSPDCP; the ICO for UK users)."""
    return render_page(request, "portal/contact.html", {
        "controller": CONTROLLER,
        "privacy_email": conf.privacy_email(), "anspdcp": SUPERVISORY_AUTHORITY, "ico": UK_AUTHORITY,
    })


@subject_required
@require_http_methods(["GET", "POST"])
def do_not_sell(request: HttpRequest, subject: Subject) -> HttpResponse:
    """§8.1: "Do Not Sell or Share My Personal Information" in one click."""
    if request.method == "POST":
        services.sale_opt_out_record(email=subject.email, customer=subject.customer,
                                     source="portal", now=timezone.now())
        return redirect("portal:do-not-sell")
    opt_out = SaleOptOut.objects.filter(email_hash=email_hash(subject.email)).first()
    return render_page(request, "portal/do_not_sell.html", {
        "opt_out": opt_out,
        "gpc": request.headers.get("Sec-GPC") == "1",
    })


@subject_required
def requests_list(request: HttpRequest, subject: Subject) -> HttpResponse:
    requests = list(selectors.requests_of(subject))
    return render_page(request, "portal/requests.html", {
        "requests": [(r, status_label(r.status)) for r in requests],
        "now": timezone.now(),
    })


@subject_required
def request_detail(request: HttpRequest, subject: Subject, public_id: uuid.UUID) -> HttpResponse:
    """One request: status, due date, messages. Someone else's request is a 404, not a 403."""
    dsr = selectors.requests_of(subject).filter(public_id=public_id).first()
    if dsr is None:
        raise Http404
    return render_page(request, "portal/request_detail.html", {
        "dsr": dsr, "status": status_label(dsr.status),
        "timeline": selectors.request_timeline(dsr), "authorities": authority_for(dsr),
        "id_requested": id_requested(dsr),
        "now": timezone.now(),
    })
