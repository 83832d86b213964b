"""Legal holds (§5.5), the record of every scheduled job and purge run (proof of what ran
when), and — imported at the bottom — the records this app keeps for the registry."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Customer


class LegalHold(models.Model):
    """§5.5: a hold on a subject or a category stops every purge and erasure it covers."""

    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="legal_holds"
    )
    category_key = models.CharField(
        max_length=64, blank=True, help_text="A registry category key; blank = every category"
    )
    reason = models.TextField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=False) | ~Q(category_key=""),
                name="legal_hold_has_scope",
                violation_error_message="A legal hold covers a customer, a category, or both.",
            )
        ]

    def __str__(self) -> str:
        scope = self.category_key or "all categories"
        who = f"customer {self.customer.external_id}" if self.customer_id else "everyone"
        return f"Legal hold on {scope} for {who}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class JobRun(models.Model):
    """One run of one scheduled job: as-of, counts, duration, outcome."""

    class Outcome(models.TextChoices):
        RUNNING = "running", "Running"
        OK = "ok", "OK"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (another run holds the lock)"

    job = models.CharField(max_length=64, db_index=True)
    as_of = models.DateTimeField()
    trigger = models.CharField(max_length=20, default="command")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["job", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.job} as of {self.as_of:%Y-%m-%d %H:%M} — {self.outcome}"


class PurgeRun(models.Model):
    """Proof of one purge of one registry category (DESIGN.md "Proof"): as of when, how many
    rows had passed their period, and what became of them. ``counted = deleted + anonymised
    + held`` when the run completes."""

    class Outcome(models.TextChoices):
        RUNNING = "running", "Running"
        OK = "ok", "OK"
        FAILED = "failed", "Failed (re-run: purges are idempotent)"
        INTERRUPTED = "interrupted", "Interrupted (the process died; a later run finished the work)"

    category_key = models.CharField(max_length=64, db_index=True)
    as_of = models.DateTimeField()
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.RUNNING)
    counted = models.BigIntegerField(default=0, help_text="Rows found past their period (all of them once the run completes)")
    deleted = models.BigIntegerField(default=0)
    anonymised = models.BigIntegerField(default=0)
    held = models.BigIntegerField(default=0, help_text="Kept because a legal hold covers them (§5.5)")
    notes = models.TextField(blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["category_key", "-started_at"], name="retention_purge_cat_idx")]

    def __str__(self) -> str:
        return f"Purge of {self.category_key} as of {self.as_of:%Y-%m-%d %H:%M} — {self.outcome}"


# The records this app keeps for the registry's categories (policy §2.2–§2.5), in their own
# modules to keep each file short; imported here so `retention.<Model>` labels resolve.
from .models_billing import BillingRecord, Invoice  # noqa: E402
from .models_events import (  # noqa: E402
    ErrorReport,
    LoginEvent,
    ServerLogLine,
    UsageAggregate,
    UsageEvent,
)
from .models_support import (  # noqa: E402
    CallRecording,
    ChatTranscript,
    EmailMessage,
    EventAttendance,
    SupportTicket,
    SurveyResponse,
)

__all__ = [
    "BillingRecord", "CallRecording", "ChatTranscript", "EmailMessage", "ErrorReport",
    "EventAttendance", "Invoice", "JobRun", "LegalHold", "LoginEvent", "PurgeRun",
    "ServerLogLine", "SupportTicket", "SurveyResponse", "UsageAggregate", "UsageEvent",
]
