"""Erasure requests (§7.3, GDPR Art. 17; CCPA delete): the accounts app's erasure engine, run
at once — without the 31-day grace of a self-service deletion (§5.3 "immediate deletion").

The engine erases every system step by step and issues a deletion certificate; this module
turns its outcome into the answer: what was erased, and what had to be kept and why
(billing records 7 years, §5.2; a legal hold, §5.5; backups expiring within 31 days). A
subject without an account (a newsletter subscriber) is suppressed at once and their
marketing data goes within 30 days (§5.4). The engine resumes a failed erasure on its own
hourly run; ``dsar_erasure_answers`` then sends the answer.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction

from accounts.erasure import ErasureRefused, erase_customer
from accounts.models import Erasure, Notification

from .effects import marketing_suppress
from .models import DataSubjectRequest, RequestEvent, Status
from .services import WorkflowError, request_close, request_move
from .timeline import Actor, record

log = logging.getLogger(__name__)


def _outcome(completed: bool, message: str) -> Any:
    from .fulfilment import Outcome  # fulfilment dispatches here: imported late

    return Outcome(completed, message)


def kept_items(erasure: Erasure) -> list[dict[str, Any]]:
    """What the certificate says was kept, and why, for the answer (§7.3 "explain why")."""
    items = []
    for step in erasure.steps.order_by("position"):
        for kept in step.kept or []:
            items.append({"what": kept.get("what", ""), "reason": kept.get("reason", ""),
                          "count": kept.get("count")})
    return items


def erasure_fulfil(*, dsr: DataSubjectRequest, actor: Actor, now: datetime, note: str = "") -> Any:
    if dsr.customer is None:
        return _erase_non_customer(dsr=dsr, actor=actor, now=now, note=note)
    if dsr.status == Status.VERIFIED:
        request_move(dsr=dsr, to=Status.IN_PROGRESS, actor=actor, now=now,
                     reason="erasure started, without the 31-day grace (§5.3, §7.3)")
    user = actor if getattr(actor, "pk", None) and hasattr(actor, "get_username") else None
    try:
        erasure = erase_customer(customer=dsr.customer, reason=Erasure.Reason.ERASURE_REQUEST, now=now,
                                 actor=user, notify_subject=False, request_ref=str(dsr.public_id))
    except ErasureRefused as exc:
        raise WorkflowError(f"The erasure engine refused: {exc}.") from exc
    record(dsr=dsr, kind=RequestEvent.Kind.ERASURE, actor=actor, now=now,
           reason=f"erasure {erasure.get_status_display().lower()}", erasure=str(erasure.uuid),
           status=erasure.status, failure=erasure.failure_reason)
    if erasure.status == Erasure.Status.COMPLETED:
        erasure_answer(dsr=dsr, erasure=erasure, actor=actor, now=now, note=note)
        return _outcome(True, "Erased across every system; the answer lists what was kept and why.")
    if erasure.status == Erasure.Status.HELD:
        return _outcome(False, "Paused by a legal hold on the account (§5.5). Refuse with the reason "
                               "(§7.3: legal claims) or wait until the hold is lifted.")
    if erasure.status == Erasure.Status.FAILED:
        return _outcome(False, f"A step failed ({erasure.failure_reason}); it is retried by the hourly "
                               "jobs, or complete again. The answer goes out when it finishes.")
    return _outcome(False, "Another worker is running this erasure; the answer goes out when it finishes.")


def erasure_answer(*, dsr: DataSubjectRequest, erasure: Erasure, actor: Actor, now: datetime,
                   note: str = "") -> DataSubjectRequest:
    """Answer (email + record), then keep of the request only what proves it was handled."""
    kept = kept_items(erasure)
    dsr = request_close(
        dsr=dsr, actor=actor, now=now,
        answer=note or f"Erased (deletion certificate {erasure.uuid}); kept: "
                       + ("; ".join(f"{k['what']}: {k['reason']}" for k in kept) or "nothing"),
        context={"kept": kept, "certificate": str(erasure.uuid)},
    )
    _forget_requester(dsr)
    return dsr


def _forget_requester(dsr: DataSubjectRequest) -> None:
    """After the answer, the request keeps no address or name (like the engine's tombstone):
    its type, dates, timeline and the certificate id remain as proof."""
    with transaction.atomic():
        note_ids = dsr.events.filter(notification__isnull=False).values("notification_id")
        Notification.objects.filter(pk__in=note_ids).update(to_email="", body="")
        DataSubjectRequest.objects.filter(pk=dsr.pk).update(
            email=f"erased-{dsr.public_id.hex}@invalid.invalid", full_name="", details="",
            corrections={}, agent_name="", agent_email="")


def _erase_non_customer(*, dsr: DataSubjectRequest, actor: Actor, now: datetime, note: str) -> Any:
    """No account: marketing stops now; the marketing data goes within 30 days (§5.4)."""
    marketing_suppress(customer=None, email=dsr.email, source=f"dsar:{dsr.type}", now=now)
    record(dsr=dsr, kind=RequestEvent.Kind.EFFECT, actor=actor, now=now,
           reason="no account: marketing suppressed; marketing data deleted within 30 days (§5.4)")
    request_close(dsr=dsr, actor=actor, now=now,
                  answer=note or "We hold no account for this address. Marketing to it has stopped, "
                                 "and any marketing data is deleted within 30 days (§5.4).")
    return _outcome(True, "No account: marketing suppressed, answered.")


def erasure_answers_due(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    """Erasure requests whose erasure the engine finished later (a resumed run): answer them."""
    waiting = DataSubjectRequest.objects.filter(
        type__in=["erasure", "delete"], status=Status.IN_PROGRESS,
        customer__erasure__status=Erasure.Status.COMPLETED).select_related("customer")
    counts = {"answered": 0}
    for dsr in waiting:
        counts["answered"] += 1
        if not dry_run:
            erasure_answer(dsr=dsr, erasure=dsr.customer.erasure, actor="system", now=as_of)  # type: ignore[union-attr]
    return counts
