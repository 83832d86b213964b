"""Communication, support and marketing-event data (§2.4, §2.5): row-level records, batched purges."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

from accounts.models import Customer

from .retained import RetainedRecord

if TYPE_CHECKING:
    from micropim_privacy.policy import Category


def customer_fk() -> Any:
    return models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")


class SupportTicket(RetainedRecord):
    """§2.4 support tickets and messages: kept 3 years after resolution; open tickets are kept."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    retention_timestamp_field = "resolved_at"

    customer = customer_fk()
    reference = models.CharField(max_length=40, unique=True)
    subject = models.CharField(max_length=300)
    messages = models.JSONField(default=list, blank=True,
                                help_text='[{"from": "customer|staff", "at": ISO, "body": ...}]')
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["resolved_at"], name="retention_ticket_resolved_idx"),
            models.Index(fields=["customer"], name="retention_ticket_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"Ticket {self.reference}"


class ChatTranscript(RetainedRecord):
    """§2.4 chat transcripts: 3 years, counted (like tickets) from the conversation's resolution."""

    retention_timestamp_field = "resolved_at"

    customer = customer_fk()
    started_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    transcript = models.TextField()

    class Meta:
        indexes = [
            models.Index(fields=["resolved_at"], name="retention_chat_resolved_idx"),
            models.Index(fields=["customer"], name="retention_chat_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"Chat {self.pk} of {self.started_at:%Y-%m-%d}"


class EmailMessage(RetainedRecord):
    """§2.4 email correspondence: 3 years from the message."""

    class Direction(models.TextChoices):
        INBOUND = "in", "Received"
        OUTBOUND = "out", "Sent"

    retention_timestamp_field = "sent_at"

    customer = customer_fk()
    direction = models.CharField(max_length=3, choices=Direction.choices)
    sent_at = models.DateTimeField()
    from_address = models.EmailField(max_length=254)
    to_address = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["sent_at"], name="retention_email_sent_idx"),
            models.Index(fields=["customer"], name="retention_email_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"Email {self.pk} of {self.sent_at:%Y-%m-%d}"


class ConsentBasedRecord(RetainedRecord):
    """§2.4 "2 years or until consent withdrawn": gone at whichever comes first."""

    consent_withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def expired_rows(cls, *, category: Category, as_of: datetime) -> models.QuerySet[Any]:
        cutoff = category.cutoff(as_of)
        field = cls.timestamp_field_for(category.key)
        return cls._default_manager.filter(
            Q(**{f"{field}__lt": cutoff}) | Q(consent_withdrawn_at__lte=as_of)
        )


class SurveyResponse(ConsentBasedRecord):
    retention_timestamp_field = "responded_at"

    customer = customer_fk()
    survey = models.CharField(max_length=100)
    responded_at = models.DateTimeField()
    answers = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["responded_at"], name="retention_survey_at_idx"),
            models.Index(fields=["customer"], name="retention_survey_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"Survey response {self.pk} ({self.survey})"


class CallRecording(ConsentBasedRecord):
    """A reference to a call recording (the audio lives with the telephony provider)."""

    retention_timestamp_field = "recorded_at"

    customer = customer_fk()
    recorded_at = models.DateTimeField()
    recording_ref = models.CharField(max_length=300, help_text="Provider's id or URI of the audio")
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["recorded_at"], name="retention_call_at_idx"),
            models.Index(fields=["customer"], name="retention_call_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"Call recording {self.pk}"


class EventAttendance(RetainedRecord):
    """§2.5 event registrations and attendance: 2 years after the event. Attendees need not
    be customers, so the email is kept too (and ``subject_rows`` matches on either)."""

    retention_timestamp_field = "event_at"

    customer = customer_fk()
    email = models.EmailField(max_length=254, blank=True)
    full_name = models.CharField(max_length=200, blank=True)
    event_name = models.CharField(max_length=200)
    event_at = models.DateTimeField()
    attended = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["event_at"], name="retention_attend_at_idx"),
            models.Index(fields=["customer"], name="retention_attend_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"Attendance {self.pk} ({self.event_name})"

    @classmethod
    def subject_rows(cls, customer: Customer) -> models.QuerySet[Any]:
        return cls._default_manager.filter(Q(customer=customer) | Q(email__iexact=customer.email))
