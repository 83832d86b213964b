"""Receiving a request (§7.10) from the API, the portal or staff (email, post, phone).

The deadline is stored at receipt: ``due_at = received_at + Deadlines.REQUEST_RESPONSE``
(§7.1–7.6, §8.1), or ``received_at`` itself for the rights that take effect at once
(§7.6 marketing, §7.8 consent withdrawal, §8.1 opt-out). A repeat of the same kind of
request by the same subject within ``Deadlines.REQUEST_REPEAT_WINDOW`` is flagged as
possibly excessive (§7.10: the first request is free) — staff decide, with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q

from accounts.models import ApiClient, Customer
from micropim_privacy.policy import Deadlines

from .fulfilment import fulfil_immediately
from .links import send_agent_permission_link, send_confirmation_link
from .models import DataSubjectRequest, RequestEvent, Status
from .rights import RIGHTS_BY_TYPE, check_type_and_jurisdiction, default_jurisdiction, right
from .services import request_portal_session_verified
from .timeline import Actor, record, tell

CORRECTABLE = ("full_name", "email", "company_name", "job_title", "phone")


@dataclass
class Submission:
    type: str
    email: str
    channel: str
    received_at: datetime
    customer: Customer | None = None
    jurisdiction: str = ""
    full_name: str = ""
    language: str = ""
    details: str = ""
    corrections: dict[str, Any] = field(default_factory=dict)
    agent_name: str = ""
    agent_email: str = ""
    api_client: ApiClient | None = None


def validate_submission(sub: Submission, *, now: datetime) -> None:
    """Every reason the submission cannot be taken, by field (nothing is written)."""
    errors: dict[str, list[str]] = {}
    if sub.type not in RIGHTS_BY_TYPE:
        errors["type"] = [f"Unknown request type. One of: {', '.join(RIGHTS_BY_TYPE)}."]
    for name in ("email", "agent_email"):
        value = getattr(sub, name)
        if value or name == "email":
            try:
                validate_email(value)
            except ValidationError:
                errors[name] = ["Enter a valid email address."]
    if sub.received_at > now:
        errors["received_at"] = ["The receipt date cannot be in the future."]
    if sub.agent_email and not sub.agent_name.strip():
        errors["agent_name"] = ["An authorized agent must give their name."]
    unknown = sorted(set(sub.corrections) - set(CORRECTABLE))
    if unknown:
        errors["corrections"] = [f"Cannot correct: {', '.join(unknown)}. Correctable: {', '.join(CORRECTABLE)}."]
    if errors:
        raise ValidationError(errors)


def subject_for(email: str) -> Customer | None:
    """The account with this address, if exactly one live account has it."""
    matches = list(Customer.objects.filter(email__iexact=email.strip())
                   .exclude(status=Customer.Status.DELETED)[:2])
    return matches[0] if len(matches) == 1 else None


def earlier_request(dsr: DataSubjectRequest) -> DataSubjectRequest | None:
    """The latest request of the same family by the same subject within the repeat window."""
    since = Deadlines.REQUEST_REPEAT_WINDOW.before(dsr.received_at)
    family_types = [t for t, r in RIGHTS_BY_TYPE.items() if r.family == dsr.right.family]
    same_subject = Q(email__iexact=dsr.email)
    if dsr.customer_id:
        same_subject |= Q(customer_id=dsr.customer_id)
    return (DataSubjectRequest.objects.filter(same_subject, type__in=family_types,
                                              received_at__gte=since, received_at__lte=dsr.received_at)
            .exclude(pk=dsr.pk).exclude(status=Status.WITHDRAWN)
            .order_by("-received_at").first())


def request_submit(*, submission: Submission, actor: Actor, now: datetime,
                   portal_user: Any = None) -> DataSubjectRequest:
    """Take a request; then verify, ask for verification, or act at once (immediate rights)."""
    sub = submission
    validate_submission(sub, now=now)
    r = right(sub.type)
    customer = sub.customer or subject_for(sub.email)
    with transaction.atomic():
        due = sub.received_at if r.immediate else Deadlines.REQUEST_RESPONSE.after(sub.received_at)
        dsr = DataSubjectRequest.objects.create(
            type=sub.type, jurisdiction=sub.jurisdiction or default_jurisdiction(sub.type),
            channel=sub.channel, customer=customer, email=sub.email.strip(),
            full_name=sub.full_name or (customer.full_name if customer else ""),
            language=sub.language or (customer.language if customer else "en"),
            details=sub.details, corrections=sub.corrections, agent_name=sub.agent_name.strip(),
            agent_email=sub.agent_email.strip(), api_client=sub.api_client,
            received_at=sub.received_at, original_due_at=due, due_at=due, created_at=now,
        )
        record(dsr=dsr, kind=RequestEvent.Kind.RECEIVED, actor=actor, now=now,
               channel=sub.channel, received_at=sub.received_at, due_at=due,
               by_agent=bool(sub.agent_email))
        mismatch = check_type_and_jurisdiction(dsr.type, dsr.jurisdiction)
        if mismatch:  # never refused on a formality: handled as its GDPR equivalent (same family)
            record(dsr=dsr, kind=RequestEvent.Kind.FLAGGED, actor="system", now=now,
                   reason=f"{mismatch} Taken anyway and handled like its GDPR equivalent.")
        earlier = None if r.immediate else earlier_request(dsr)
        if earlier is not None:
            dsr.possibly_excessive, dsr.repeat_of = True, earlier
            dsr.save(update_fields=["possibly_excessive", "repeat_of"])
            record(dsr=dsr, kind=RequestEvent.Kind.FLAGGED, actor="system", now=now,
                   reason=f"Repeat of request {earlier.public_id} within {Deadlines.REQUEST_REPEAT_WINDOW} "
                   "(§7.10: the first request is free; a repeat may be excessive — staff decide).",
                   repeat_of=str(earlier.public_id))
    _after_receipt(dsr, actor=actor, now=now, portal_user=portal_user)
    return dsr


def _after_receipt(dsr: DataSubjectRequest, *, actor: Actor, now: datetime, portal_user: Any) -> None:
    if dsr.right.immediate:
        fulfil_immediately(dsr=dsr, actor=actor, now=now)
        return
    if dsr.by_agent:
        send_agent_permission_link(dsr=dsr, actor=actor, now=now)
    if portal_user is not None and dsr.customer is not None and dsr.customer.user_id == portal_user.pk:
        request_portal_session_verified(dsr=dsr, user=portal_user, now=now)
        tell(dsr=dsr, kind="request_received", now=now, actor=actor,
             context={"needs_confirmation": False})
        return
    send_confirmation_link(dsr=dsr, actor=actor, now=now)
