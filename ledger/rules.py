"""The watchdog's rules: what "has not moved" means for each kind of work, and its thresholds.

These thresholds are operational, not policy periods (the policy's deadlines live in
``micropim_privacy.policy``): they say when a human should look, long before a deadline
of §7 or §5.3 is at risk. Each detector returns ``Detected`` items; the key of each says
what was found on what, so the same problem alerts once however often the job runs, and
a new problem on the same object (a request stuck again in a later state, an erasure
failing at another step, a new failure streak of a job) gets a new key.

Request times come from the request's own timeline (the MOVED event into its current
status, else ``received_at``) and are compared with ``as_of``; so are erasures (stamped by
the engine's clock) and campaigns. Job runs are stamped with the wall clock by the runner
(``retention.models.JobRun``), so their rule compares with ``wall``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from accounts.erasure import ErasureLock
from accounts.models import Erasure
from dsar.models import OPEN, DataSubjectRequest, RequestEvent, Status
from retention.models import JobRun
from subprocessors.models import NoticeCampaign, NoticeDelivery

from .models import Finding

# --- thresholds (operational; named here so a change is one line) ---------------------------

# A request sitting in one status longer than this has stalled.
REQUEST_STALLED_AFTER: dict[str, timedelta] = {
    Status.RECEIVED: timedelta(days=1),  # nobody triaged it
    Status.AWAITING_VERIFICATION: timedelta(days=7),  # the subject never confirmed: chase or refuse
    Status.VERIFIED: timedelta(days=2),  # verified, but nobody started
    Status.IN_PROGRESS: timedelta(days=1),  # "in processing" for more than a day
    Status.AWAITING_FEE: timedelta(days=14),  # the fee was never paid: refuse or withdraw
}
# Not started and due this soon (or overdue): flagged whatever the status's own threshold.
REQUEST_DUE_WITHIN = timedelta(days=3)
REQUEST_NOT_STARTED = frozenset({Status.RECEIVED, Status.AWAITING_VERIFICATION, Status.VERIFIED})
# An erasure pending or running without a live worker for this long has stalled.
ERASURE_STALLED_AFTER = timedelta(hours=1)
# A notice campaign with deliveries still pending this long after it started.
CAMPAIGN_PENDING_AFTER = timedelta(hours=1)
# A job run still "running" this long after it started belongs to a dead process.
JOB_UNFINISHED_AFTER = timedelta(hours=2)
# A completed erasure missing from the ledger this long after it finished (the catch-up
# job runs hourly, so this means the ledger database has been unreachable).
LEDGER_MISSING_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class Detected:
    key: str
    kind: str
    rule: str
    object_type: str
    object_id: str
    reason: str


def _ago(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours // 24} day(s)" if hours >= 48 else f"{hours} hour(s)"


def _utc(when: datetime) -> str:
    return f"{when:%Y-%m-%d %H:%M} UTC"


# --- data subject requests --------------------------------------------------------------------


def open_requests(pks: Iterable[int] | None = None) -> QuerySet[DataSubjectRequest]:
    entered = (RequestEvent.objects.filter(request=OuterRef("pk"), kind=RequestEvent.Kind.MOVED,
                                           to_status=OuterRef("status")).order_by("-at", "-id"))
    qs = DataSubjectRequest.objects.filter(status__in=list(OPEN)).annotate(
        entered_at=Subquery(entered.values("at")[:1]), entered_event=Subquery(entered.values("pk")[:1]),
        entered_reason=Subquery(entered.values("reason")[:1]))
    return qs.filter(pk__in=list(pks)) if pks is not None else qs.order_by("due_at", "pk")


def requests(as_of: datetime, pks: Iterable[int] | None = None) -> Iterator[Detected]:
    for dsr in open_requests(pks).iterator(chunk_size=500):
        found = request_rule(dsr, as_of)
        if found is not None:
            yield found


def request_rule(dsr: DataSubjectRequest, as_of: datetime) -> Detected | None:
    """At most one finding per request at a time: failed, then due-and-not-started, then stalled."""
    status = Status(dsr.status)
    since: datetime = getattr(dsr, "entered_at", None) or dsr.received_at
    event = getattr(dsr, "entered_event", None) or "received"
    ref = str(dsr.public_id)
    label = status.label.lower()

    def found(rule: str, key: str, reason: str) -> Detected:
        return Detected(key, Finding.Kind.REQUEST, rule, "dsar.datasubjectrequest", str(dsr.pk),
                        f"{dsr.get_type_display()} request {ref[:8]}: {reason}")

    if status == Status.FAILED:
        why = getattr(dsr, "entered_reason", "") or "no reason recorded"
        return found("failed", f"request:{ref}:failed:{event}",
                     f"failed since {_utc(since)}: {why}; due {_utc(dsr.due_at)}")
    if status in REQUEST_NOT_STARTED and dsr.due_at <= as_of + REQUEST_DUE_WITHIN:
        when = (f"overdue since {_utc(dsr.due_at)}" if dsr.due_at < as_of
                else f"due {_utc(dsr.due_at)} (in {_ago(dsr.due_at - as_of)})")
        return found("due_not_started", f"request:{ref}:due_not_started",
                     f"{when} and not started: {label}")
    limit = REQUEST_STALLED_AFTER.get(status)
    if limit is not None and as_of - since > limit:
        return found(f"stalled_{status.value}", f"request:{ref}:stalled:{status.value}:{event}",
                     f"{label} for {_ago(as_of - since)} (since {_utc(since)}; flagged after "
                     f"{_ago(limit)}); due {_utc(dsr.due_at)}")
    return None


# --- erasures -------------------------------------------------------------------------------


def erasures(as_of: datetime, pks: Iterable[int] | None = None) -> Iterator[Detected]:
    qs = Erasure.objects.filter(status__in=[Erasure.Status.FAILED, Erasure.Status.RUNNING,
                                            Erasure.Status.PENDING])
    if pks is not None:
        qs = qs.filter(pk__in=list(pks))
    for erasure in qs.order_by("pk"):
        found = erasure_rule(erasure, as_of)
        if found is not None:
            yield found


def erasure_rule(erasure: Erasure, as_of: datetime) -> Detected | None:
    steps = list(erasure.steps.order_by("position"))
    step = next((s for s in steps if not s.is_finished), None)
    done = sum(1 for s in steps if s.is_finished)
    where = (f"step {step.system} ({step.status}, {step.attempts} attempt(s))"
             if step else "no unfinished step")
    progress = f"{done} of {len(steps)} steps done"
    if erasure.status == Erasure.Status.FAILED:
        error = (step.error if step and step.error else "") or erasure.failure_reason or "no error recorded"
        return Detected(f"erasure:{erasure.uuid}:failed:{step.system if step else '-'}", Finding.Kind.ERASURE,
                        "failed", "accounts.erasure", str(erasure.pk),
                        f"Erasure {str(erasure.uuid)[:8]} failed at {where}: {error}; {progress}; "
                        "retrying resumes at this step")
    moments = [erasure.requested_at, erasure.started_at] + [s.started_at for s in steps] + \
        [s.finished_at for s in steps]
    last_move = max(m for m in moments if m is not None)
    if as_of - last_move <= ERASURE_STALLED_AFTER or _worker_holds(erasure):
        return None
    return Detected(f"erasure:{erasure.uuid}:unfinished", Finding.Kind.ERASURE, "unfinished",
                    "accounts.erasure", str(erasure.pk),
                    f"Erasure {str(erasure.uuid)[:8]} {erasure.get_status_display().lower()} with no worker "
                    f"for {_ago(as_of - last_move)} (last progress {_utc(last_move)}); next: {where}; {progress}")


def _worker_holds(erasure: Erasure) -> bool:
    """A live worker holds the engine's lock on it (on SQLite there is no lock to probe)."""
    with ErasureLock(erasure.pk) as free:
        return not free


# --- notice campaigns -------------------------------------------------------------------------


def campaigns(as_of: datetime, pks: Iterable[int] | None = None) -> Iterator[Detected]:
    waiting = Q(deliveries__status__in=[NoticeDelivery.Status.PENDING, NoticeDelivery.Status.SENDING])
    qs = (NoticeCampaign.objects.filter(status=NoticeCampaign.Status.SENDING,
                                        created_at__lt=as_of - CAMPAIGN_PENDING_AFTER)
          .annotate(waiting=Count("deliveries", filter=waiting),
                    failed=Count("deliveries", filter=Q(deliveries__status=NoticeDelivery.Status.FAILED)))
          .filter(waiting__gt=0))
    if pks is not None:
        qs = qs.filter(pk__in=list(pks))
    for campaign in qs.order_by("pk"):
        yield Detected(f"campaign:{campaign.pk}", Finding.Kind.CAMPAIGN, "pending_deliveries",
                       "subprocessors.noticecampaign", str(campaign.pk),
                       f"Campaign {campaign.pk} \"{campaign.title}\": {campaign.waiting} delivery(ies) still "
                       f"pending {_ago(as_of - campaign.created_at)} after it started "
                       f"({_utc(campaign.created_at)}); {campaign.failed} failed")


# --- job runs ---------------------------------------------------------------------------------


