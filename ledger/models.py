"""The erasure ledger (its own database) and the watchdog's findings (the main database).

The ledger remembers every completed erasure without remembering the person: keyed hashes
(HMAC-SHA256, ``accounts.identifiers``) of each identifier that was erased, when, why, and
which systems the erasure covered. It lives in the ``ledger`` database alias
(``ledger/router.py``) so that a restore of the main database cannot roll it back; after a
restore, ``manage.py replay_erasures`` finds the subjects whose hashes it holds and erases
them again (§5.3 "permanent deletion"). In PostgreSQL its rows are append-only: a trigger
refuses UPDATE, and DELETE outside the retention purge (migration 0001).

A ``Finding`` is one piece of work the watchdog saw stop moving (a request, an erasure, a
notice campaign, a job run); its unique ``key`` makes the officers' alert happen once.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class LedgerEntry(models.Model):
    """One completed erasure. No personal data: identifiers only as keyed hashes."""

    erasure_uuid = models.UUIDField(unique=True, help_text="The Erasure (and its certificate) this records")
    reason = models.CharField(max_length=20, help_text="Erasure.Reason code")
    requested_at = models.DateTimeField()
    erased_at = models.DateTimeField(db_index=True, help_text="When the erasure completed")
    systems = models.JSONField(default=list, blank=True,
                               help_text="Each system the erasure covered: status and removed count")
    certificate_sha256 = models.CharField(max_length=64, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-erased_at", "-id"]
        verbose_name = "erasure ledger entry"
        verbose_name_plural = "erasure ledger"

    def __str__(self) -> str:
        return f"Erasure {self.erasure_uuid} ({self.erased_at:%Y-%m-%d %H:%M})"


class LedgerIdentifier(models.Model):
    """A keyed hash of one identifier of an erased subject (external id, email, sub, Stripe id)."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=24)
    hash = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "kind"], name="ledger_identifier_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.hash[:12]}…"


class ReplayRun(models.Model):
    """One ``replay_erasures`` run: proof that a restore was followed by the replay."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    since = models.DateTimeField(null=True, blank=True, help_text="Only ledger entries erased from then on")
    dry_run = models.BooleanField(default=False)
    counts = models.JSONField(default=dict, blank=True)
    results = models.JSONField(default=list, blank=True,
                               help_text="Per matched subject: ledger entry, erasure, outcome (no personal data)")

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Replay {self.started_at:%Y-%m-%d %H:%M}{' (dry run)' if self.dry_run else ''}"


class Finding(models.Model):
    """Work that has not moved (the watchdog, ``ledger/watchdog.py``): shown in the admin's
    "needs attention" list with the reason, alerted to privacy officers once."""

    class Kind(models.TextChoices):
        REQUEST = "request", "Data subject request"
        ERASURE = "erasure", "Erasure"
        CAMPAIGN = "campaign", "Notice campaign"
        JOB = "job", "Scheduled job"
        LEDGER = "ledger", "Erasure ledger"

    class State(models.TextChoices):
        OPEN = "open", "Needs attention"
        RESOLVED = "resolved", "Resolved (moving again or finished)"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.CharField(max_length=200, unique=True,
                           help_text="What was found, on what; the same key never alerts twice")
    kind = models.CharField(max_length=10, choices=Kind.choices, db_index=True)
    rule = models.CharField(max_length=40, help_text="Which watchdog rule found it")
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    reason = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN, db_index=True)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    alerted_at = models.DateTimeField(null=True, blank=True,
                                      help_text="When privacy officers were told (once)")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    history = models.JSONField(default=list, blank=True, help_text="Who did what, when, why")

    class Meta:
        ordering = ["state", "first_seen_at", "id"]
        verbose_name = "finding"
        verbose_name_plural = "needs attention"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_id}: {self.rule}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN
