"""Fulfilling a verified request, per right (§7.1–7.8, §8.1). Every answer is an email plus a
record (``services.request_close`` → ``timeline.tell``).

| family | what happens |
|---|---|
| access (Art. 15, 20, CCPA know) | a package built by a Celery task; the request completes when it is ready |
| rectification (Art. 16, CCPA correct) | applied here, pushed to Cognito and Stripe, recipients recorded (Art. 19) |
| erasure (Art. 17, CCPA delete) | the erasure engine, without the 31-day grace; what is kept is explained |
| restriction (Art. 18) | ``processing_restricted`` on; the subject is told before it is lifted |
| objection (Art. 21(1)) | a staff decision with its grounds |
| suppression (Art. 21(2), 7(3), CCPA opt-out) | at receipt: marketing stops at once |
| information (CCPA limit sensitive) | the §8.1 answer |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from .effects import (
    analytics_unlink,
    marketing_suppress,
    processing_restrict,
    processing_unrestrict,
)
from .models import AccessPackage, DataSubjectRequest, RequestEvent, Status
from .rights import Family
from .services import WorkflowError, _locked, request_close, request_move
from .timeline import Actor, record, tell


@dataclass(frozen=True)
class Outcome:
    completed: bool
    message: str


def fulfil_immediately(*, dsr: DataSubjectRequest, actor: Actor, now: datetime) -> DataSubjectRequest:
    """§7.6 "stop all marketing immediately", §7.8, §8.1 opt-out: no verification needed."""
    changed = marketing_suppress(customer=dsr.customer, email=dsr.email, source=f"dsar:{dsr.type}",
                                 now=now)
    record(dsr=dsr, kind=RequestEvent.Kind.EFFECT, actor=actor, now=now,
           reason="marketing stopped at once (§7.6, §7.8, §8.1)", marketing_objection=True,
           changed=changed)
    return request_close(dsr=dsr, actor=actor, now=now,
                         answer="All marketing to you has stopped, effective immediately.")


def _check_ready(dsr: DataSubjectRequest) -> None:
    if not dsr.is_open:
        raise WorkflowError("This request is closed.")
    if dsr.status == Status.AWAITING_FEE:
        raise WorkflowError("This request awaits the fee the requester was told about.")
    if dsr.right.needs_verification and not dsr.verified:
        raise WorkflowError("Identity must be verified before a request is fulfilled (§7.10).")


def request_fulfil(*, dsr: DataSubjectRequest, actor: Actor, now: datetime, note: str = "",
                   decision: str = "", grounds: str = "",
                   corrections: dict[str, Any] | None = None) -> Outcome:
    """The officer's "complete": do what the right requires, then answer."""
    _check_ready(dsr)
    family = dsr.right.family
    if family == Family.ACCESS:
        package = access_start(dsr=dsr, actor=actor, now=now)
        return Outcome(False, f"The access package is being built ({package}); the request "
                              "completes and the requester is emailed when it is ready.")
    if family == Family.RECTIFICATION:
        from .rectify import rectification_apply

        rectification_apply(dsr=dsr, actor=actor, now=now, corrections=corrections, note=note)
        return Outcome(True, "Corrected, pushed to the systems holding copies, and answered.")
    if family == Family.ERASURE:
        from .erasure import erasure_fulfil

        return erasure_fulfil(dsr=dsr, actor=actor, now=now, note=note)
    if family == Family.RESTRICTION:
        restriction_apply(dsr=dsr, actor=actor, now=now, note=note)
        return Outcome(True, "Processing restricted; the main app reads the flag.")
    if family == Family.OBJECTION:
        objection_decide(dsr=dsr, actor=actor, now=now, decision=decision, grounds=grounds)
        return Outcome(True, "Decision recorded and answered.")
    if family == Family.SUPPRESSION:
        fulfil_immediately(dsr=dsr, actor=actor, now=now)
        return Outcome(True, "Marketing stopped.")
    request_close(dsr=dsr, actor=actor, now=now, answer=note or "Answered (§8.1).")
    return Outcome(True, "Answered.")


def _in_progress(dsr: DataSubjectRequest, *, actor: Actor, now: datetime, why: str) -> None:
    if dsr.status == Status.VERIFIED:
        request_move(dsr=dsr, to=Status.IN_PROGRESS, actor=actor, now=now, reason=why)


