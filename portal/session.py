"""Who is signed in to the portal: a data subject, by email link or (customers) by password.

The session holds ``portal = {"email", "customer_id", "method"}``. A password sign-in also
logs the customer's Django user in, so the dsar app can count "a signed-in portal session"
as identity verification (§7.10). Every page resolves the subject again from the database:
an account erased since sign-in ends the session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import auth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.models import Customer

SESSION_KEY = "portal"
EMAIL_LINK = "email_link"
PASSWORD = "password"  # noqa: S105 — a method name, not a secret


@dataclass(frozen=True)
class Subject:
    email: str
    customer: Customer | None
    method: str

    @property
    def is_customer(self) -> bool:
        return self.customer is not None


def sign_in(request: HttpRequest, *, email: str, customer: Customer | None, method: str,
            user: Any = None) -> None:
    if user is not None:
        auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    else:
        request.session.cycle_key()  # no fixation: a new session id at sign-in
    request.session[SESSION_KEY] = {
        "email": email, "customer_id": customer.pk if customer else None, "method": method,
    }


def sign_out(request: HttpRequest) -> None:
    auth.logout(request)  # flushes the whole session


def current_subject(request: HttpRequest) -> Subject | None:
    if hasattr(request, "_portal_subject"):
        return request._portal_subject  # type: ignore[attr-defined, no-any-return]
    subject = _resolve(request)
    request._portal_subject = subject  # type: ignore[attr-defined]
    return subject


def _resolve(request: HttpRequest) -> Subject | None:
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict) or not data.get("email"):
        return None
    customer = None
    if data.get("customer_id"):
        customer = (Customer.objects.filter(pk=data["customer_id"])
                    .exclude(status=Customer.Status.DELETED).first())
        if customer is None:
            return None  # erased since sign-in
    if data.get("method") == PASSWORD:
        user = getattr(request, "user", None)
        if customer is None or not user or not user.is_authenticated or customer.user_id != user.pk:
            return None  # the Django login ended (password change, sign-out elsewhere)
    return Subject(email=str(data["email"]), customer=customer, method=str(data.get("method")))


def subject_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages about a person's own data: signed-in subjects only, others go to sign-in."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        subject = current_subject(request)
        if subject is None:
            return redirect(f"{reverse('portal:signin')}?next={request.path}")
        return view(request, subject, *args, **kwargs)

    return wrapped


def customer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages only an account holder has (e.g. objecting to a sub-processor)."""

    @wraps(view)
    def wrapped(request: HttpRequest, subject: Subject, *args: Any, **kwargs: Any) -> HttpResponse:
        if subject.customer is None:
            return redirect("portal:home")
        return view(request, subject, *args, **kwargs)

    return subject_required(wrapped)
