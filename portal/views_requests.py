"""Filing requests, downloading one's data, uploading an ID when asked: every step through
the dsar app's services (intake, fulfilment, links, package delivery)."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dsar.fulfilment import access_start
from dsar.intake import Submission, request_submit
from dsar.links import link_issue, link_url
from dsar.models import AccessPackage, DataSubjectRequest, RequestEvent, VerificationToken
from dsar.package.delivery import presigned_download
from dsar.rights import RIGHTS_BY_TYPE, Family, RequestType
from dsar.services import WorkflowError

from . import selectors
from .forms_requests import AgentRequestForm, RequestForm
from .pages import render_page
from .ratelimits import over_limit_for
from .session import Subject, subject_required
from .views_auth import too_many


def _actor(subject: Subject) -> str:
    return f"portal:{subject.customer.external_id}" if subject.customer else "requester (portal)"


def _portal_user(request: HttpRequest) -> object | None:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _submit(request: HttpRequest, subject: Subject, submission: Submission) -> DataSubjectRequest:
    return request_submit(submission=submission, actor=_actor(subject), now=timezone.now(),
                          portal_user=_portal_user(request))


@require_http_methods(["GET", "POST"])
@subject_required
def request_new(request: HttpRequest, subject: Subject, agent: bool = False) -> HttpResponse:
    """§7, §8: any right, in the subject's own name or (§8.1) as an authorized agent."""
    form_class = AgentRequestForm if agent else RequestForm
    form = form_class(request.POST if request.method == "POST" else None, initial={"type": request.GET.get("type", "")})
    if request.method == "POST" and form.is_valid():
        if over_limit_for(request, name="submit", value=subject.email):
            return too_many(request)
        data = form.cleaned_data
        now = timezone.now()
        language = (translation.get_language() or "en")[:2]
        if agent:
            submission = Submission(
                type=data["type"], email=data["consumer_email"], channel=DataSubjectRequest.Channel.PORTAL,
                received_at=now, jurisdiction=data["jurisdiction"], full_name=data["consumer_name"],
                language=language, details=data["details"], agent_name=data["agent_name"],
                agent_email=subject.email)
        else:
            submission = Submission(
                type=data["type"], email=subject.email, channel=DataSubjectRequest.Channel.PORTAL,
                received_at=now, customer=subject.customer, jurisdiction=data["jurisdiction"],
                language=language, details=data["details"])
        try:
            dsr = request_submit(submission=submission, actor=_actor(subject), now=now,
                                 portal_user=None if agent else _portal_user(request))
        except (ValidationError, WorkflowError):
            form.add_error(None, _("We could not take this request. Check the answers, or write to us."))
        else:
            if agent:
                return render_page(request, "portal/agent_filed.html", {"dsr": dsr})
            return redirect("portal:request", public_id=dsr.public_id)
    return render_page(request, "portal/request_new.html", {"form": form, "agent": agent},
                       status=400 if form.errors else 200)


def _own_request(subject: Subject, public_id: uuid.UUID) -> DataSubjectRequest:
    dsr = selectors.requests_of(subject).filter(public_id=public_id).first()
    if dsr is None:
        raise Http404
    return dsr


def id_requested(dsr: DataSubjectRequest) -> bool:
    """Staff asked for an ID (§7.10) and none has arrived since."""
    asked = dsr.events.filter(kind=RequestEvent.Kind.ID_REQUESTED).order_by("-at").first()
    if asked is None or not dsr.is_open:
        return False
    return not dsr.events.filter(kind=RequestEvent.Kind.ID_UPLOADED, at__gte=asked.at).exists()


@require_POST
@subject_required
def request_upload_id(request: HttpRequest, subject: Subject, public_id: uuid.UUID) -> HttpResponse:
    """A fresh single-use upload link from the dsar app, then its own upload page."""
    dsr = _own_request(subject, public_id)
    if not id_requested(dsr):
        raise Http404
    if over_limit_for(request, name="submit", value=subject.email):
        return too_many(request)
    token = link_issue(dsr=dsr, purpose=VerificationToken.Purpose.UPLOAD_ID, now=timezone.now())
    return HttpResponseRedirect(link_url(token, VerificationToken.Purpose.UPLOAD_ID))


# ---------------------------------------------------------------------------
# Download your data (§5.3 "self-service export tools", §7.5)
# ---------------------------------------------------------------------------

def _access_requests(subject: Subject) -> list[DataSubjectRequest]:
    types = [t for t, r in RIGHTS_BY_TYPE.items() if r.family == Family.ACCESS]
    return list(selectors.requests_of(subject).filter(type__in=types, agent_email=""))


def _packages(subject: Subject) -> list[AccessPackage]:
    requests = _access_requests(subject)
    return list(AccessPackage.objects.filter(request__in=requests).select_related("request")
                .order_by("-started_at"))


@subject_required
def export(request: HttpRequest, subject: Subject) -> HttpResponse:
    now = timezone.now()
    packages = _packages(subject)
    waiting = [r for r in _access_requests(subject) if r.is_open and not r.packages.exists()]
    return render_page(request, "portal/export.html", {
        "packages": packages, "now": now, "waiting": waiting,
        "building": any(p.state == AccessPackage.State.BUILDING for p in packages),
    })


@require_POST
@subject_required
def export_start(request: HttpRequest, subject: Subject) -> HttpResponse:
    """File a portability request (or reuse the open one) and, once verified, build the package."""
    if over_limit_for(request, name="submit", value=subject.email):
        return too_many(request)
    now = timezone.now()
    dsr = next((r for r in _access_requests(subject) if r.is_open), None)
    if dsr is None:
        dsr = _submit(request, subject, Submission(
            type=RequestType.PORTABILITY.value, email=subject.email,
            channel=DataSubjectRequest.Channel.PORTAL, received_at=now, customer=subject.customer,
            language=(translation.get_language() or "en")[:2],
            details="Self-service export from the privacy portal (§5.3, §7.5)."))
    if dsr.verified and dsr.is_open:
        try:
            access_start(dsr=dsr, actor=_actor(subject), now=now)
        except WorkflowError:
            pass  # awaiting a fee, or closed meanwhile: the page says where it stands
    return redirect("portal:export")


@subject_required
def export_status(request: HttpRequest, subject: Subject) -> JsonResponse:
    """Progressive enhancement: the export page polls this while a package is being built."""
    packages = _packages(subject)
    building = [p for p in packages if p.state == AccessPackage.State.BUILDING]
    label = _("Preparing your data…") if building else _("Your data is ready.")
    return JsonResponse({"done": not building, "label": label})


@subject_required
def export_download(request: HttpRequest, subject: Subject, public_id: uuid.UUID) -> HttpResponse:
    """Only the subject's own package; anyone else's id is a 404."""
    now = timezone.now()
    package = next((p for p in _packages(subject) if p.public_id == public_id), None)
    if package is None or not package.is_downloadable(now):
        raise Http404
    return HttpResponseRedirect(presigned_download(package=package, actor=_actor(subject), now=now))
