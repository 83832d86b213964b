"""Legal holds (§5.5) and the record of every scheduled job run (proof of what ran when)."""

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