def jobs(wall: datetime, names: Iterable[str] | None = None) -> Iterator[Detected]:
    runs = JobRun.objects.exclude(outcome=JobRun.Outcome.SKIPPED)
    if names is not None:
        runs = runs.filter(job__in=list(names))
    for name in sorted(set(runs.values_list("job", flat=True))):
        latest = runs.filter(job=name).order_by("-id").first()
        if latest is None or latest.outcome != JobRun.Outcome.FAILED:
            continue
        last_ok = runs.filter(job=name, outcome=JobRun.Outcome.OK).order_by("-id").values_list("id", flat=True).first()
        streak = runs.filter(job=name, outcome=JobRun.Outcome.FAILED, id__gt=last_ok or 0).order_by("id")
        first = streak.first()
        assert first is not None  # noqa: S101 — the latest run is in the streak
        error = (latest.error or "no error recorded").splitlines()[0][:300]
        yield Detected(f"job:{name}:failed:{first.pk}", Finding.Kind.JOB, "failed", "retention.jobrun",
                       str(latest.pk), f"Job {name} failed {streak.count()} time(s) in a row since "
                       f"{_utc(first.started_at)}; last error: {error}")
    stale = runs.filter(outcome=JobRun.Outcome.RUNNING, started_at__lt=wall - JOB_UNFINISHED_AFTER)
    for run in stale.order_by("id"):
        yield Detected(f"job-run:{run.pk}:unfinished", Finding.Kind.JOB, "unfinished", "retention.jobrun",
                       str(run.pk), f"Job {run.job} (as of {_utc(run.as_of)}) started {_utc(run.started_at)} "
                       f"and never finished: its process died ({_ago(wall - run.started_at)} ago)")


# --- the ledger ------------------------------------------------------------------------------


def ledger(as_of: datetime) -> Iterator[Detected]:
    from .services import missing_from_ledger

    try:
        missing = missing_from_ledger(finished_before=as_of - LEDGER_MISSING_AFTER)
    except Exception as exc:  # noqa: BLE001 — the ledger database itself is down: that is the finding
        # Keyed by day: a persistent outage alerts once a day, not every hour.
        yield Detected(f"ledger:unreachable:{as_of:%Y-%m-%d}", Finding.Kind.LEDGER, "unreachable", "ledger.ledgerentry", "-",
                       f"The erasure ledger's database cannot be read ({type(exc).__name__}): completed "
                       "erasures are not being recorded where a restore cannot undo them")
        return
    for erasure in missing:
        yield Detected(f"ledger:{erasure.uuid}:missing", Finding.Kind.LEDGER, "missing", "accounts.erasure",
                       str(erasure.pk), f"Completed erasure {str(erasure.uuid)[:8]} is not in the erasure "
                       "ledger: after a restore it would not be replayed")
