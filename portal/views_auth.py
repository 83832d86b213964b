"""Signing in and out, and choosing the language (thin: the rules are in services/session)."""

from __future__ import annotations

from django.contrib import auth
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from accounts.models import Customer
from accounts.services import customer_upsert

from . import conf, services
from .forms import EmailLinkForm, PasswordSignInForm
from .pages import render_page
from .ratelimits import over_limit, over_limit_for
from .session import EMAIL_LINK, PASSWORD, current_subject, sign_in, sign_out


def safe_next(request: HttpRequest, default: str = "/privacy/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/privacy/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def too_many(request: HttpRequest) -> HttpResponse:
    return render_page(request, "portal/rate_limited.html", status=429)


def _signin_page(request: HttpRequest, *, link_form: EmailLinkForm | None = None,
                 password_form: PasswordSignInForm | None = None, status: int = 200) -> HttpResponse:
    return render_page(request, "portal/signin.html", {
        "link_form": link_form or EmailLinkForm(),
        "password_form": password_form or PasswordSignInForm(),
        "next": safe_next(request),
    }, status=status)


@require_http_methods(["GET"])
def signin(request: HttpRequest) -> HttpResponse:
    if current_subject(request) is not None:
        return redirect(safe_next(request))
    return _signin_page(request)


@require_POST
def signin_link_request(request: HttpRequest) -> HttpResponse:
    form = EmailLinkForm(request.POST)
    if over_limit(request, name="signin_ip"):
        return too_many(request)
    if not form.is_valid():
        return _signin_page(request, link_form=form, status=400)
    email = form.cleaned_data["email"]
    if over_limit_for(request, name="signin_email", value=email):
        return too_many(request)
    base = conf.public_base_url() or request.build_absolute_uri("/")
    services.signin_link_issue(email=email, language=translation.get_language() or "en",
                               base_url=base, now=timezone.now())
    return redirect("portal:signin-sent")


def signin_sent(request: HttpRequest) -> HttpResponse:
    return render_page(request, "portal/signin_sent.html", {"minutes": conf.signin_link_max_age_seconds() // 60})


@require_http_methods(["GET", "POST"])
def signin_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET only shows a button (mail scanners fetch links; they must not use them up)."""
    now = timezone.now()
    try:
        if request.method == "GET":
            services.signin_link_check(token=token, now=now)
            return render_page(request, "portal/signin_link.html", {"token": token})
        link = services.signin_link_consume(token=token, now=now)
    except services.InvalidLink as exc:
        return render_page(request, "portal/signin_link_invalid.html", {"reason": exc.reason}, status=400)
    customer = services.customer_for_email(link.email)
    # The link proves control of the account's address: its portal login (never a staff
    # one) is signed in too, so the dsar app counts the session as verified (§7.10).
    user = customer.user if customer is not None and customer.user_id else None
    if user is not None and (user.is_staff or not user.is_active):
        user = None
    sign_in(request, email=link.email, customer=customer, method=EMAIL_LINK, user=user)
    return redirect("portal:home")


@require_POST
def signin_password(request: HttpRequest) -> HttpResponse:
    """Customers whose account has a portal login (accounts.Customer.user)."""
    form = PasswordSignInForm(request.POST)
    if over_limit(request, name="password_ip"):
        return too_many(request)
    if not form.is_valid():
        return _signin_page(request, password_form=form, status=400)
    customer = (Customer.objects.filter(email__iexact=form.cleaned_data["email"], user__isnull=False)
                .exclude(status=Customer.Status.DELETED).select_related("user").first())
    # authenticate() with the request: django-axes counts failures and locks out.
    user = auth.authenticate(request, username=customer.user.get_username() if customer else "",
                             password=form.cleaned_data["password"])
    if customer is None or user is None or user.pk != customer.user_id:
        form.add_error(None, _("The email address or the password is not right. Check both, or "
                               "ask for a sign-in link by email instead."))
        return _signin_page(request, password_form=form, status=400)
    sign_in(request, email=customer.email, customer=customer, method=PASSWORD, user=user)
    return redirect(safe_next(request))


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    sign_out(request)
    return redirect("portal:home")


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie), and the account's language for its emails too."""
    response = set_language(request)
    subject = current_subject(request)
    chosen = request.POST.get("language", "")
    if subject is not None and subject.customer is not None and chosen in Customer.Language.values \
            and subject.customer.language != chosen:
        try:
            customer_upsert(external_id=subject.customer.external_id, fields={"language": chosen},
                            today=timezone.now().date())
        except ValidationError:
            pass  # the cookie still switches the pages; the email language stays as it was
    return response
