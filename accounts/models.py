"""Customer accounts (§2.1), calling systems, the access log (§6.1) and erasures (§5.3, §7.3)."""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Customer(models.Model):
    """A MicroPIM customer as the main app knows them (§2.1 fields, keyed by ``external_id``)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PENDING_DELETION = "pending_deletion", "Pending deletion (grace period)"
        DELETED = "deleted", "Deleted"

    class Language(models.TextChoices):
        EN = "en", "English"
        RO = "ro", "Română"

    class DeletionKind(models.TextChoices):
        GRACE = "grace", "Deletion with the 31-day grace period (§5.3)"
        IMMEDIATE = "immediate", "Immediate deletion requested by email (§5.3)"
        CHILD = "child", "Child under 16: terminated, erased without grace (§9.2)"
        REQUEST = "request", "Right to erasure request (§7.3)"

    external_id = models.CharField(max_length=64, unique=True)
    email = models.EmailField(max_length=254)
    full_name = models.CharField(max_length=200, blank=True)
    company_name = models.CharField(max_length=200, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    profile_photo_key = models.CharField(max_length=500, blank=True, help_text="S3 key of the photo")
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.EN)
    cognito_sub = models.CharField(max_length=64, blank=True)
    stripe_customer_id = models.CharField(max_length=64, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="customer", help_text="Portal login, if the customer has one",
    )

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    # The deletion lifecycle (§5.3, §7.3, §9.2; accounts/lifecycle.py). ``deletion_requested_at``
    # starts the countdown (reminder dedupe keys include it); ``deletion_due_at`` is stored
    # when the fact happens: the end of the 31-day grace period, or for an immediate or
    # child deletion the latest date it may be carried out.
    deletion_kind = models.CharField(max_length=12, choices=DeletionKind.choices, blank=True)
    deletion_requested_at = models.DateTimeField(null=True, blank=True)
    deletion_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    deletion_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Staff member who recorded an immediate or child deletion",
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    processing_restricted = models.BooleanField(default=False)
    marketing_objection = models.BooleanField(default=False)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        # Never the name or email: this string ends up in admin messages and logs.
        return f"Customer {self.external_id}"

    @property
    def access_disabled(self) -> bool:
        """§5.3: "Account access is disabled" from the moment deletion starts."""
        return self.status != self.Status.ACTIVE

    @property
    def in_grace_period(self) -> bool:
        """§5.3: only a self-service deletion waits 31 days; the others are carried out at once."""
        return self.status == self.Status.PENDING_DELETION and self.deletion_kind == self.DeletionKind.GRACE


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiClient(models.Model):
    """A calling system (app.micropim.net, micropim.net, docs...). Only the token's hash is kept."""

    name = models.CharField(max_length=100, unique=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name

    @property
    def is_authenticated(self) -> bool:  # DRF treats the client as the request's user
        return True

    @classmethod
    def issue(cls, name: str) -> tuple[ApiClient, str]:
        token = secrets.token_urlsafe(32)
        client = cls.objects.create(name=name, token_hash=_hash_token(token), token_prefix=token[:8])
        return client, token

    @classmethod
    def authenticate(cls, token: str) -> ApiClient | None:
        return cls.objects.filter(token_hash=_hash_token(token), revoked_at__isnull=True).first()


class AccessLogEntry(models.Model):
    """§6.1 "All data access is logged and monitored": append-only and hash-chained.

    In PostgreSQL a trigger refuses UPDATE and DELETE (migration 0002); each entry's
    ``entry_hash`` covers its content and the previous entry's hash, so a changed or
    removed row breaks the chain (``manage.py verify_audit_log``).
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        LIST = "list", "Listed"
        ADD = "add", "Added"
        CHANGE = "change", "Changed"
        DELETE = "delete", "Deleted"
        EXPORT = "export", "Exported"
        API_READ = "api_read", "Read through the API"
        API_WRITE = "api_write", "Written through the API"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_client = models.ForeignKey(
        ApiClient, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=12, choices=Action.choices)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    subject_ref = models.CharField(max_length=64, blank=True, db_index=True,
                                   help_text="The data subject's external id, when known")
    path = models.CharField(max_length=300, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, editable=False, unique=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "access log entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_type}"

    def compute_hash(self) -> str:
        fields = [
            self.prev_hash, self.at.isoformat(), str(self.actor_user_id or ""),
            str(self.actor_client_id or ""), self.actor_label, self.action, self.object_type,
            self.object_id, self.subject_ref, self.path, self.ip or "",
        ]
        return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("access log entries are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("access log entries are append-only")


class Notification(models.Model):
    """Every message sent to a data subject, as proof (DESIGN.md "Proof").

    ``dedupe_key`` makes a notification happen at most once however often a job runs
    (e.g. ``deletion-reminder-7d:<customer>:<countdown start>``): the row is claimed
    first, then the email is sent, then ``sent_at`` is set. A crash between claim and
    send leaves a row with ``sent_at`` empty, which ``notifications.retry_unsent`` sends.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    to_email = models.EmailField(blank=True, help_text="Blanked when the subject is erased")
    kind = models.CharField(max_length=64, db_index=True)
    language = models.CharField(max_length=2, default="en")
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} ({self.status})"


