"""The erasure engine: one subject erased across every system, step by step, with proof.

Public API (the lifecycle jobs, dsar's erasure requests, and later the ledger replay call it):

    erase_customer(*, customer, reason, now, actor=None, notify_subject=True,
                   request_ref="", clock=None) -> Erasure
        Start (or resume) the customer's erasure and run it as far as it goes. Returns the
        Erasure; check ``erasure.status``: "completed" (certificate ready), "held" (a §5.5
        legal hold on the account paused it), "failed" (a step raised; ``failure_reason``
        and the step's ``error`` say why; the next call resumes at that step), or "running"
        (another worker holds it right now). Never erases twice: a customer has at most
        one Erasure, and a completed one is returned unchanged.
    start_erasure(...same arguments, no clock...) -> Erasure
        Only create the record and its steps (e.g. in a request, then run it from a task).
    run_erasure(erasure, *, clock=None) -> Erasure
        Resume from the first unfinished step; finished steps are never run again.

    ``reason`` is an ``Erasure.Reason`` (grace_expired, immediate, child_under_16,
    erasure_request, replay). ``now`` is the instant the erasure is recorded as requested;
    ``clock`` (default: timezone.now) stamps steps as they start and finish. With
    ``notify_subject=False`` the final confirmation email is left to the caller (a data
    subject request sends its own answer). ``request_ref`` names what asked for it.

Why it is built this way: deletion bugs are irreversible, and a worker can die at any
instant. So the plan (one ``ErasureStep`` per system, in ``connectors.SYSTEMS`` order, with
the confirmation email just before this service's own tables, where the address is erased)
is written in one transaction before anything is touched; each step is marked running
before it starts and done when it ends; each connector records its counts in the same
transaction as the change it counts; and one worker at a time holds an erasure (a
PostgreSQL advisory lock that dies with the worker's connection). A step left "running" by
a dead worker is simply run again: every connector is written to find what is left.

The deletion certificate (JSON and PDF, ``accounts/certificate.py``) is made when every step
is finished, in the transaction that marks the customer deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from micropim_privacy.locks import AdvisoryLock

from . import certificate, connectors
from .connectors.base import ErasureContext, StepResult, scrub
from .identifiers import identifier_hashes, keyed_hash
from .models import Customer, Erasure, ErasureStep
from .selectors import is_on_legal_hold

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
CONFIRMATION = "confirmation-email"
LAST_SYSTEM = "privacy-db"  # where the address is erased: the confirmation goes just before

__all__ = ["CONFIRMATION", "Clock", "ErasureRefused", "erase_customer", "plan", "run_erasure",
           "start_erasure"]


class ErasureRefused(Exception):
    """The customer cannot be erased (e.g. an account erased before this engine existed)."""


def plan() -> list[str]:
    """Step names in order: every system, with the confirmation email before privacy-db."""
    names = [s.name for s in connectors.SYSTEMS]
    position = names.index(LAST_SYSTEM) if LAST_SYSTEM in names else len(names)
    return [*names[:position], CONFIRMATION, *names[position:]]


def start_erasure(*, customer: Customer, reason: str, now: datetime,
                  actor: AbstractBaseUser | None = None, notify_subject: bool = True,
                  request_ref: str = "") -> Erasure:
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        existing = Erasure.objects.filter(customer=locked).first()
        if existing is not None:
            return existing
        if locked.status == Customer.Status.DELETED:
            raise ErasureRefused("this account was already deleted")
        if locked.status == Customer.Status.ACTIVE:  # e.g. an Art. 17 request: access ends now
            locked.status = Customer.Status.PENDING_DELETION
            locked.deletion_kind = Customer.DeletionKind.REQUEST
            locked.deletion_requested_at = locked.deletion_due_at = now
            locked.save(update_fields=["status", "deletion_kind", "deletion_requested_at",
                                       "deletion_due_at", "updated_at"])
        erasure = Erasure.objects.create(
            customer=locked, subject_hash=keyed_hash("external_id", locked.external_id),
            identifier_hashes=identifier_hashes(locked), reason=reason, requested_at=now,
            actor=actor if actor is not None and actor.pk else None,
            notify_subject=notify_subject, request_ref=request_ref[:64],
        )
        ErasureStep.objects.bulk_create(
            ErasureStep(erasure=erasure, position=i, system=name) for i, name in enumerate(plan())
        )
    log.info("erasure %s started for customer %s (%s)", erasure.uuid, locked.pk, reason)
    return erasure


def erase_customer(*, customer: Customer, reason: str, now: datetime,
                   actor: AbstractBaseUser | None = None, notify_subject: bool = True,
                   request_ref: str = "", clock: Clock | None = None) -> Erasure:
    erasure = start_erasure(customer=customer, reason=reason, now=now, actor=actor,
                            notify_subject=notify_subject, request_ref=request_ref)
    return run_erasure(erasure, clock=clock)


def run_erasure(erasure: Erasure, *, clock: Clock | None = None) -> Erasure:
    clock = clock or timezone.now
    with ErasureLock(erasure.pk) as acquired:
        erasure.refresh_from_db()
        if not acquired or erasure.status == Erasure.Status.COMPLETED:
            return erasure
        customer = erasure.customer
        for step in erasure.steps.order_by("position"):
            if step.is_finished:
                continue
            if is_on_legal_hold(customer):  # §5.5: checked before every step, not just the first
                return _mark(erasure, Erasure.Status.HELD, "A legal hold on the account (§5.5)")
            if erasure.started_at is None:
                erasure.started_at = clock()
            _mark(erasure, Erasure.Status.RUNNING, "")
            if not _run_step(erasure, step, customer, clock):
                return _mark(erasure, Erasure.Status.FAILED, f"{step.system}: {step.error}"[:500])
            customer.refresh_from_db()
        certificate.issue(erasure, finished_at=clock())
        # Issue 11: recorded in the erasure ledger, which a restore of this database cannot undo.
        from ledger.hooks import erasure_completed

        erasure_completed(erasure)
    log.info("erasure %s completed", erasure.uuid)
    return erasure


def _mark(erasure: Erasure, status: str, reason: str) -> Erasure:
    erasure.status = status
    erasure.failure_reason = reason
    erasure.save(update_fields=["status", "failure_reason", "started_at"])
    return erasure


def held_categories(customer: Customer) -> dict[str, str]:
    """Categories under a §5.5 hold for this customer (their own, or everyone's)."""
    from retention.models import LegalHold  # retention builds on accounts: imported late

    keys = LegalHold.objects.filter(lifted_at__isnull=True).exclude(category_key="").filter(
        Q(customer=customer) | Q(customer__isnull=True)).values_list("category_key", flat=True)
    return {key: "§5.5: kept under a legal hold until it is lifted" for key in keys}


def _run_step(erasure: Erasure, step: ErasureStep, customer: Customer, clock: Clock) -> bool:
    step.status = ErasureStep.Status.RUNNING
    step.attempts += 1
    step.started_at = step.started_at or clock()
    step.error = ""
    step.save(update_fields=["status", "attempts", "started_at", "error"])
    ctx = ErasureContext(record=erasure, step=step, held=held_categories(customer), clock=clock)
    try:
        result = _execute(step.system, customer, ctx)
    except Exception as exc:  # noqa: BLE001 — recorded on the step, retried on the next run
        step.status = ErasureStep.Status.FAILED
        step.error = scrub(f"{type(exc).__name__}: {exc}", customer)[:500]
        step.save(update_fields=["status", "error"])
        log.warning("erasure %s step %s failed: %s", erasure.uuid, step.system, type(exc).__name__)
        return False
    step.status = ErasureStep.Status.SKIPPED if result.skipped else ErasureStep.Status.DONE
    step.kept = [k.as_dict() for k in result.kept]
    step.note = result.note[:500]
    step.anonymised_reasons = result.anonymised_reasons
    step.progress = {}  # resume bookkeeping is no longer needed (and may name files)
    step.finished_at = clock()
    step.save(update_fields=["status", "kept", "note", "anonymised_reasons", "progress", "finished_at"])
    return True


def _execute(name: str, customer: Customer, ctx: ErasureContext) -> StepResult:
    if name == CONFIRMATION:
        from .lifecycle import send_erasure_confirmation

        return send_erasure_confirmation(customer, erasure=ctx)
    connector = connectors.system(name)
    reason = connector.unavailable()
    if reason:
        return StepResult(skipped=True, note=reason)
    result: StepResult = connector.erase(customer, erasure=ctx)
    return result


class ErasureLock(AdvisoryLock):
    """One worker per erasure, across machines; released if the worker dies (its connection does)."""

    NAMESPACE = 0x4D505A << 32  # "MPZ"

    def __init__(self, erasure_id: int) -> None:
        super().__init__(self.NAMESPACE + int(erasure_id))
