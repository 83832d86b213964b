"""Public pages (no login): the register, the policy history and the policy's own tables."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from micropim_privacy.policy import Deadlines

from . import selectors
from .tables import published_tables


@require_GET
def register_page(request: HttpRequest) -> HttpResponse:
    register = list(selectors.public_register())
    return render(request, "subprocessors/register.html", {
        "active": [sp for sp in register if sp.status == sp.Status.ACTIVE],
        "upcoming": [sp for sp in register if sp.status == sp.Status.ANNOUNCED],
        "changes": selectors.register_changes(limit=20),
        "notice_period": Deadlines.SUBPROCESSOR_NOTICE,
    })


@require_GET
def policy_history_page(request: HttpRequest) -> HttpResponse:
    return render(request, "subprocessors/policy_history.html", {
        "versions": selectors.policy_history(),
        "current": selectors.current_policy(as_of=timezone.now()),
    })


@require_GET
def policy_version_page(request: HttpRequest, number: str) -> HttpResponse:
    version = selectors.policy_version(number)
    if version is None:
        raise Http404("No such policy version.")
    return render(request, "subprocessors/policy_version.html", {"version": version})


@require_GET
def policy_tables_page(request: HttpRequest) -> HttpResponse:
    return render(request, "subprocessors/policy_tables.html", {
        "tables": published_tables(list(selectors.public_register().filter(status="active")))})
