"""The request's timeline and its communications: who did what, when and why (proof).

Every service writes through ``record`` and every answer goes out through ``tell`` (an
email plus a record of it, ``accounts.notifications.notify``), so the officer's change page
shows the whole story on one page.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from accounts.models import ApiClient, Notification
from accounts.notifications import notify
from micropim_privacy.policy import CONTROLLER, SUPERVISORY_AUTHORITY, UK_AUTHORITY

from . import conf
from .models import DataSubjectRequest, RequestEvent, event_data
from .rights import Jurisdiction

# Who acted: a staff user, a calling system, or a label ("system", "requester (email link)").
Actor = AbstractBaseUser | ApiClient | str | None


def actor_parts(actor: Actor) -> tuple[Any, str]:
    if actor is None:
        return None, "system"
    if isinstance(actor, str):
        return None, actor[:150]
    if isinstance(actor, ApiClient):
        return None, f"api:{actor.name}"[:150]
    return actor, actor.get_username()[:150]


def record(
    *,
    dsr: DataSubjectRequest,
    kind: str,
    actor: Actor,
    now: datetime,
    reason: str = "",
    from_status: str = "",
    to_status: str = "",
    notification: Notification | None = None,
    **data: Any,
) -> RequestEvent:
    user, label = actor_parts(actor)
    return RequestEvent.objects.create(
        request=dsr, at=now, actor_user=user, actor_label=label, kind=kind, reason=reason,
        from_status=from_status, to_status=to_status, notification=notification,
        data=event_data(**data),
    )


def authority_for(dsr: DataSubjectRequest) -> list[Mapping[str, str]]:
    """§7.9: ANSPDCP always; the ICO too for UK users."""
    authorities: list[Mapping[str, str]] = [SUPERVISORY_AUTHORITY]
    if dsr.jurisdiction == Jurisdiction.UK:
        authorities.append(UK_AUTHORITY)
    return authorities


def base_context(dsr: DataSubjectRequest) -> dict[str, Any]:
    r = dsr.right
    return {
        "dsr": dsr,
        "right_label": r.label_ro if dsr.language == "ro" else r.label,
        "reference": str(dsr.public_id),
        "controller": CONTROLLER,
        "authorities": authority_for(dsr),
        "status_url": f"{conf.public_base_url()}/privacy/requests/{dsr.public_id}/",
    }


def subject_address(dsr: DataSubjectRequest) -> str:
    """§7.10: answers go to the address *associated with the account*, not whatever the
    request claims; without an account, to the address the request came from."""
    return dsr.customer.email if dsr.customer is not None and dsr.customer.email else dsr.email


def tell(
    *,
    dsr: DataSubjectRequest,
    kind: str,
    now: datetime,
    actor: Actor = None,
    to_email: str | None = None,
    dedupe: str | None = None,
    context: Mapping[str, Any] | None = None,
) -> Notification | None:
    """Email the requester (or ``to_email``) and put the message on the timeline, once.

    ``dedupe`` names the message for this request (e.g. "extended"): sent at most once.
    """
    key = f"dsar:{dsr.public_id}:{dedupe or kind}"
    to = to_email or subject_address(dsr)
    note = notify(
        kind=kind, customer=dsr.customer, to_email=to, language=dsr.language,
        context={**base_context(dsr), **(context or {})}, dedupe_key=key[:200], now=now,
    )
    if note is not None:
        record(dsr=dsr, kind=RequestEvent.Kind.EMAIL, actor=actor, now=now, notification=note,
               message=kind, to="agent" if to_email and to_email == dsr.agent_email else "subject")
    return note
