"""The account deletion lifecycle (§5.3, §7.3, §9.2): every write of it goes through here.

    deletion_start(customer, now)              self-service: access off, 31-day countdown, email
    deletion_cancel(customer, now)             reactivation during the countdown, confirmed by email
    deletion_record_immediate(customer, ...)   staff: immediate deletion asked by email (due ≤ 30 days)
    deletion_flag_child(customer, ...)         staff: a child under 16; terminated, erased without grace
    send_deletion_reminders(as_of)             the 7-day and 1-day reminders, each exactly once
    erase_due_accounts(as_of)                  final erasure of what is due; legal holds respected

Exactly-once emails: every notification carries a dedupe key that includes the countdown's
start (``deletion_requested_at``), so a job run twice sends nothing twice, and a new
countdown (after a reactivation) gets its own reminders.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from micropim_privacy.policy import CATEGORIES, AtEnd, Deadlines, Period

from . import conf
from .connectors.base import ErasureContext, StepResult
from .models import Customer, Erasure, Notification
from .notifications import deliver, notify
from .selectors import is_on_legal_hold

log = logging.getLogger(__name__)
Kind = Customer.DeletionKind

# Which erasure reason each way of deleting leads to.
ERASURE_REASON = {
    Kind.GRACE: Erasure.Reason.GRACE_EXPIRED,
    "": Erasure.Reason.GRACE_EXPIRED,
    Kind.IMMEDIATE: Erasure.Reason.IMMEDIATE,
    Kind.CHILD: Erasure.Reason.CHILD,
    Kind.REQUEST: Erasure.Reason.ERASURE_REQUEST,
}
# §5.3 immediate deletion and §9.2 children: carried out at once, without the grace period.
WITHOUT_GRACE = (Kind.IMMEDIATE, Kind.CHILD, Kind.REQUEST)


class DeletionConflict(Exception):
    """The account is not in a state that allows this (the API answers 409)."""


@dataclass(frozen=True)
class DeletionStarted:
    customer: Customer
    started: bool  # False: a countdown was already running and was left as it was


# --- dedupe keys and context ------------------------------------------------------------


def countdown_key(prefix: str, customer: Customer) -> str:
    started = customer.deletion_requested_at.isoformat() if customer.deletion_requested_at else "-"
    return f"{prefix}:{customer.pk}:{started}"


def reminder_kind(offset: Period) -> str:
    return f"deletion_reminder_{offset.days}d"


def _context(customer: Customer, **extra: Any) -> dict[str, Any]:
    return {"due_at": customer.deletion_due_at, "requested_at": customer.deletion_requested_at,
            "portal_url": conf.portal_url(), "contact_email": conf.privacy_contact_email(),
            "grace_days": Deadlines.ACCOUNT_DELETION_GRACE.days, **extra}


# --- self-service deletion and reactivation ------------------------------------------------


def deletion_start(*, customer: Customer, now: datetime) -> DeletionStarted:
    """§5.3 "Immediate actions": access disabled, countdown of 31 days, notification email.

    A second start while a deletion is pending changes nothing (the first countdown stands).
    """
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if locked.status == Customer.Status.DELETED:
            raise DeletionConflict("This account has already been erased.")
        if locked.status == Customer.Status.PENDING_DELETION:
            return DeletionStarted(customer=locked, started=False)
        locked.status = Customer.Status.PENDING_DELETION
        locked.deletion_kind = Kind.GRACE
        locked.deletion_requested_at = now
        locked.deletion_due_at = Deadlines.ACCOUNT_DELETION_GRACE.after(now)
        locked.deletion_recorded_by = None
        locked.save()
    send_start_notice(locked, now=now)
    log.info("deletion countdown started for customer %s, due %s", locked.pk, locked.deletion_due_at)
    return DeletionStarted(customer=locked, started=True)


def send_start_notice(customer: Customer, *, now: datetime) -> Notification | None:
    kind = "deletion_immediate" if customer.deletion_kind == Kind.IMMEDIATE else "deletion_started"
    if not customer.email or customer.deletion_kind not in (Kind.GRACE, Kind.IMMEDIATE):
        return None
    return notify(kind=kind, customer=customer, context=_context(customer),
                  dedupe_key=countdown_key(kind.replace("_", "-"), customer), now=now)


def deletion_cancel(*, customer: Customer, now: datetime) -> Customer:
    """§5.3 "You can reactivate account": the countdown stops, access returns, email confirms."""
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if locked.status != Customer.Status.PENDING_DELETION:
            raise DeletionConflict("No deletion is pending for this account.")
        if Erasure.objects.filter(customer=locked).exists():
            raise DeletionConflict("Final erasure has begun; the account can no longer be reactivated.")
        if locked.deletion_kind == Kind.CHILD:
            raise DeletionConflict("This account was terminated under §9.2 and cannot be reactivated.")
        key = countdown_key("deletion-cancelled", locked)
        locked.status = Customer.Status.ACTIVE
        locked.deletion_kind = ""
        locked.deletion_requested_at = locked.deletion_due_at = None
        locked.deletion_recorded_by = None
        locked.save()
    if locked.email:
        notify(kind="deletion_cancelled", customer=locked, context=_context(locked), dedupe_key=key, now=now)
    log.info("deletion cancelled for customer %s", locked.pk)
    return locked


# --- staff: immediate deletion (§5.3) and children (§9.2) ------------------------------------


def deletion_record_immediate(*, customer: Customer, requested_at: datetime, now: datetime,
                              actor: AbstractBaseUser | None) -> Customer:
    """§5.3 "Immediate deletion ... within 30 days of your request": no grace period.

    ``requested_at`` is when the email arrived; the due date counts from it. The next job
    run carries it out. Recording it again changes nothing.
    """
    if requested_at > now:
        raise ValidationError({"requested_at": "The request cannot be in the future."})
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if locked.status == Customer.Status.DELETED:
            raise DeletionConflict("This account has already been erased.")
        if locked.deletion_kind in (Kind.IMMEDIATE, Kind.CHILD):
            return locked
        if Erasure.objects.filter(customer=locked).exists():
            return locked
        locked.status = Customer.Status.PENDING_DELETION
        locked.deletion_kind = Kind.IMMEDIATE
        locked.deletion_requested_at = requested_at
        locked.deletion_due_at = Deadlines.IMMEDIATE_DELETION.after(requested_at)
        locked.deletion_recorded_by = actor if actor is not None and actor.pk else None
        locked.save()
    send_start_notice(locked, now=now)
    return locked


def deletion_flag_child(*, customer: Customer, now: datetime, actor: AbstractBaseUser | None) -> Customer:
    """§9.2: "We will delete the data as quickly as possible; we will terminate the account"."""
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if locked.status == Customer.Status.DELETED:
            raise DeletionConflict("This account has already been erased.")
        if locked.deletion_kind == Kind.CHILD or Erasure.objects.filter(customer=locked).exists():
            return locked
        locked.status = Customer.Status.PENDING_DELETION
        locked.deletion_kind = Kind.CHILD
        locked.deletion_requested_at = locked.deletion_due_at = now
        locked.deletion_recorded_by = actor if actor is not None and actor.pk else None
        locked.save()
    log.info("customer %s flagged as a child under 16: erasure without grace", locked.pk)
    return locked


# --- reminders ------------------------------------------------------------------------


def reminder_offsets() -> list[Period]:
    """§5.3 reminders, nearest to the deadline first (1 day, then 7 days)."""
    return sorted(Deadlines.ACCOUNT_DELETION_REMINDERS, key=lambda p: p.approx_days)


def reminder_due(customer: Customer, as_of: datetime) -> Period | None:
    """The one reminder to send now: the latest reminder point that has passed.

    A 7-day reminder missed while the jobs were down still goes out late, unless the 1-day
    point has passed too: then only the 1-day one does. None after the deadline.
    """
    due = customer.deletion_due_at
    if due is None or as_of >= due:
        return None
    return next((p for p in reminder_offsets() if p.before(due) <= as_of), None)


def reminder_candidates(as_of: datetime) -> QuerySet[Customer]:
    widest = reminder_offsets()[-1]
    return Customer.objects.filter(
        status=Customer.Status.PENDING_DELETION, deletion_kind=Kind.GRACE, erasure__isnull=True,
        deletion_due_at__gt=as_of, deletion_due_at__lte=widest.after(as_of),
    ).order_by("pk")


def send_deletion_reminders(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    counts: dict[str, int] = {reminder_kind(p): 0 for p in reminder_offsets()}
    counts["start_notices"] = 0
    for customer in reminder_candidates(as_of):
        offset = reminder_due(customer, as_of)
        if offset is None or not customer.email:
            continue
        kind = reminder_kind(offset)
        key = countdown_key(kind.replace("_", "-"), customer)
        if Notification.objects.filter(dedupe_key=key).exists():
            continue
        if dry_run or notify(kind=kind, customer=customer, dedupe_key=key, now=as_of,
                             context=_context(customer, days_left=offset.days)):
            counts[kind] += 1
    # A start notice lost to a crash between the countdown's commit and the email goes now.
    pending = Customer.objects.filter(status=Customer.Status.PENDING_DELETION, erasure__isnull=True,
                                      deletion_kind__in=[Kind.GRACE, Kind.IMMEDIATE]).exclude(email="")
    for customer in pending.order_by("pk"):
        kind = "deletion_immediate" if customer.deletion_kind == Kind.IMMEDIATE else "deletion_started"
        if Notification.objects.filter(dedupe_key=countdown_key(kind.replace("_", "-"), customer)).exists():
            continue
        if dry_run or send_start_notice(customer, now=as_of):
            counts["start_notices"] += 1
    return counts


# --- final erasure ----------------------------------------------------------------------


class ErasuresIncomplete(Exception):
    """Raised at the end of a job run in which some erasure failed (the run is marked failed)."""


def due_for_erasure(as_of: datetime) -> QuerySet[Customer]:
    """Pending accounts whose erasure is due as of now and has not begun."""
    return Customer.objects.filter(status=Customer.Status.PENDING_DELETION, erasure__isnull=True).filter(
        Q(deletion_kind__in=[Kind.GRACE, ""], deletion_due_at__lte=as_of)
        | Q(deletion_kind__in=WITHOUT_GRACE, deletion_requested_at__lte=as_of)
    ).order_by("deletion_due_at", "pk")


def anchored_clock(as_of: datetime) -> Any:
    """Step timestamps: ``as_of`` plus the real time elapsed (= the wall clock in production)."""
    started = time.monotonic()
    return lambda: as_of + timedelta(seconds=time.monotonic() - started)


def erase_due_accounts(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    from .erasure import erase_customer, run_erasure  # the engine imports this module too

    counts = {"erased": 0, "resumed": 0, "held": 0, "hold_notices": 0, "failed": 0, "busy": 0}
    unfinished = list(Erasure.objects.exclude(status=Erasure.Status.COMPLETED).order_by("created_at"))
    due = list(due_for_erasure(as_of))
    if dry_run:
        held = sum(1 for c in due if is_on_legal_hold(c))
        return {**counts, "would_erase": len(due) - held, "held": held, "would_resume": len(unfinished)}
    clock = anchored_clock(as_of)
    for erasure in unfinished:
        _tally(counts, _guarded(lambda e=erasure: run_erasure(e, clock=clock)), now=as_of, resumed=True)
    for customer in due:
        if is_on_legal_hold(customer):
            counts["held"] += 1
            counts["hold_notices"] += tell_about_legal_hold(customer, now=as_of)
            continue
        reason = ERASURE_REASON[customer.deletion_kind]
        _tally(counts, _guarded(lambda c=customer, r=reason: erase_customer(
            customer=c, reason=r, now=as_of, clock=clock)), now=as_of)
    if counts["failed"]:
        raise ErasuresIncomplete(
            f"{counts['failed']} erasure(s) failed and will be retried on the next run "
            f"(see the erasures list); counts: {counts}")
    return counts


def _guarded(run: Any) -> Erasure | None:
    try:
        result: Erasure = run()
    except Exception:  # one erasure's failure must not stop the others
        log.exception("erasure failed outside a step")
        return None
    return result


def _tally(counts: dict[str, int], erasure: Erasure | None, *, now: datetime, resumed: bool = False) -> None:
    if erasure is None or erasure.status == Erasure.Status.FAILED:
        counts["failed"] += 1
    elif erasure.status == Erasure.Status.COMPLETED:
        counts["resumed" if resumed else "erased"] += 1
    elif erasure.status == Erasure.Status.HELD:
        counts["held"] += 1
        counts["hold_notices"] += tell_about_legal_hold(erasure.customer, now=now)
    else:
        counts["busy"] += 1


def tell_about_legal_hold(customer: Customer, *, now: datetime) -> int:
    """§5.5 "We will notify you if your data is subject to a legal hold": once per hold."""
    from retention.models import LegalHold

    sent = 0
    holds = LegalHold.objects.filter(customer=customer, category_key="", lifted_at__isnull=True,
                                     subject_notified_at__isnull=True)
    for hold in holds:
        if customer.email:
            notify(kind="deletion_legal_hold", customer=customer, context=_context(customer),
                   dedupe_key=f"legal-hold:{hold.pk}", now=now)
        sent += LegalHold.objects.filter(pk=hold.pk, subject_notified_at__isnull=True).update(
            subject_notified_at=now)
    return sent


# --- the engine's confirmation step ---------------------------------------------------------


class ConfirmationNotSent(Exception):
    pass


def kept_after_erasure() -> list[dict[str, str]]:
    """What the registry keeps when an account is erased (for the emails)."""
    return [{"name": c.name, "reason": c.erasure_reason} for c in CATEGORIES
            if c.held_by_this_service and c.on_erasure == AtEnd.KEEP]


def send_erasure_confirmation(customer: Customer, *, erasure: ErasureContext) -> StepResult:
    """§7.3 "We will confirm deletion": sent before the address itself is erased."""
    record = erasure.record
    if not record.notify_subject:
        return StepResult(skipped=True, note="The request that asked for this erasure answers the subject")
    if not customer.email:
        return StepResult(skipped=True, note="No email address on file")
    key = f"erasure-confirmation:{record.uuid}"
    note = notify(kind="deletion_completed", customer=customer, dedupe_key=key, now=erasure.now(),
                  context=_context(customer, kept=kept_after_erasure(), erasure_id=str(record.uuid)))
    if note is None:  # claimed by an earlier attempt: send it if it never went
        note = Notification.objects.get(dedupe_key=key)
        if note.sent_at is None:
            deliver(note, now=erasure.now())
    if note.sent_at is not None:
        return StepResult(note="Sent before the address was erased")
    if note.attempts >= conf.confirmation_max_attempts():
        return StepResult(note=f"Could not be delivered after {note.attempts} attempts; "
                               "the erasure went ahead without it")
    raise ConfirmationNotSent("the confirmation email could not be sent yet; retried on the next run")
