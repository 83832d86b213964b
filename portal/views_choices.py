"""Marketing choices, the sub-processor register and policy versions, through their apps'
services (consent, subprocessors): the portal decides nothing itself."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from consent.models import email_hash
from consent.selectors import marketing_eligibility
from consent.services import marketing_object, marketing_unsubscribe, subscription_start
from consent.tokens import Recipient
from subprocessors.models import PolicyResponse, SubProcessorObjection
from subprocessors.selectors import (
    policy_history,
    policy_version,
    public_register,
    public_subprocessor,
)
from subprocessors.services import objection_create, policy_response_record

from .forms import ReasonForm
from .pages import render_page
from .ratelimits import over_limit_for
from .session import Subject, customer_required, subject_required
from .views_auth import too_many

# The consent text the newsletter box shows; its version goes into the consent proof (§7.8).
NEWSLETTER_TEXT_VERSION = "portal-1"


def _client(request: HttpRequest) -> dict[str, str | None]:
    return {"ip": request.META.get("REMOTE_ADDR"), "user_agent": request.headers.get("User-Agent")}


@subject_required
def marketing(request: HttpRequest, subject: Subject) -> HttpResponse:
    return render_page(request, "portal/marketing.html", {
        "eligibility": marketing_eligibility(email=subject.email),
        "done": request.GET.get("done", ""),
    })


@require_POST
@subject_required
def marketing_subscribe(request: HttpRequest, subject: Subject) -> HttpResponse:
    """§2.5, §3.5: double opt-in; the confirmation link is emailed by the consent app."""
    if over_limit_for(request, name="submit", value=subject.email):
        return too_many(request)
    subscription_start(email=subject.email, source="privacy portal",
                       consent_text_version=NEWSLETTER_TEXT_VERSION,
                       language=translation.get_language() or "en", now=timezone.now(), **_client(request))
    return redirect(f"{reverse('portal:marketing')}?done=subscribed")


@require_POST
@subject_required
def marketing_stop(request: HttpRequest, subject: Subject) -> HttpResponse:
    """§7.6, §7.8: all marketing stops at once, as easily as it was given."""
    now = timezone.now()
    if subject.customer is not None:
        marketing_object(customer=subject.customer, source="privacy portal", now=now)
    else:
        marketing_unsubscribe(recipient=Recipient(email_hash=email_hash(subject.email), customer_id=None),
                              source="privacy portal", now=now, **_client(request))
    return redirect(f"{reverse('portal:marketing')}?done=stopped")


@subject_required
def subprocessors(request: HttpRequest, subject: Subject) -> HttpResponse:
    objections = {}
    if subject.customer is not None:
        objections = {o.subprocessor_id: o for o in
                      SubProcessorObjection.objects.filter(customer=subject.customer)}
    rows = [(sp, objections.get(sp.pk)) for sp in public_register()]
    return render_page(request, "portal/subprocessors.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@customer_required
def subprocessor_object(request: HttpRequest, subject: Subject, slug: str) -> HttpResponse:
    """§4.2, §12.3: object to a (new) sub-processor; a privacy officer answers by email."""
    sp = public_subprocessor(slug)
    if sp is None:
        raise Http404
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if over_limit_for(request, name="submit", value=subject.email):
            return too_many(request)
        if form.is_valid():
            try:
                objection_create(subprocessor=sp, customer=subject.customer,
                                 reason=form.cleaned_data["reason"], channel="portal", now=timezone.now())
            except ValidationError:
                form.add_error(None, _("This objection could not be recorded: the sub-processor is "
                                       "no longer open to objections."))
            else:
                return redirect("portal:subprocessors")
    return render_page(request, "portal/subprocessor_object.html", {"sp": sp, "form": form},
                       status=400 if form.errors else 200)


def _responses(subject: Subject) -> dict[tuple[int, str], PolicyResponse]:
    if subject.customer is None:
        return {}
    return {(r.version_id, r.kind): r for r in PolicyResponse.objects.filter(customer=subject.customer)}


@subject_required
def policy(request: HttpRequest, subject: Subject) -> HttpResponse:
    responses = _responses(subject)
    versions = [(v, responses.get((v.pk, PolicyResponse.Kind.ACKNOWLEDGED)),
                 responses.get((v.pk, PolicyResponse.Kind.OBJECTED)))
                for v in policy_history()]
    return render_page(request, "portal/policy.html", {"versions": versions, "today": timezone.now().date()})


@require_POST
@customer_required
def policy_respond(request: HttpRequest, subject: Subject, number: str) -> HttpResponse:
    """§13.2, §13.3: acknowledge a material change, or object to it (with reasons)."""
    version = policy_version(number)
    kind = request.POST.get("response", "")
    if version is None or not version.material or kind not in PolicyResponse.Kind.values:
        raise Http404
    if over_limit_for(request, name="submit", value=subject.email):
        return too_many(request)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    policy_response_record(version=version, customer=subject.customer, kind=kind, reason=reason,
                           channel="portal", now=timezone.now())
    return redirect("portal:policy")
