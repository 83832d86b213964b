"""Deleting the account, and reactivating it during the grace period (§5.3), through
``accounts.lifecycle``: the portal explains, the lifecycle decides and sends the emails."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.lifecycle import DeletionConflict, deletion_cancel, deletion_start
from accounts.selectors import is_on_legal_hold
from micropim_privacy.policy import CATEGORIES, AtEnd, Category, Deadlines

from .pages import render_page
from .ratelimits import over_limit_for
from .session import Subject, customer_required
from .views_auth import too_many


class ConfirmDeletionForm(forms.Form):
    confirm = forms.BooleanField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        days = Deadlines.ACCOUNT_DELETION_GRACE.days
        self.fields["confirm"].label = ngettext(
            "I understand that after %(days)s day my account and its data are deleted for good "
            "and cannot be recovered.",
            "I understand that after %(days)s days my account and its data are deleted for good "
            "and cannot be recovered.", days) % {"days": days}


def _kept() -> list[Category]:
    """What survives erasure and how long, straight from the registry (§5.3, §5.2)."""
    return [c for c in CATEGORIES if c.on_erasure in (AtEnd.KEEP, AtEnd.ANONYMISE)]


@require_http_methods(["GET", "POST"])
@customer_required
def account_delete(request: HttpRequest, subject: Subject) -> HttpResponse:
    customer = subject.customer
    assert customer is not None
    form = ConfirmDeletionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if over_limit_for(request, name="submit", value=subject.email):
            return too_many(request)
        try:
            deletion_start(customer=customer, now=timezone.now())
        except DeletionConflict:
            pass  # erased meanwhile: the page below says where the account stands
        return redirect("portal:account")
    customer.refresh_from_db()
    return render_page(request, "portal/account.html", {
        "form": form, "customer": customer, "kept": _kept(), "held": is_on_legal_hold(customer),
        "grace_days": Deadlines.ACCOUNT_DELETION_GRACE.days,
        "reminder_days": [p.days for p in Deadlines.ACCOUNT_DELETION_REMINDERS],
    }, status=400 if form.errors else 200)


@require_POST
@customer_required
def account_reactivate(request: HttpRequest, subject: Subject) -> HttpResponse:
    customer = subject.customer
    assert customer is not None
    try:
        deletion_cancel(customer=customer, now=timezone.now())
    except DeletionConflict:
        return render_page(request, "portal/account_cannot_reactivate.html", status=409)
    return redirect(f"{reverse('portal:account')}?reactivated=1")
