"""Data subject requests (§7, §8): the request, its timeline, identity material, packages.

A request stores its own deadline (``due_at``, DESIGN.md "deadlines are stored") and knows
its deadline state; it moves only through ``services.request_move`` along ``TRANSITIONS``.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import ApiClient, Customer, Notification

from . import conf
from .rights import JURISDICTION_CHOICES, TYPE_CHOICES, Right, right


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    AWAITING_VERIFICATION = "awaiting_verification", "Awaiting identity verification"
    VERIFIED = "verified", "Identity verified"
    IN_PROGRESS = "in_progress", "In progress"
    AWAITING_FEE = "awaiting_fee", "Awaiting fee payment"
    COMPLETED = "completed", "Completed"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"
    FAILED = "failed", "Failed (needs staff action)"  # issue 11: open, reason on the timeline


CLOSED = frozenset({Status.COMPLETED, Status.REFUSED, Status.WITHDRAWN})
OPEN = frozenset(set(Status) - CLOSED)

# The one table of allowed moves. ``services.request_move`` refuses anything else.
# Extensions, assignments and messages are timeline events, not moves.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.RECEIVED: frozenset({Status.AWAITING_VERIFICATION, Status.VERIFIED, Status.COMPLETED,
                                Status.REFUSED, Status.WITHDRAWN}),
    Status.AWAITING_VERIFICATION: frozenset({Status.VERIFIED, Status.REFUSED, Status.WITHDRAWN}),
    Status.VERIFIED: frozenset({Status.IN_PROGRESS, Status.AWAITING_FEE, Status.COMPLETED,
                                Status.REFUSED, Status.WITHDRAWN, Status.FAILED}),
    Status.IN_PROGRESS: frozenset({Status.AWAITING_FEE, Status.COMPLETED, Status.REFUSED,
                                   Status.WITHDRAWN, Status.FAILED}),
    Status.AWAITING_FEE: frozenset({Status.IN_PROGRESS, Status.REFUSED, Status.WITHDRAWN}),
    Status.COMPLETED: frozenset(),
    Status.REFUSED: frozenset(),
    Status.WITHDRAWN: frozenset(),
    Status.FAILED: frozenset({Status.IN_PROGRESS, Status.COMPLETED, Status.REFUSED, Status.WITHDRAWN}),
}


class DeadlineState(models.TextChoices):
    OVERDUE = "overdue", "Overdue"
    DUE_SOON = "due_soon", "Due this week"
    ON_TRACK = "on_track", "On track"
    CLOSED = "closed", "Closed"


class DataSubjectRequest(models.Model):
    class Channel(models.TextChoices):
        API = "api", "API (app.micropim.net, micropim.net)"
        PORTAL = "portal", "Privacy portal"
        EMAIL = "email", "Email"
        POST = "post", "Post"
        PHONE = "phone", "Phone"

    class VerificationMethod(models.TextChoices):
        PORTAL_SESSION = "portal_session", "Signed-in portal session"
        EMAIL_LINK = "email_link", "Confirmed from the account's email address"
        GOVERNMENT_ID = "government_id", "Government ID checked by staff"
        ACCOUNT_KNOWLEDGE = "account_knowledge", "Information only the account holder knows"

    class Decision(models.TextChoices):
        UPHELD = "upheld", "Objection upheld: processing stopped"
        REJECTED = "rejected", "Compelling legitimate grounds override the objection"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=24, choices=TYPE_CHOICES, db_index=True)
    jurisdiction = models.CharField(max_length=8, choices=JURISDICTION_CHOICES)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.RECEIVED,
                              db_index=True)
    channel = models.CharField(max_length=8, choices=Channel.choices)

    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="data_subject_requests")
    email = models.EmailField(max_length=254, help_text="The data subject's email address")
    full_name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=2, choices=Customer.Language.choices, default="en")
    details = models.TextField(blank=True)
    corrections = models.JSONField(default=dict, blank=True,
                                   help_text="Rectification: field → corrected value")
    agent_name = models.CharField(max_length=200, blank=True, help_text="Authorized agent (§8.1)")
    agent_email = models.EmailField(max_length=254, blank=True)
    agent_permission_confirmed_at = models.DateTimeField(null=True, blank=True)
    api_client = models.ForeignKey(ApiClient, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", help_text="The system that filed it")

    received_at = models.DateTimeField(db_index=True)
    original_due_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    extended_at = models.DateTimeField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_method = models.CharField(max_length=20, choices=VerificationMethod.choices,
                                           blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    possibly_excessive = models.BooleanField(default=False)
    repeat_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    fee_amount = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    fee_currency = models.CharField(max_length=3, default="EUR")
    fee_reason = models.TextField(blank=True)
    fee_paid_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField(blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    decision_grounds = models.TextField(blank=True)
    answer = models.TextField(blank=True, help_text="What the requester was told at the end")
    restriction_lift_announced_at = models.DateTimeField(null=True, blank=True)
    restriction_lifted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "data subject request"
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["status", "due_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(due_at__gte=models.F("received_at")),
                                   name="dsar_due_after_receipt"),
            models.CheckConstraint(condition=Q(extended_at__isnull=True) | ~Q(extension_reason=""),
                                   name="dsar_extension_has_reason"),
            models.CheckConstraint(condition=~Q(status="refused") | ~Q(refusal_reason=""),
                                   name="dsar_refusal_has_reason"),
        ]

    def __str__(self) -> str:
        # No name or email: this string lands in admin messages and logs.
        return f"{self.type} request {str(self.public_id)[:8]}"

    @property
    def right(self) -> Right:
        return right(self.type)

    @property
    def extended(self) -> bool:
        return self.extended_at is not None

    @property
    def verified(self) -> bool:
        """The subject's identity is verified and, for an agent (§8.1), the permission checked."""
        return self.verified_at is not None and (not self.by_agent or self.agent_permission_confirmed_at is not None)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def by_agent(self) -> bool:
        return bool(self.agent_email)

    @property
    def subject_ref(self) -> str:
        return self.customer.external_id if self.customer_id and self.customer else ""

    def deadline_state(self, now: datetime) -> DeadlineState:
        if not self.is_open:
            return DeadlineState.CLOSED
        if self.due_at < now:
            return DeadlineState.OVERDUE
        if self.due_at <= now + timedelta(days=conf.due_soon_days()):
            return DeadlineState.DUE_SOON
        return DeadlineState.ON_TRACK

    def can_move_to(self, status: str) -> bool:
        return Status(status) in TRANSITIONS[Status(self.status)]


