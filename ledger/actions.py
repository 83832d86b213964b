"""The safe actions on a finding: retry, reassign, mark failed (with a reason).

Each goes through the owning app's own service or engine — never a raw status edit:

| finding     | retry                                         | mark failed (reason required)                    |
|-------------|-----------------------------------------------|--------------------------------------------------|
| request     | a failed request back to in progress          | ``request_move`` to FAILED, reason on its timeline |
| erasure     | ``run_erasure``: resumes at the failed step   | FAILED with the reason (a stuck run declared dead) |
| campaign    | ``campaign_deliver`` (one job's worth)        | the pending deliveries given up, with the reason  |
| job         | the job run again (``run_jobs --only``)       | an unfinished run recorded as failed              |
| ledger      | the erasure written to the ledger             | —                                                 |

Reassign sets the finding's owner, and for a request also its assignee (``request_assign``).
After an action the finding's object is looked at again at once (``watchdog.refresh``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from accounts.erasure import ErasureLock, run_erasure
from accounts.models import Erasure
from dsar.models import DataSubjectRequest, Status
from dsar.services import WorkflowError, request_assign, request_move
from retention.models import JobRun
from subprocessors import conf as campaign_conf
from subprocessors.campaigns import campaign_deliver
from subprocessors.models import NoticeCampaign, NoticeDelivery

from .models import Finding
from .watchdog import refresh

RETRY, REASSIGN, MARK_FAILED = "retry", "reassign", "mark_failed"
LABELS = {RETRY: "Retry", REASSIGN: "Reassign", MARK_FAILED: "Mark failed"}


class ActionRefused(Exception):
    """Not possible in the object's current state (admin: an error message, 409)."""


def offered(finding: Finding) -> list[str]:
    if not finding.is_open:
        return []
    target = subject_of(finding)
    actions = []
    if _can_retry(finding, target):
        actions.append(RETRY)
    actions.append(REASSIGN)
    if _can_mark_failed(finding, target):
        actions.append(MARK_FAILED)
    return actions


def subject_of(finding: Finding) -> Any:
    model = {"dsar.datasubjectrequest": DataSubjectRequest, "accounts.erasure": Erasure,
             "subprocessors.noticecampaign": NoticeCampaign, "retention.jobrun": JobRun}.get(finding.object_type)
    if model is None or not finding.object_id.isdigit():
        return None
    return model.objects.filter(pk=int(finding.object_id)).first()


def _can_retry(finding: Finding, target: Any) -> bool:
    if finding.kind == Finding.Kind.LEDGER:
        return finding.rule == "missing"
    if isinstance(target, DataSubjectRequest):
        return bool(target.status == Status.FAILED)
    if isinstance(target, Erasure):
        return target.status != Erasure.Status.COMPLETED
    return target is not None


def _can_mark_failed(finding: Finding, target: Any) -> bool:
    if finding.kind == Finding.Kind.LEDGER:
        return False
    if isinstance(target, DataSubjectRequest):
        return target.can_move_to(Status.FAILED)
    if isinstance(target, Erasure):
        return target.status in (Erasure.Status.RUNNING, Erasure.Status.PENDING)
    if isinstance(target, JobRun):
        return target.outcome == JobRun.Outcome.RUNNING
    return isinstance(target, NoticeCampaign)


def _note(finding: Finding, *, actor: User, now: datetime, action: str, note: str) -> None:
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        locked.history = [*locked.history, {"at": now.isoformat(), "by": actor.get_username(),
                                            "action": action, "note": note[:500]}]
        locked.save(update_fields=["history"])