class Erasure(models.Model):
    """One erasure of one customer across every system (accounts/erasure.py), and its proof.

    At most one per customer (never erased twice): a second request returns this row. Its
    steps are created with it, one per system, and run in order; a crash leaves a step
    ``running`` and the next run resumes there. Holds no personal data: the subject is
    named by keyed hashes only (``accounts.identifiers``), and the customer row it points
    at is itself erased to a tombstone when the erasure completes.
    """

    class Reason(models.TextChoices):
        GRACE_EXPIRED = "grace_expired", "31-day grace period ended (§5.3)"
        IMMEDIATE = "immediate", "Immediate deletion requested by email (§5.3)"
        CHILD = "child_under_16", "Child under 16 discovered (§9.2)"
        ERASURE_REQUEST = "erasure_request", "Right to erasure request (§7.3)"
        REPLAY = "replay", "Erased again after a backup restore (§5.3)"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        HELD = "held", "Paused by a legal hold (§5.5)"
        FAILED = "failed", "Failed (a step will be retried)"
        COMPLETED = "completed", "Completed"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer = models.OneToOneField(Customer, on_delete=models.PROTECT, related_name="erasure")
    subject_hash = models.CharField(max_length=64, db_index=True,
                                    help_text="Keyed hash (HMAC-SHA256) of the external id")
    identifier_hashes = models.JSONField(default=dict, blank=True,
                                         help_text="Keyed hashes of every identifier erased")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    request_ref = models.CharField(max_length=64, blank=True,
                                   help_text="What asked for it, e.g. a data subject request id")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    notify_subject = models.BooleanField(default=True, help_text="Send the final confirmation email")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    requested_at = models.DateTimeField(help_text="When the erasure became due or was asked for")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=500, blank=True)
    certificate = models.JSONField(null=True, blank=True, editable=False)
    certificate_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    certificate_pdf = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Erasure {self.uuid} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status == self.Status.COMPLETED


class ErasureStep(models.Model):
    """One system's part of an erasure: started, finished, what was removed, kept and why."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running (or interrupted)"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped (see note)"
        FAILED = "failed", "Failed (retried on the next run)"

    FINISHED = (Status.DONE, Status.SKIPPED)

    erasure = models.ForeignKey(Erasure, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    system = models.CharField(max_length=32)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    removed = models.JSONField(default=dict, blank=True, help_text="What was deleted: counts")
    anonymised = models.JSONField(default=dict, blank=True, help_text="What was anonymised: counts")
    anonymised_reasons = models.JSONField(default=dict, blank=True,
                                          help_text="Why it was anonymised, not deleted (§)")
    kept = models.JSONField(default=list, blank=True, help_text="What was kept, how much, and why (§)")
    progress = models.JSONField(default=dict, blank=True, help_text="The connector's resume bookkeeping")
    note = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=500, blank=True, help_text="Last failure: type and message")

    class Meta:
        ordering = ["erasure", "position"]
        constraints = [
            models.UniqueConstraint(fields=["erasure", "system"], name="erasure_step_once_per_system"),
        ]

    def __str__(self) -> str:
        return f"{self.system}: {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED
