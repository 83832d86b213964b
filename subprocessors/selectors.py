"""Reads shared by the public pages, the API, the Atom feed, the admin and the portal."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from accounts.models import Customer

from . import rules
from .models import PolicyResponse, PolicyVersion, RegisterChange, SubProcessor

PUBLIC_STATUSES = (SubProcessor.Status.ANNOUNCED, SubProcessor.Status.ACTIVE)


def public_register() -> QuerySet[SubProcessor]:
    """The current register: active sub-processors and those announced to start (§4.2)."""
    return SubProcessor.objects.filter(status__in=PUBLIC_STATUSES).order_by("position", "name")


def public_subprocessor(slug: str) -> SubProcessor | None:
    return public_register().filter(slug=slug).first()


def register_changes(limit: int = 50) -> QuerySet[RegisterChange]:
    """What the Atom feed publishes: every public change, newest first."""
    return RegisterChange.objects.select_related("subprocessor").exclude(
        subprocessor__status=SubProcessor.Status.PROPOSED).order_by("-at", "-id")[:limit]


def subprocessor_row(sp: SubProcessor) -> dict[str, Any]:
    return {
        "name": sp.name, "slug": sp.slug, "service": sp.service, "data_shared": sp.data_shared,
        "location": sp.location, "third_countries": sp.third_countries,
        "transfers_outside_eea": sp.transfers_outside_eea, "safeguards": list(sp.safeguards),
        "safeguards_text": sp.safeguards_text, "scc_module": sp.scc_module or None,
        "dpf_certified": sp.dpf_certified, "tia_date": sp.tia_date, "status": sp.status,
        "announced_at": sp.announced_at, "starts_on": sp.starts_on,
    }


def policy_history() -> QuerySet[PolicyVersion]:
    """§13.4: every published version, newest first."""
    return PolicyVersion.objects.order_by("-effective_on", "-id")


def policy_version(number: str) -> PolicyVersion | None:
    return PolicyVersion.objects.filter(number=number).first()


def current_policy(*, as_of: datetime) -> PolicyVersion | None:
    return policy_history().filter(effective_on__lte=rules.utc_date(as_of)).first()


def upcoming_policy_changes(*, as_of: datetime) -> QuerySet[PolicyVersion]:
    return PolicyVersion.objects.filter(material=True, effective_on__gt=rules.utc_date(as_of)).order_by(
        "effective_on")


def portal_notices(*, customer: Customer, as_of: datetime) -> list[dict[str, Any]]:
    """§13.2 "prominent notice ... in the application", §4.2: what to show this customer now.

    Upcoming material policy changes the customer has not answered yet, and sub-processors
    announced but not started. The portal and app.micropim.net render these.
    """
    answered = set(PolicyResponse.objects.filter(customer=customer).values_list("version_id", flat=True))
    notices: list[dict[str, Any]] = [
        {"kind": "policy_change", "number": v.number, "effective_on": v.effective_on,
         "change_summary": v.change_summary, "announced_at": v.announced_at}
        for v in upcoming_policy_changes(as_of=as_of) if v.pk not in answered
    ]
    notices += [
        {"kind": "subprocessor", "name": sp.name, "slug": sp.slug, "service": sp.service,
         "data_shared": sp.data_shared, "starts_on": sp.starts_on, "announced_at": sp.announced_at}
        for sp in SubProcessor.objects.filter(status=SubProcessor.Status.ANNOUNCED).order_by("starts_on")
    ]
    return notices
