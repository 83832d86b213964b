"""Notice campaigns: the one mechanism for every mass notice (§4.2, §4.6, §6.4, §13.2).

How to use it (e.g. the breaches app, for high-risk breach notices to affected people)
---------------------------------------------------------------------------------------
::

    from subprocessors.campaigns import campaign_create, campaign_report
    from subprocessors.models import NoticeCampaign

    campaign = campaign_create(
        kind=NoticeCampaign.Kind.BREACH,          # subprocessor | policy_change |
                                                  # business_transfer | breach | other
        title="Breach 2026-03: high-risk notice",  # staff-facing, not emailed
        recipients=[(customer, None),              # a Customer; None = the customer's language
                    ("someone@example.com", "ro"), # or a plain address + "en"/"ro"
                    (customer2, None, {"records": "invoices"})],  # optional per-recipient context
        template="breach_high_risk",  # templates/emails/breach_high_risk.{en,ro}.txt must exist
        context={"nature": "...", "consequences": "...", "measures": "...", "contact": "..."},
        created_by=request.user,      # or None
        source=breach,                # optional: any saved model instance, for the link back
        now=now,
    )
    # -> NoticeCampaign. Delivery starts by itself after the transaction commits (Celery).

    campaign_report(campaign.pk)   # CampaignReport(total, sent, failed, pending, sending,
                                   #                skipped, retrying, next_due_at)
    campaigns_for(breach)          # the campaigns created with source=breach

Rules of the contract
- ``context`` (and per-recipient context) must be JSON-serialisable: it is stored on the
  campaign so a resumed delivery renders the same email. Templates also receive
  ``customer`` (None for plain addresses) and ``campaign_title``.
- One ``NoticeDelivery`` per recipient: a UNIQUE (campaign, recipient) key. The same
  customer or address listed twice gets one email.
- Each email is an ``accounts`` ``Notification`` with
  ``dedupe_key=f"campaign:{campaign.pk}:{delivery.pk}"`` (so it is sent at most once per
  delivery and shows in the customer's ``GET /api/v1/accounts/{id}/notifications/``),
  following ``accounts.notifications.notify``'s protocol — render (``render_email``), claim
  the Notification row by its dedupe key, send and mark it (``deliver``) — except that the
  rows of a whole batch are claimed with one INSERT: one database round trip per email
  instead of four (10,000 emails: see bench/subprocessors/README.md).
- Delivery (``campaign_deliver``) claims a batch of due rows with one conditional UPDATE
  (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so any number of workers can share a
  campaign), sends, and marks each row. A worker killed half-way leaves its rows
  ``sending``; after ``NOTICE_CAMPAIGN_CLAIM_TIMEOUT_SECONDS`` they are claimed again and
  the existing Notification is reused: already sent → just marked, never resent.
- Throttle: the Celery task ``subprocessors.tasks.deliver_campaign`` sends one batch of
  ``NOTICE_CAMPAIGN_BATCH_SIZE`` and re-queues itself after
  ``NOTICE_CAMPAIGN_BATCH_INTERVAL_SECONDS``. The privacy job ``deliver_notice_campaigns``
  (hourly, ``run_privacy_jobs``) resumes any campaign whose chain died.
- A failed send is retried with exponential back-off (``NOTICE_CAMPAIGN_RETRY_BACKOFF_SECONDS``,
  doubling) up to ``NOTICE_CAMPAIGN_MAX_ATTEMPTS``; then the row is ``failed``.
- A customer without an address (erased) is ``skipped``. Plain addresses are kept on the
  delivery row (``to_email``); an erasure must blank it (the key holds only a hash).
- Call ``campaign_deliver`` outside a transaction (a task or a job): each email is
  committed as it goes, so a crash loses nothing and repeats nothing.
- The window no email system closes: a worker killed *between* the SMTP server
  accepting a message and the ``Notification`` being marked sent. That one message may go
  twice; every other interruption resumes without a second copy.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from django.db import models, transaction
from django.db.models import CharField, Count, Exists, F, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.template.loader import get_template

from accounts.models import Customer, Notification
from accounts.notifications import LANGUAGES, deliver, render_email

from . import conf
from .models import NoticeCampaign, NoticeDelivery

log = logging.getLogger(__name__)

Recipient = tuple[Customer | str, str | None] | tuple[Customer | str, str | None, Mapping[str, Any]]
_INSERT_CHUNK = 2000


@dataclass(frozen=True)
class CampaignReport:
    campaign_id: int
    status: str
    total: int
    sent: int
    failed: int
    pending: int  # not sent yet, including those waiting for a retry
    sending: int  # claimed by a worker right now (or by one that died)
    skipped: int
    retrying: int  # pending after at least one failed attempt
    next_due_at: datetime | None  # when there is something to send again (None: nothing left)

    @property
    def done(self) -> bool:
        return self.pending == 0 and self.sending == 0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["next_due_at"] = self.next_due_at.isoformat() if self.next_due_at else None
        return data


# ---------------------------------------------------------------------------
# Creating a campaign
# ---------------------------------------------------------------------------


def _check_template(template: str) -> None:
    for lang in LANGUAGES:  # English and Romanian are both first-class (STYLE.md)
        get_template(f"emails/{template}.{lang}.txt")


def _delivery_for(campaign: NoticeCampaign, recipient: Recipient) -> NoticeDelivery:
    target, language = recipient[0], recipient[1]
    extra = dict(recipient[2]) if len(recipient) > 2 else None  # type: ignore[misc]
    if isinstance(target, Customer):
        lang = language or target.language
        return NoticeDelivery(campaign=campaign, customer=target, recipient_key=f"customer:{target.pk}",
                              language=lang if lang in LANGUAGES else "en", context=extra)
    email = str(target).strip()
    if "@" not in email:
        raise ValueError("a recipient is a Customer or an email address")
    digest = hashlib.sha256(email.lower().encode()).hexdigest()
    return NoticeDelivery(campaign=campaign, to_email=email, recipient_key=f"email:{digest}",
                          language=language if language in LANGUAGES else "en", context=extra)


@transaction.atomic
def campaign_create(
    *,
    kind: str,
    title: str,
    recipients: Iterable[Recipient],
    template: str,
    context: Mapping[str, Any] | None = None,
    created_by: Any = None,
    source: models.Model | None = None,
    now: datetime,
    start: bool = True,
) -> NoticeCampaign:
    """Create a campaign and one delivery row per distinct recipient; queue delivery on commit."""
    if kind not in NoticeCampaign.Kind.values:
        raise ValueError(f"unknown campaign kind {kind!r}")
    _check_template(template)
    campaign = NoticeCampaign.objects.create(
        kind=kind, title=title[:200], template=template, context=dict(context or {}),
        source_type=source._meta.label_lower if source is not None else "",
        source_id=str(source.pk) if source is not None else "",
        created_by=created_by if getattr(created_by, "pk", None) else None, created_at=now,
    )
    rows = (_delivery_for(campaign, r) for r in recipients)
    while chunk := list(islice(rows, _INSERT_CHUNK)):
        NoticeDelivery.objects.bulk_create(chunk, ignore_conflicts=True)  # duplicates: one row
    campaign.recipients_count = campaign.deliveries.count()
    if campaign.recipients_count == 0:
        campaign.status = NoticeCampaign.Status.COMPLETED
        campaign.completed_at = now
    campaign.save(update_fields=["recipients_count", "status", "completed_at"])
    log.info("notice campaign %s (%s) created for %s recipients", campaign.pk, kind, campaign.recipients_count)
    if start and campaign.status == NoticeCampaign.Status.SENDING:
        transaction.on_commit(lambda: queue_delivery(campaign.pk))
    return campaign


def queue_delivery(campaign_id: int, *, countdown: float = 0) -> None:
    """Hand the campaign to Celery. If the broker is down, the hourly job delivers instead."""
    from .tasks import deliver_campaign

    try:
        deliver_campaign.apply_async((campaign_id,), countdown=countdown)
    except Exception:  # noqa: BLE001 — the database is the source of truth; the job resumes it
        log.warning("could not queue delivery of campaign %s; the privacy job will resume it", campaign_id)


def campaign_cancel(*, campaign: NoticeCampaign, now: datetime) -> int:
    """Stop a campaign: rows not sent yet become skipped. Returns how many were stopped."""
    with transaction.atomic():
        stopped = campaign.deliveries.filter(status=NoticeDelivery.Status.PENDING).update(
            status=NoticeDelivery.Status.SKIPPED, error="campaign cancelled")
        NoticeCampaign.objects.filter(pk=campaign.pk).update(
            status=NoticeCampaign.Status.CANCELLED, completed_at=now)
    return stopped


# ---------------------------------------------------------------------------
# Delivering it
# ---------------------------------------------------------------------------


def _due(now: datetime) -> Q:
    stale = now - timedelta(seconds=conf.claim_timeout_seconds())
    return (
        Q(status=NoticeDelivery.Status.PENDING)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    ) | Q(status=NoticeDelivery.Status.SENDING, claimed_at__lt=stale)


def _claim(campaign: NoticeCampaign, *, batch_size: int, now: datetime) -> list[NoticeDelivery]:
    """Claim up to ``batch_size`` due rows: a conditional UPDATE, safe with many workers."""
    with transaction.atomic():
        ids = list(
            NoticeDelivery.objects.select_for_update(skip_locked=True)
            .filter(campaign=campaign).filter(_due(now))
            .order_by("id").values_list("id", flat=True)[:batch_size]
        )
        if not ids:
            return []
        NoticeDelivery.objects.filter(pk__in=ids).filter(_due(now)).update(
            status=NoticeDelivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    return list(NoticeDelivery.objects.filter(pk__in=ids, status=NoticeDelivery.Status.SENDING,
                                              claimed_at=now).select_related("customer"))


def _mark(delivery: NoticeDelivery, **fields: Any) -> None:
    # Only the claimant's own claim is finished: a row re-claimed meanwhile is left alone.
    NoticeDelivery.objects.filter(pk=delivery.pk, status=NoticeDelivery.Status.SENDING,
                                  claimed_at=delivery.claimed_at).update(**fields)


def _failed(delivery: NoticeDelivery, *, error: str, now: datetime) -> None:
    if delivery.attempts >= conf.max_attempts():
        _mark(delivery, status=NoticeDelivery.Status.FAILED, error=error[:100])
        return
    backoff = conf.retry_backoff_seconds() * 2 ** (delivery.attempts - 1)
    _mark(delivery, status=NoticeDelivery.Status.PENDING, error=error[:100],
          next_attempt_at=now + timedelta(seconds=backoff))


def _context(campaign: NoticeCampaign, delivery: NoticeDelivery) -> dict[str, Any]:
    return {"campaign_title": campaign.title, **campaign.context, **(delivery.context or {})}


def _address(delivery: NoticeDelivery) -> str:
    return delivery.customer.email if delivery.customer is not None else delivery.to_email


def _claim_notifications(campaign: NoticeCampaign, batch: list[NoticeDelivery], *,
                         now: datetime) -> tuple[dict[str, Notification], dict[str, str | None]]:
    """notify()'s first step for a whole batch: render each email and claim its Notification
    row under the delivery's dedupe key — one INSERT; rows claimed by an earlier, interrupted
    attempt are kept as they are (ON CONFLICT DO NOTHING) and reused."""
    rows, html_by_key = [], {}
    for delivery in batch:
        context = {"customer": delivery.customer, **_context(campaign, delivery)}
        try:
            subject, body, html = render_email(campaign.template, delivery.language, context)
        except Exception as exc:  # noqa: BLE001 — one bad context never stops the campaign
            log.warning("campaign %s delivery %s not rendered: %s", campaign.pk, delivery.pk, type(exc).__name__)
            _failed(delivery, error=type(exc).__name__, now=now)
            continue
        html_by_key[delivery.dedupe_key] = html
        rows.append(Notification(customer=delivery.customer, to_email=_address(delivery), kind=campaign.template,
                                 language=delivery.language, subject=subject[:300], body=body,
                                 dedupe_key=delivery.dedupe_key, created_at=now))
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    notes = Notification.objects.filter(dedupe_key__in=list(html_by_key))
    return {n.dedupe_key: n for n in notes if n.dedupe_key}, html_by_key


def _send_batch(campaign: NoticeCampaign, batch: list[NoticeDelivery], *, now: datetime) -> None:
    """Claim → send → mark, as accounts.notifications.notify() does, each email marked sent
    as soon as it is sent (so a crash repeats nothing already sent)."""
    reachable = []
    for delivery in batch:
        if _address(delivery):
            reachable.append(delivery)
        else:
            _mark(delivery, status=NoticeDelivery.Status.SKIPPED, error="no address")
    notes, html_by_key = _claim_notifications(campaign, reachable, now=now)
    sent: list[NoticeDelivery] = []
    for delivery in reachable:
        note = notes.get(delivery.dedupe_key)
        if note is None:
            continue  # not rendered: already scheduled for a retry
        if note.status != Notification.Status.SENT:
            deliver(note, html=html_by_key[delivery.dedupe_key], now=now)  # catches and records failures
        if note.status == Notification.Status.SENT:
            sent.append(delivery)
        else:
            _mark(delivery, notification=note)
            _failed(delivery, error=note.error or "send failed", now=now)
    if sent:
        _mark_sent(campaign, NoticeDelivery.objects.filter(pk__in=[d.pk for d in sent]))


def _notification_of(campaign: NoticeCampaign) -> models.QuerySet[Notification]:
    """The Notification of the delivery row in the outer query, found by its dedupe key."""
    return Notification.objects.filter(
        dedupe_key=Concat(Value(f"campaign:{campaign.pk}:"), Cast(OuterRef("pk"), CharField())))


def _mark_sent(campaign: NoticeCampaign, rows: models.QuerySet[NoticeDelivery]) -> int:
    """One UPDATE per batch, linking each row to its Notification by the dedupe key.
    Unconditional on purpose: the Notification proves the send, so "sent" is true whoever
    holds the claim now; a crash before this line is healed on resume (reuse, no resend)."""
    note = _notification_of(campaign)
    return rows.update(status=NoticeDelivery.Status.SENT, error="",
                       notification=Subquery(note.values("pk")[:1]),
                       sent_at=Subquery(note.values("sent_at")[:1]))


def _give_up_stuck(campaign: NoticeCampaign, *, now: datetime) -> None:
    """Rows that killed their worker ``max_attempts`` times are not tried again — unless
    their email did go out before the worker died, which makes them sent."""
    stale = now - timedelta(seconds=conf.claim_timeout_seconds())
    stuck = campaign.deliveries.filter(status=NoticeDelivery.Status.SENDING, claimed_at__lt=stale,
                                       attempts__gte=conf.max_attempts())
    _mark_sent(campaign, stuck.filter(
        Exists(_notification_of(campaign).filter(status=Notification.Status.SENT))))
    stuck.update(status=NoticeDelivery.Status.FAILED, error="interrupted too often")


def campaign_deliver(campaign_id: int, *, batch_size: int, now: datetime,
                     max_batches: int = 1) -> CampaignReport:
    """Send up to ``max_batches`` batches of due deliveries; idempotent; returns the report."""
    campaign = NoticeCampaign.objects.get(pk=campaign_id)
    if campaign.status == NoticeCampaign.Status.SENDING:
        _give_up_stuck(campaign, now=now)
        for _ in range(max_batches):
            batch = _claim(campaign, batch_size=batch_size, now=now)
            if not batch:
                break
            _send_batch(campaign, batch, now=now)
    report = campaign_report(campaign_id, now=now)
    if report.done and campaign.status == NoticeCampaign.Status.SENDING:
        NoticeCampaign.objects.filter(pk=campaign_id, status=NoticeCampaign.Status.SENDING).update(
            status=NoticeCampaign.Status.COMPLETED, completed_at=now)
        log.info("notice campaign %s completed: %s sent, %s failed, %s skipped",
                 campaign_id, report.sent, report.failed, report.skipped)
        report = campaign_report(campaign_id, now=now)
    return report


# ---------------------------------------------------------------------------
# Reading it
# ---------------------------------------------------------------------------


def campaign_report(campaign_id: int, *, now: datetime | None = None) -> CampaignReport:
    campaign = NoticeCampaign.objects.get(pk=campaign_id)
    rows = campaign.deliveries.values("status").annotate(n=Count("id"))
    counts = {r["status"]: r["n"] for r in rows}
    waiting = campaign.deliveries.filter(status=NoticeDelivery.Status.PENDING)
    retrying = waiting.filter(attempts__gt=0).count()
    next_due_at: datetime | None = None
    if campaign.status == NoticeCampaign.Status.SENDING:
        dues = []
        if waiting.filter(next_attempt_at__isnull=True).exists():
            dues.append(now or campaign.created_at)
        dues.append(waiting.aggregate(m=Min("next_attempt_at"))["m"])
        claimed = campaign.deliveries.filter(status=NoticeDelivery.Status.SENDING).aggregate(
            m=Min("claimed_at"))["m"]
        if claimed is not None:
            dues.append(claimed + timedelta(seconds=conf.claim_timeout_seconds()))
        next_due_at = min((d for d in dues if d is not None), default=None)
    S = NoticeDelivery.Status
    return CampaignReport(
        campaign_id=campaign.pk, status=campaign.status,
        total=sum(counts.values()), sent=counts.get(S.SENT, 0), failed=counts.get(S.FAILED, 0),
        pending=counts.get(S.PENDING, 0), sending=counts.get(S.SENDING, 0),
        skipped=counts.get(S.SKIPPED, 0), retrying=retrying, next_due_at=next_due_at,
    )


def campaigns_for(source: models.Model) -> models.QuerySet[NoticeCampaign]:
    return NoticeCampaign.objects.filter(source_type=source._meta.label_lower, source_id=str(source.pk))


def unfinished_campaign_ids() -> list[int]:
    return list(NoticeCampaign.objects.filter(status=NoticeCampaign.Status.SENDING)
                .order_by("created_at", "id").values_list("id", flat=True))
