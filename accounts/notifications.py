"""Sending a notification to a data subject, in their language, exactly once, with a record.

Templates live in ``templates/emails/<kind>.<lang>.txt`` (English and Romanian, both
first-class): the first line is the subject, the rest the body. An optional
``<kind>.<lang>.html`` is attached as the HTML alternative.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Customer, Notification

log = logging.getLogger(__name__)
LANGUAGES = ("en", "ro")


def render_email(kind: str, language: str, context: Mapping[str, Any]) -> tuple[str, str, str | None]:
    lang = language if language in LANGUAGES else "en"
    text = render_to_string(f"emails/{kind}.{lang}.txt", dict(context)).lstrip()
    subject, _, body = text.partition("\n")
    try:
        html = render_to_string(f"emails/{kind}.{lang}.html", dict(context))
    except TemplateDoesNotExist:
        html = None
    return subject.strip(), body.strip() + "\n", html


def notify(
    *,
    kind: str,
    customer: Customer | None = None,
    to_email: str | None = None,
    language: str | None = None,
    context: Mapping[str, Any] | None = None,
    dedupe_key: str | None = None,
    headers: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> Notification | None:
    """Send one notification. Returns None if ``dedupe_key`` was already used (sent before)."""
    email = to_email or (customer.email if customer else "")
    if not email:
        raise ValueError("a notification needs a recipient")
    lang = language or (customer.language if customer else "en")
    ctx = {"customer": customer, **(context or {})}
    subject, body, html = render_email(kind, lang, ctx)
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                customer=customer, to_email=email, kind=kind, language=lang, subject=subject[:300],
                body=body, dedupe_key=dedupe_key, created_at=now or timezone.now(),
            )
    except IntegrityError:
        if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    deliver(note, html=html, headers=headers, now=now)
    return note


def deliver(note: Notification, *, html: str | None = None, headers: Mapping[str, str] | None = None,
            now: datetime | None = None, attempt_counted: bool = False) -> bool:
    """Send a claimed notification; safe to call again for one that failed or never went."""
    message = EmailMultiAlternatives(
        subject=note.subject, body=note.body, from_email=settings.DEFAULT_FROM_EMAIL,
        to=[note.to_email], headers=dict(headers or {}),
    )
    if html:
        message.attach_alternative(html, "text/html")
    if not attempt_counted:
        note.attempts += 1
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 — any transport failure is retried later
        note.status = Notification.Status.FAILED
        note.error = type(exc).__name__  # no addresses in the record of the failure
        log.warning("notification %s (%s) failed: %s", note.pk, note.kind, type(exc).__name__)
        note.save(update_fields=["status", "error", "attempts"])
        return False
    note.status = Notification.Status.SENT
    note.sent_at = now or timezone.now()
    note.error = ""
    note.save(update_fields=["status", "sent_at", "error", "attempts"])
    return True


def retry_unsent(*, older_than: datetime, max_attempts: int = 5) -> int:
    """Send notifications claimed but never sent (a crash, a mail outage)."""
    sent = 0
    pending = Notification.objects.filter(
        sent_at__isnull=True, created_at__lt=older_than, attempts__lt=max_attempts
    ).exclude(to_email="")
    for note in pending.iterator():
        # Claim the row first (compare-and-set on attempts): another worker retrying, or a
        # campaign resuming, the same notification at this moment finds it taken.
        claimed = Notification.objects.filter(
            pk=note.pk, attempts=note.attempts, sent_at__isnull=True
        ).update(attempts=note.attempts + 1)
        if not claimed:
            continue
        note.attempts += 1
        sent += deliver(note, attempt_counted=True)
    return sent
