"""Every write to a data subject request's workflow (STYLE.md: services hold the rules).

``request_move`` is the one function that changes a request's status, along the table in
``models.TRANSITIONS``, recording who, when and why. The other services decide *whether*
a move is lawful (§7.10: verification first, one extension inside the first 30 days, a
reason for every refusal or fee) and tell the requester.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction

from micropim_privacy.policy import Deadlines

from .models import CLOSED, DataSubjectRequest, RequestEvent, Status
from .timeline import Actor, record, tell
from .vault import documents_delete


class WorkflowError(Exception):
    """The request is not in a state that allows this (API: 409; admin: an error message)."""


def _locked(dsr: DataSubjectRequest) -> DataSubjectRequest:
    return (DataSubjectRequest.objects.select_for_update(of=("self",)).select_related("customer")
            .get(pk=dsr.pk))


def _sync(target: DataSubjectRequest, source: DataSubjectRequest) -> DataSubjectRequest:
    """Refresh the caller's instance from the locked row (one object in the caller's hands)."""
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    return target


def _require_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(f"{what} needs a reason, and the requester is told it (§7.10).")
    return reason


def request_move(*, dsr: DataSubjectRequest, to: str, actor: Actor, now: datetime,
                 reason: str = "", **data: object) -> DataSubjectRequest:
    """Move along ``TRANSITIONS``; closing deletes the identity material (§7.10)."""
    with transaction.atomic():
        locked = _locked(dsr)
        if not locked.can_move_to(to):
            raise WorkflowError(
                f"A request that is {locked.get_status_display().lower()} cannot become "
                f"{Status(to).label.lower()}."
            )
        before = locked.status
        locked.status = to
        fields = ["status"]
        if to in CLOSED:
            locked.closed_at = now
            fields.append("closed_at")
        locked.save(update_fields=fields)
        record(dsr=locked, kind=RequestEvent.Kind.MOVED, actor=actor, now=now, reason=reason,
               from_status=before, to_status=to, **data)
        if to in CLOSED:
            documents_delete(dsr=locked, actor=actor, now=now,
                             why="§7.10: verification material deleted when the request closed")
    return _sync(dsr, locked)


def _verified_if_complete(dsr: DataSubjectRequest, *, actor: Actor, now: datetime) -> DataSubjectRequest:
    """Subject verified, and (§8.1) an agent's signed permission confirmed → VERIFIED."""
    if dsr.verified and dsr.status in (Status.RECEIVED, Status.AWAITING_VERIFICATION):
        return request_move(dsr=dsr, to=Status.VERIFIED, actor=actor, now=now,
                            reason=dsr.get_verification_method_display())
    return dsr


def request_mark_identity_verified(*, dsr: DataSubjectRequest, method: str, actor: Actor,
                                   now: datetime, note: str = "") -> DataSubjectRequest:
    """Record how the subject's identity was verified (§7.10)."""
    with transaction.atomic():
        locked = _locked(dsr)
        if not locked.is_open:
            raise WorkflowError("This request is closed.")
        if locked.verified_at is None:
            locked.verified_at = now
            locked.verification_method = method
            locked.save(update_fields=["verified_at", "verification_method"])
            record(dsr=locked, kind=RequestEvent.Kind.NOTE, actor=actor, now=now, reason=note,
                   identity_verified_by=method)
        _sync(dsr, locked)
        return _verified_if_complete(dsr, actor=actor, now=now)


def request_confirm_agent_permission(*, dsr: DataSubjectRequest, actor: Actor, now: datetime,
                                     note: str = "") -> DataSubjectRequest:
    """§8.1: staff checked the subject's signed permission for the authorized agent."""
    with transaction.atomic():
        locked = _locked(dsr)
        if not locked.by_agent:
            raise WorkflowError("This request was not filed by an authorized agent.")
        if not locked.is_open:
            raise WorkflowError("This request is closed.")
        if locked.agent_permission_confirmed_at is None:
            locked.agent_permission_confirmed_at = now
            locked.save(update_fields=["agent_permission_confirmed_at"])
            record(dsr=locked, kind=RequestEvent.Kind.NOTE, actor=actor, now=now, reason=note,
                   agent_permission="confirmed")
        _sync(dsr, locked)
        return _verified_if_complete(dsr, actor=actor, now=now)


def request_portal_session_verified(*, dsr: DataSubjectRequest, user: object,
                                    now: datetime) -> DataSubjectRequest:
    """The portal's hook (§7.10): a signed-in session of the account holder verifies identity."""
    customer = dsr.customer
    if customer is None or customer.user_id is None or customer.user_id != getattr(user, "pk", None):
        raise WorkflowError("Only the account holder's own signed-in session verifies this request.")
    return request_mark_identity_verified(
        dsr=dsr, method=DataSubjectRequest.VerificationMethod.PORTAL_SESSION,
        actor=f"portal:{customer.external_id}", now=now)


def latest_extension(dsr: DataSubjectRequest) -> datetime:
    return Deadlines.REQUEST_EXTENSION.after(dsr.original_due_at)