def finding_retry(*, finding: Finding, actor: User, now: datetime) -> str:
    target = subject_of(finding)
    if not finding.is_open or not _can_retry(finding, target):
        raise ActionRefused("Nothing to retry here any more.")
    if finding.kind == Finding.Kind.LEDGER:  # a completed erasure missing from the ledger
        message = _record_in_ledger(finding)
    elif isinstance(target, DataSubjectRequest):
        try:
            request_move(dsr=target, to=Status.IN_PROGRESS, actor=actor, now=now,
                         reason=f"retried after failure (watchdog finding {str(finding.public_id)[:8]})")
        except WorkflowError as exc:
            raise ActionRefused(str(exc)) from exc
        message = "The request is in progress again."
    elif isinstance(target, Erasure):
        erasure = run_erasure(target)  # resumes at the first unfinished step; done steps are skipped
        message = f"Erasure {erasure.get_status_display().lower()}" + (
            f": {erasure.failure_reason}" if erasure.failure_reason else ".")
    elif isinstance(target, NoticeCampaign):
        report = campaign_deliver(target.pk, batch_size=campaign_conf.batch_size(), now=now,
                                  max_batches=campaign_conf.job_max_batches())
        message = f"Campaign: {report.sent} sent, {report.pending + report.sending} pending, {report.failed} failed."
    elif isinstance(target, JobRun):
        from retention.runner import run_jobs  # the runner imports every app's jobs: late

        outcome = run_jobs(only=[target.job], trigger="watchdog").jobs[target.job]["outcome"]
        message = f"Job {target.job} ran again: {outcome}."
    else:
        raise ActionRefused("Nothing to retry here.")
    _note(finding, actor=actor, now=now, action=RETRY, note=message)
    refresh(finding, now=now, actor=actor.get_username())
    return message


def _record_in_ledger(finding: Finding) -> str:
    from .services import ledger_record

    erasure = subject_of(finding)
    if not isinstance(erasure, Erasure):
        raise ActionRefused("Retry after the ledger database is reachable again: the catch-up job records "
                            "every completed erasure (ledger_record_erasures).")
    ledger_record(erasure=erasure)
    return "Written to the erasure ledger."


def finding_reassign(*, finding: Finding, assignee: User, actor: User, now: datetime) -> str:
    target = subject_of(finding)
    if isinstance(target, DataSubjectRequest) and target.is_open:
        request_assign(dsr=target, assignee=assignee, actor=actor, now=now)
    Finding.objects.filter(pk=finding.pk).update(assignee=assignee)
    _note(finding, actor=actor, now=now, action=REASSIGN, note=f"assigned to {assignee.get_username()}")
    return f"Assigned to {assignee.get_username()}."


def finding_mark_failed(*, finding: Finding, reason: str, actor: User, now: datetime) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused("Marking failed needs a reason.")
    target = subject_of(finding)
    if not finding.is_open or not _can_mark_failed(finding, target):
        raise ActionRefused("This cannot be marked failed in its current state.")
    who = actor.get_username()
    if isinstance(target, DataSubjectRequest):
        try:
            request_move(dsr=target, to=Status.FAILED, actor=actor, now=now, reason=reason)
        except WorkflowError as exc:
            raise ActionRefused(str(exc)) from exc
        message = "The request is marked failed; the reason is on its timeline. Its deadline still runs."
    elif isinstance(target, Erasure):
        with ErasureLock(target.pk) as free:
            if not free:
                raise ActionRefused("A worker is running this erasure right now: it is not stuck.")
            Erasure.objects.filter(pk=target.pk).exclude(status=Erasure.Status.COMPLETED).update(
                status=Erasure.Status.FAILED, failure_reason=f"marked failed by {who}: {reason}"[:500])
        message = "The erasure is marked failed; the hourly erasure job (or Retry) resumes it."
    elif isinstance(target, JobRun):
        JobRun.objects.filter(pk=target.pk, outcome=JobRun.Outcome.RUNNING).update(
            outcome=JobRun.Outcome.FAILED, finished_at=now, error=f"marked failed by {who}: {reason}")
        message = "The job run is recorded as failed."
    else:
        assert isinstance(target, NoticeCampaign)  # noqa: S101 — _can_mark_failed said so
        waiting = [NoticeDelivery.Status.PENDING, NoticeDelivery.Status.SENDING]
        given_up = target.deliveries.filter(status__in=waiting).update(
            status=NoticeDelivery.Status.FAILED, error=f"given up: {reason}"[:100])
        campaign_deliver(target.pk, batch_size=campaign_conf.batch_size(), now=now)  # completes it
        message = f"{given_up} pending delivery(ies) marked failed."
    _note(finding, actor=actor, now=now, action=MARK_FAILED, note=f"{reason} — {message}")
    refresh(finding, now=now, actor=who)
    return message