def access_start(*, dsr: DataSubjectRequest, actor: Actor, now: datetime) -> AccessPackage:
    """Queue the package build (Celery, after commit). A second click reuses the one building."""
    from .tasks import queue_build

    with transaction.atomic():
        locked = _locked(dsr)
        _check_ready(locked)
        building = locked.packages.filter(state=AccessPackage.State.BUILDING).first()
        if building is not None:
            return building
        _in_progress(locked, actor=actor, now=now, why="building the access package")
        package = AccessPackage.objects.create(request=locked, started_at=now)
        record(dsr=locked, kind=RequestEvent.Kind.PACKAGE, actor=actor, now=now,
               reason="package build queued", package=str(package.public_id))
        transaction.on_commit(lambda: queue_build(package.pk))
    dsr.status = locked.status
    return package


def restriction_apply(*, dsr: DataSubjectRequest, actor: Actor, now: datetime, note: str = "") -> None:
    if dsr.customer is None:
        raise WorkflowError("No account is linked to this request: link the customer first.")
    changed = processing_restrict(customer=dsr.customer)
    record(dsr=dsr, kind=RequestEvent.Kind.EFFECT, actor=actor, now=now,
           reason="processing restricted (§7.4)", processing_restricted=True, changed=changed)
    request_close(dsr=dsr, actor=actor, now=now,
                  answer=note or "Processing of your data is restricted: we store it but do not "
                                 "otherwise process it. We will tell you before lifting the restriction.")


def restriction_announce_lift(*, dsr: DataSubjectRequest, actor: Actor, now: datetime,
                              reason: str) -> None:
    """§7.4: "We will notify you before lifting the restriction"."""
    if dsr.right.family != Family.RESTRICTION or dsr.customer is None:
        raise WorkflowError("Only a restriction request's restriction can be lifted.")
    if not dsr.customer.processing_restricted or dsr.restriction_lifted_at:
        raise WorkflowError("Processing is not restricted.")
    if not (reason or "").strip():
        raise WorkflowError("Lifting a restriction needs a reason, told to the subject (§7.4).")
    DataSubjectRequest.objects.filter(pk=dsr.pk).update(restriction_lift_announced_at=now)
    dsr.restriction_lift_announced_at = now
    record(dsr=dsr, kind=RequestEvent.Kind.NOTE, actor=actor, now=now, reason=reason,
           restriction="lift announced")
    tell(dsr=dsr, kind="request_restriction_lift", now=now, actor=actor,
         dedupe=f"lift:{now.isoformat()}", context={"reason": reason})


def restriction_lift(*, dsr: DataSubjectRequest, actor: Actor, now: datetime) -> None:
    if dsr.restriction_lift_announced_at is None or dsr.restriction_lift_announced_at >= now:
        raise WorkflowError("Tell the subject first (§7.4): announce the lifting, then lift it.")
    if dsr.customer is None:
        raise WorkflowError("No account is linked to this request.")
    processing_unrestrict(customer=dsr.customer)
    DataSubjectRequest.objects.filter(pk=dsr.pk).update(restriction_lifted_at=now)
    dsr.restriction_lifted_at = now
    record(dsr=dsr, kind=RequestEvent.Kind.EFFECT, actor=actor, now=now,
           reason="restriction lifted after the subject was told", processing_restricted=False)


def objection_decide(*, dsr: DataSubjectRequest, actor: Actor, now: datetime, decision: str,
                     grounds: str) -> None:
    """§7.6: "We will stop processing unless we demonstrate compelling legitimate grounds"."""
    if decision not in DataSubjectRequest.Decision.values:
        raise WorkflowError("Record the decision: objection upheld, or compelling grounds override it.")
    if not (grounds or "").strip():
        raise WorkflowError("Record the grounds of the decision (§7.6); the subject is told them.")
    with transaction.atomic():
        DataSubjectRequest.objects.filter(pk=dsr.pk).update(decision=decision, decision_grounds=grounds)
        dsr.decision, dsr.decision_grounds = decision, grounds
        record(dsr=dsr, kind=RequestEvent.Kind.DECISION, actor=actor, now=now, reason=grounds,
               decision=decision)
        if decision == DataSubjectRequest.Decision.UPHELD and dsr.customer is not None:
            counts = analytics_unlink(customer=dsr.customer)
            record(dsr=dsr, kind=RequestEvent.Kind.EFFECT, actor=actor, now=now,
                   reason="objection upheld: the subject's legitimate-interest analytics anonymised",
                   **counts)
    request_close(dsr=dsr, actor=actor, now=now, answer=grounds, context={"decision": decision})