def request_extend(*, dsr: DataSubjectRequest, actor: Actor, now: datetime, reason: str,
                   new_due_at: datetime | None = None) -> DataSubjectRequest:
    """§7.10: one extension of up to 2 months for a complex request, decided and told to the
    requester, with the reason, before the original 30 days run out."""
    reason = _require_reason(reason, "An extension")
    with transaction.atomic():
        locked = _locked(dsr)
        if not locked.is_open:
            raise WorkflowError("A closed request cannot be extended.")
        if locked.right.immediate:
            raise WorkflowError("This right takes effect at once; it cannot be extended (§7.6, §7.8).")
        if locked.extended:
            raise WorkflowError("This request was already extended once (§7.10 allows one extension).")
        if now >= locked.original_due_at:
            raise WorkflowError(
                f"Too late to extend: an extension must be decided and told within the first "
                f"30 days, which ended {locked.original_due_at:%Y-%m-%d %H:%M} UTC (§7.10)."
            )
        latest = latest_extension(locked)
        due = new_due_at or latest
        if not locked.original_due_at < due <= latest:
            raise WorkflowError(f"The new due date must be after the original one and no later "
                                f"than {latest:%Y-%m-%d %H:%M} UTC (at most {Deadlines.REQUEST_EXTENSION}).")
        before = locked.due_at
        locked.due_at, locked.extended_at, locked.extension_reason = due, now, reason
        locked.save(update_fields=["due_at", "extended_at", "extension_reason"])
        record(dsr=locked, kind=RequestEvent.Kind.EXTENDED, actor=actor, now=now, reason=reason,
               previous_due_at=before, due_at=due)
    _sync(dsr, locked)
    tell(dsr=dsr, kind="request_extended", now=now, actor=actor, context={"reason": reason})
    return dsr


def request_refuse(*, dsr: DataSubjectRequest, actor: Actor, now: datetime,
                   reason: str) -> DataSubjectRequest:
    """§7.10: refused with a reason; the requester is told it and the right to complain (§7.9)."""
    reason = _require_reason(reason, "A refusal")
    with transaction.atomic():
        locked = _locked(dsr)
        if not locked.can_move_to(Status.REFUSED):
            raise WorkflowError("This request is closed.")
        locked.refusal_reason = reason
        locked.answer = reason
        locked.save(update_fields=["refusal_reason", "answer"])
        request_move(dsr=locked, to=Status.REFUSED, actor=actor, now=now, reason=reason)
    _sync(dsr, locked)
    tell(dsr=dsr, kind="request_refused", now=now, actor=actor, context={"reason": reason})
    return dsr


def request_charge_fee(*, dsr: DataSubjectRequest, actor: Actor, now: datetime,
                       amount: Decimal, reason: str) -> DataSubjectRequest:
    """§7.1/§7.10: a reasonable fee for an excessive or repetitive request, with the reason."""
    reason = _require_reason(reason, "A fee")
    if amount <= 0:
        raise WorkflowError("A fee must be a positive amount.")
    with transaction.atomic():
        locked = _locked(dsr)
        if not locked.can_move_to(Status.AWAITING_FEE):
            raise WorkflowError("A fee can be asked only of a verified, open request.")
        locked.fee_amount, locked.fee_reason = amount, reason
        locked.save(update_fields=["fee_amount", "fee_reason"])
        record(dsr=locked, kind=RequestEvent.Kind.FEE, actor=actor, now=now, reason=reason,
               amount=str(amount), currency=locked.fee_currency)
        request_move(dsr=locked, to=Status.AWAITING_FEE, actor=actor, now=now, reason=reason)
    _sync(dsr, locked)
    tell(dsr=dsr, kind="request_fee", now=now, actor=actor, context={"reason": reason})
    return dsr


def request_fee_paid(*, dsr: DataSubjectRequest, actor: Actor, now: datetime) -> DataSubjectRequest:
    with transaction.atomic():
        locked = _locked(dsr)
        if locked.status != Status.AWAITING_FEE:
            raise WorkflowError("No fee is awaited for this request.")
        locked.fee_paid_at = now
        locked.save(update_fields=["fee_paid_at"])
        request_move(dsr=locked, to=Status.IN_PROGRESS, actor=actor, now=now, reason="fee paid")
    return _sync(dsr, locked)


def request_withdraw(*, dsr: DataSubjectRequest, actor: Actor, now: datetime,
                     reason: str = "") -> DataSubjectRequest:
    with transaction.atomic():
        request_move(dsr=dsr, to=Status.WITHDRAWN, actor=actor, now=now,
                     reason=reason or "withdrawn by the requester")
    tell(dsr=dsr, kind="request_withdrawn", now=now, actor=actor)
    return dsr


def request_assign(*, dsr: DataSubjectRequest, assignee: object, actor: Actor,
                   now: datetime) -> DataSubjectRequest:
    with transaction.atomic():
        locked = _locked(dsr)
        if locked.assignee_id == getattr(assignee, "pk", None):
            return _sync(dsr, locked)
        locked.assignee = assignee  # type: ignore[assignment]
        locked.save(update_fields=["assignee"])
        record(dsr=locked, kind=RequestEvent.Kind.ASSIGNED, actor=actor, now=now,
               assignee=getattr(assignee, "username", None))
    return _sync(dsr, locked)


def request_close(*, dsr: DataSubjectRequest, actor: Actor, now: datetime, answer: str,
                  kind: str = "request_completed", context: dict[str, object] | None = None,
                  ) -> DataSubjectRequest:
    """Complete a request: the answer on the row, the move, and the answer emailed (§7)."""
    with transaction.atomic():
        locked = _locked(dsr)
        if not locked.can_move_to(Status.COMPLETED):
            raise WorkflowError(f"A request that is {locked.get_status_display().lower()} "
                                "cannot be completed.")
        if locked.right.needs_verification and not locked.verified:
            raise WorkflowError("Identity must be verified before a request is fulfilled (§7.10).")
        locked.answer = answer
        locked.save(update_fields=["answer"])
        request_move(dsr=locked, to=Status.COMPLETED, actor=actor, now=now, reason=answer[:500])
    _sync(dsr, locked)
    tell(dsr=dsr, kind=kind, now=now, actor=actor, dedupe="completed",
         context={"answer": answer, **(context or {})})
    return dsr
