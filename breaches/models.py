"""The breach register (§6.4, §14.4; GDPR Art. 33, 34).

- ``SecurityReport``: what someone told us (§14.4) — a system with a token, the public, or staff.
  Triage turns it into a ``Breach`` or closes it as not a breach.
- ``Breach``: one personal-data breach, notified or not (Art. 33(5) documentation), with its
  stored ANSPDCP deadline (``authority_deadline_at`` = discovery + 72 h, UTC).
- ``AuthorityReport``: each report to ANSPDCP, initial and follow-ups (Art. 33(4) phases),
  with a snapshot of what it said. Append-only.
- ``BreachAlert``: each clock alert (24/48/60 h, overdue), once per breach and stage.
- ``AffectedPerson``: the people a breach concerns, for the Art. 34 notice.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import ApiClient, Customer

from . import clock


class SecurityReport(models.Model):
    class Channel(models.TextChoices):
        SYSTEM = "system", "Calling system (API token)"
        PUBLIC = "public", "Public report (no account)"
        STAFF = "staff", "Entered by staff"

    class Status(models.TextChoices):
        NEW = "new", "New — to triage"
        BREACH = "breach", "Recorded as a breach"
        NOT_A_BREACH = "not_a_breach", "Not a personal-data breach"
        DUPLICATE = "duplicate", "Duplicate of another report"

    reference = models.CharField(max_length=20, unique=True, editable=False)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    api_client = models.ForeignKey(ApiClient, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    reporter_name = models.CharField(max_length=200, blank=True)
    reporter_email = models.EmailField(blank=True)
    summary = models.CharField(max_length=200)
    details = models.TextField()
    occurred_at = models.DateTimeField(null=True, blank=True,
                                       help_text="When the reporter thinks it happened, if known")
    personal_data_involved = models.BooleanField(
        null=True, blank=True, help_text="Does the reporter think personal data is involved?")
    # A keyed hash of the sender's address, only to rate-limit the public intake.
    source_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    officers_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)

    status = models.CharField(max_length=15, choices=Status.choices, default=Status.NEW)
    breach = models.ForeignKey("Breach", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="reports")
    triage_note = models.TextField(blank=True)
    triaged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    triaged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.reference


class Breach(models.Model):
    class Risk(models.TextChoices):
        UNASSESSED = "unassessed", "Not yet assessed"
        NONE = "none", "No risk — unlikely to result in a risk (Art. 33(1))"
        RISK = "risk", "Risk — notify ANSPDCP (Art. 33)"
        HIGH = "high", "High risk — also notify the people affected (Art. 34)"

    reference = models.CharField(max_length=20, unique=True, editable=False)
    title = models.CharField(max_length=200, help_text="Short, without personal data")

    # When (Art. 33(5) "the facts"); the clock counts from discovery (§6.4).
    occurred_at = models.DateTimeField(null=True, blank=True, help_text="Blank if not known yet")
    discovered_at = models.DateTimeField()
    authority_deadline_at = models.DateTimeField(db_index=True, editable=False)
    detected_by = models.CharField(max_length=200, help_text="Person, team or system that detected it")

    # Art. 33(3)(a): the nature, categories and approximate numbers.
    nature = models.TextField(help_text="What happened")
    confidentiality = models.BooleanField(default=False, help_text="Disclosed or accessed without authorisation")
    integrity = models.BooleanField(default=False, help_text="Altered without authorisation")
    availability = models.BooleanField(default=False, help_text="Lost or destroyed, or access to it lost")
    data_categories = models.JSONField(default=list, blank=True,
                                       help_text="Keys of the policy registry's data categories")
    data_categories_note = models.TextField(blank=True, help_text="Other data concerned")
    subject_categories = models.TextField(blank=True, help_text="Categories of people concerned")
    approx_subjects = models.PositiveBigIntegerField(null=True, blank=True,
                                                     help_text="Approximate number of people")
    approx_records = models.PositiveBigIntegerField(null=True, blank=True,
                                                    help_text="Approximate number of records")
    # Art. 33(3)(c), (d), (b).
    likely_consequences = models.TextField(blank=True)
    measures_taken = models.TextField(blank=True)
    measures_proposed = models.TextField(blank=True)
    contact_point = models.TextField()

    # The risk to people's rights and freedoms, with its reasoning (Art. 33(1), 34(1)).
    risk_level = models.CharField(max_length=10, choices=Risk.choices, default=Risk.UNASSESSED)
    risk_reasoning = models.TextField(blank=True)
    risk_assessed_at = models.DateTimeField(null=True, blank=True)
    risk_assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")

    # Denormalised from the initial AuthorityReport: the clock stops here.
    authority_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-discovered_at"]
        verbose_name_plural = "breaches"
        constraints = [
            models.CheckConstraint(
                condition=Q(occurred_at__isnull=True) | Q(occurred_at__lte=F("discovered_at")),
                name="breach_occurred_before_discovered",
                violation_error_message="A breach cannot occur after it was discovered.",
            ),
            models.CheckConstraint(
                condition=Q(risk_level="unassessed") | ~Q(risk_reasoning=""),
                name="breach_risk_has_reasoning",
                violation_error_message="A risk assessment needs its reasoning.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def authority_notification_required(self) -> bool:
        """Art. 33(1): unless the breach is unlikely to result in a risk."""
        return self.risk_level != self.Risk.NONE

    @property
    def clock_running(self) -> bool:
        return self.authority_notification_required and self.authority_notified_at is None

    def time_left_text(self, now: datetime) -> str:
        if self.authority_notified_at is not None:
            late = clock.is_late(self.authority_deadline_at, self.authority_notified_at)
            return "notified (late)" if late else "notified in time"
        if not self.authority_notification_required:
            return "no notification required"
        return clock.format_remaining(self.authority_deadline_at, now)


class AuthorityReport(models.Model):
    """One report to ANSPDCP. The first is ``initial``; later ones complete it (Art. 33(4))."""

    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial notification"
        FOLLOW_UP = "follow_up", "Follow-up (further information, Art. 33(4))"

    class Method(models.TextChoices):
        ONLINE_FORM = "online_form", "ANSPDCP online form (dataprotection.ro)"
        EMAIL = "email", "Email to ANSPDCP"
        POST = "post", "Registered post"
        IN_PERSON = "in_person", "Filed in person"
        OTHER = "other", "Other"

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="authority_reports")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    notified_at = models.DateTimeField(help_text="When ANSPDCP was told")
    method = models.CharField(max_length=12, choices=Method.choices)
    reference = models.CharField(max_length=100, help_text="ANSPDCP's registration number")
    late_reason = models.TextField(blank=True, help_text="Required when the initial report is late")
    notes = models.TextField(blank=True, help_text="What this report adds or corrects")
    # The Art. 33(3) content as it was sent, so the document can be produced again unchanged.
    snapshot = models.JSONField(default=dict)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["notified_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["breach"], condition=Q(kind="initial"),
                                    name="breach_one_initial_report"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"

    @property
    def is_late(self) -> bool:
        return clock.is_late(self.breach.authority_deadline_at, self.notified_at)


class BreachAlert(models.Model):
    """One clock alert to the officers. The unique constraint makes each stage happen once."""

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        SUPERSEDED = "superseded", "Not sent: a later alert was due when the job ran"

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="alerts")
    stage = models.CharField(max_length=10)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["due_at"]
        constraints = [models.UniqueConstraint(fields=["breach", "stage"], name="breach_alert_once")]

    def __str__(self) -> str:
        return f"{self.stage} alert ({self.status})"


class AffectedPerson(models.Model):
    """A person a breach concerns. ``subject_ref`` survives the customer's erasure as proof."""

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="affected")
    customer = models.ForeignKey(Customer, null=True, on_delete=models.SET_NULL, related_name="+")
    subject_ref = models.CharField(max_length=64)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["breach", "subject_ref"],
                                               name="breach_affected_once")]

    def __str__(self) -> str:
        return f"{self.subject_ref} affected by breach {self.breach_id}"