class RequestEvent(models.Model):
    """One line of a request's timeline: who did what, when, and why (DESIGN.md "Proof")."""

    class Kind(models.TextChoices):
        RECEIVED = "received", "Received"
        MOVED = "moved", "Status changed"
        EXTENDED = "extended", "Deadline extended"
        ASSIGNED = "assigned", "Assigned"
        EMAIL = "email", "Email sent"
        FLAGGED = "flagged", "Flagged"
        FEE = "fee", "Fee"
        DECISION = "decision", "Decision"
        ID_REQUESTED = "id_requested", "Identity document requested"
        ID_UPLOADED = "id_uploaded", "Identity document uploaded"
        ID_VIEWED = "id_viewed", "Identity document viewed"
        ID_DELETED = "id_deleted", "Identity document deleted"
        EFFECT = "effect", "Effect applied"
        RECIPIENT = "recipient", "Recipient informed (Art. 19)"
        PACKAGE = "package", "Access package"
        ERASURE = "erasure", "Erasure"
        NOTE = "note", "Note"

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=150)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    notification = models.ForeignKey(Notification, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label}: {self.get_kind_display()}"


class VerificationToken(models.Model):
    """A single-use emailed link (§7.10): confirm identity, or upload an ID / signed permission."""

    class Purpose(models.TextChoices):
        CONFIRM_EMAIL = "confirm_email", "Confirm identity from the email address"
        UPLOAD_ID = "upload_id", "Upload a government ID"
        UPLOAD_AGENT_PERMISSION = "upload_agent", "Upload the agent's signed permission"

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="tokens")
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    nonce = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.purpose} link for {self.request}"


class IdentityDocument(models.Model):
    """Identity-verification material (§7.10, registry category ``identity_verification``).

    Stored encrypted (Fernet, ``FIELD_ENCRYPTION_KEY``), visible only to privacy officers,
    every view logged, deleted when the request closes — the deletion recorded on the
    request's timeline, and swept by ``dsar_identity_documents_sweep`` if anything is left.
    """

    class Kind(models.TextChoices):
        GOVERNMENT_ID = "government_id", "Government ID (front side)"
        AGENT_PERMISSION = "agent_permission", "Authorized agent's signed permission"

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE,
                                related_name="identity_documents")
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    content_type = models.CharField(max_length=50)
    size_bytes = models.PositiveIntegerField()
    ciphertext = models.BinaryField()
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.request}"

    @classmethod
    def subject_rows(cls, customer: Customer) -> QuerySet[IdentityDocument]:
        """This subject's rows (the registry's consumers: export, erasure, purges)."""
        return cls.objects.filter(customer=customer)

    # The retention protocol (retention/retained.py): "until the request is processed".
    retention_customer_field = "customer"

    @classmethod
    def expired_rows(cls, *, category: Any, as_of: datetime) -> QuerySet[IdentityDocument]:
        cutoff = category.cutoff(as_of) or as_of
        return cls.objects.filter(request__closed_at__isnull=False, request__closed_at__lte=cutoff)

    @classmethod
    def retention_delete(cls, queryset: QuerySet[IdentityDocument]) -> int:
        """Deleted with the deletion recorded on each request's timeline (§7.10)."""
        from .vault import documents_delete_rows

        return documents_delete_rows(queryset, actor="system",
                                     why="§7.10: request closed; purged by the retention job")

    def export_dict(self) -> dict[str, Any]:
        """The access export lists the document, never its image."""
        return {"request": str(self.request.public_id), "kind": self.kind,
                "content_type": self.content_type, "size_bytes": self.size_bytes,
                "uploaded_at": self.uploaded_at.isoformat()}


class AccessPackage(models.Model):
    """The Art. 15 / Art. 20 package: built in S3 by a Celery task, downloadable until it expires."""

    class State(models.TextChoices):
        BUILDING = "building", "Building"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        PURGED = "purged", "Expired and purged"

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="packages")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.BUILDING)
    s3_key = models.CharField(max_length=300, blank=True)
    size_bytes = models.BigIntegerField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField()
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    purged_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"package {str(self.public_id)[:8]} ({self.state})"

    def is_downloadable(self, now: datetime) -> bool:
        return self.state == self.State.READY and self.expires_at is not None and now < self.expires_at


def event_data(**values: Any) -> dict[str, Any]:
    """JSON-safe timeline data (datetimes as ISO strings)."""
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in values.items()}
