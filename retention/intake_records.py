"""`POST /api/v1/records/`: batched intake of the §2.4/§2.5 records this service keeps — support
tickets, chat transcripts, email correspondence, survey responses, call-recording references and
event attendance. Same contract as `POST /api/v1/events/`: token auth, every problem listed at
once by record index and field, a batch with any problem refused whole (nothing stored), 413
over the body limit. Support tickets are upserted by their ``reference`` (the only source id these
models have); every other record is created."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import models, transaction
from drf_spectacular.utils import (
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api import StrictSerializer
from micropim_privacy.policy import category

from . import conf
from .api import BatchIntakeView, batch_error
from .models import (
    CallRecording,
    ChatTranscript,
    EmailMessage,
    EventAttendance,
    SupportTicket,
    SurveyResponse,
)
from .serializers import EventBase, ValidEvent, _check_accounts

# -- request serializers ------------------------------------------------------------------------

TYPES = ("call_recording", "chat_transcript", "email", "event_attendance", "support_ticket",
         "survey_response")


class RecordBase(EventBase):
    """EventBase's all-problems-at-once strictness, without the event-only fields."""

    occurred_at = None  # type: ignore[assignment]
    ip = None  # type: ignore[assignment]
    type = serializers.ChoiceField(choices=TYPES)


# One message of a ticket, as SupportTicket.messages stores it ("from" is a Python keyword).
TicketMessageIn = type("TicketMessageIn", (StrictSerializer,), {
    "from": serializers.ChoiceField(choices=["customer", "staff"]),
    "at": serializers.DateTimeField(),
    "body": serializers.CharField(max_length=20000),
})


class SupportTicketIn(RecordBase):
    reference = serializers.CharField(min_length=1, max_length=40,
                                      help_text="The ticket's id at its source; re-sending it updates the ticket")
    subject = serializers.CharField(max_length=300)
    messages = serializers.ListField(child=TicketMessageIn(), required=False, max_length=1000)
    status = serializers.ChoiceField(choices=SupportTicket.Status.choices, required=False,
                                     help_text="Default: resolved when resolved_at is given, else open")
    opened_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(required=False, allow_null=True,
                                            help_text="The 3-year period counts from it (§2.4)")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        resolved = attrs.get("resolved_at")
        attrs.setdefault("status", "resolved" if resolved else "open")
        if (attrs["status"] == "resolved") != bool(resolved):
            raise serializers.ValidationError(
                {"resolved_at": ["A resolved ticket needs resolved_at, and an open one has none."]})
        if resolved and resolved < attrs["opened_at"]:
            raise serializers.ValidationError({"resolved_at": ["Earlier than opened_at."]})
        for message in attrs.get("messages", []):
            message["at"] = message["at"].isoformat()
        return attrs


class ChatTranscriptIn(RecordBase):
    started_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(required=False, allow_null=True,
                                            help_text="The 3-year period counts from it (§2.4)")
    transcript = serializers.CharField(max_length=200_000)


class EmailIn(RecordBase):
    direction = serializers.ChoiceField(choices=EmailMessage.Direction.choices)
    sent_at = serializers.DateTimeField(help_text="The 3-year period counts from it (§2.4)")
    from_address = serializers.EmailField(max_length=254)
    to_address = serializers.EmailField(max_length=254)
    subject = serializers.CharField(max_length=300, required=False, allow_blank=True)
    body = serializers.CharField(max_length=200_000, required=False, allow_blank=True)


class SurveyResponseIn(RecordBase):
    survey = serializers.CharField(max_length=100)
    responded_at = serializers.DateTimeField(help_text="2 years from it, or until consent withdrawn (§2.4)")
    answers = serializers.DictField(required=False)
    consent_withdrawn_at = serializers.DateTimeField(required=False, allow_null=True,
                                                     help_text="Removed by the next purge run")


class CallRecordingIn(RecordBase):
    recorded_at = serializers.DateTimeField(help_text="2 years from it, or until consent withdrawn (§2.4)")
    recording_ref = serializers.CharField(max_length=300, help_text="Provider's id or URI of the audio")
    duration_seconds = serializers.IntegerField(min_value=0, max_value=2_147_483_647, required=False)
    consent_withdrawn_at = serializers.DateTimeField(required=False, allow_null=True,
                                                     help_text="Removed by the next purge run")


class EventAttendanceIn(RecordBase):
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    event_name = serializers.CharField(max_length=200)
    event_at = serializers.DateTimeField(help_text="2 years from it (§2.5); may be an upcoming event")
    attended = serializers.BooleanField(required=False)


# type -> (request serializer, model, registry category)
RECORD_TYPES: dict[str, tuple[type[RecordBase], type[models.Model], str]] = {
    "support_ticket": (SupportTicketIn, SupportTicket, "support_tickets"),
    "chat_transcript": (ChatTranscriptIn, ChatTranscript, "chat_transcripts"),
    "email": (EmailIn, EmailMessage, "email_correspondence"),
    "survey_response": (SurveyResponseIn, SurveyResponse, "survey_responses"),
    "call_recording": (CallRecordingIn, CallRecording, "call_recordings"),
    "event_attendance": (EventAttendanceIn, EventAttendance, "event_attendance"),
}
assert set(RECORD_TYPES) == set(TYPES)
TICKET_UPDATE_FIELDS = ["customer", "subject", "messages", "status", "opened_at", "resolved_at"]


@extend_schema_field(PolymorphicProxySerializer(
    component_name="Record", resource_type_field_name="type",
    serializers={kind: spec[0] for kind, spec in RECORD_TYPES.items()}))
class RecordField(serializers.DictField):
    """One record; validated by its type's serializer in ``validate_records``."""


class RecordBatchIn(StrictSerializer):
    """For the schema; ``validate_records`` does the work (each record by its own type)."""

    external_id = serializers.CharField(min_length=1, max_length=64, required=False,
                                        help_text="The account these records belong to")
    records = serializers.ListField(
        child=RecordField(), min_length=1,
        help_text="At most RETENTION_EVENTS_MAX_BATCH (1000 by default) per batch. Timestamps may "
                  "not lie in the future (beyond a few minutes of clock skew; an attendance's "
                  "event_at may be up to RETENTION_RECORDS_MAX_EVENT_LEAD_DAYS ahead) nor be "
                  "older than their category's retention period.")


# -- validation ---------------------------------------------------------------------------------


def _time_problems(kind: str, fields: dict[str, Any], *, now: datetime) -> dict[str, list[str]]:
    """Timestamps in the future, or already past the category's period (it would be deleted at
    once, so it is not stored — as for events)."""
    _, model, key = RECORD_TYPES[kind]
    problems: dict[str, list[str]] = {}
    latest = now + conf.events_max_clock_skew()
    for name, value in fields.items():
        if not isinstance(value, datetime):
            continue
        limit = latest + timedelta(days=conf.records_max_event_lead_days()) if name == "event_at" else latest
        if value > limit:
            problems[name] = ["In the future: later than now (beyond allowed clock skew)."]
    cat = category(key)
    counts_from = model.retention_timestamp_field  # type: ignore[attr-defined]
    cutoff = cat.cutoff(now)
    start = fields.get(counts_from)
    if cutoff is not None and start is not None and start < cutoff and counts_from not in problems:
        problems[counts_from] = [f"Older than the {cat.retention} this data is kept (§{cat.section}); "
                                 "it would be deleted at once, so it is not stored."]
    return problems


def _times(one: RecordBase, item: dict[str, Any]) -> dict[str, datetime]:
    """The record's timestamps that parse, so that their problems are listed even when other
    fields of the record are wrong (every problem at once)."""
    times: dict[str, datetime] = {}
    for name, field in one.fields.items():
        if isinstance(field, serializers.DateTimeField) and item.get(name) is not None:
            try:
                times[name] = field.run_validation(item[name])
            except serializers.ValidationError:
                pass  # the serializer reports it
    return times


def validate_records(data: Any, *, now: datetime) -> tuple[list[ValidEvent], dict[str, Any]]:
    """(records, errors): errors is empty exactly when every record is valid."""
    outer = RecordBatchIn(data=data)
    if not outer.is_valid():
        return [], dict(outer.errors)
    raw: list[dict[str, Any]] = outer.validated_data["records"]
    limit = conf.events_max_batch()
    if len(raw) > limit:
        return [], {"records": [f"At most {limit} records per batch; this one has {len(raw)}."]}
    batch_account = outer.validated_data.get("external_id")
    records: list[ValidEvent] = []
    problems: dict[str, Any] = {}
    references: set[str] = set()
    for index, item in enumerate(raw):
        kind = item.get("type")
        if kind not in RECORD_TYPES:
            problems[str(index)] = {"type": [f"Must be one of: {', '.join(sorted(RECORD_TYPES))}."]}
            continue
        one = RECORD_TYPES[kind][0](data=item)
        errors = {} if one.is_valid() else dict(one.errors)
        for name, messages in _time_problems(kind, _times(one, item), now=now).items():
            errors.setdefault(name, []).extend(messages)
        if errors:
            problems[str(index)] = errors
            continue
        fields = dict(one.validated_data)
        fields.pop("type")
        if kind == "support_ticket":
            if fields["reference"] in references:
                errors["reference"] = ["Sent twice in this batch."]
            references.add(fields["reference"])
        if errors:
            problems[str(index)] = errors
            continue
        account = fields.pop("external_id", None) or batch_account
        fields["customer_id"] = None
        records.append(ValidEvent(index=index, type=kind, external_id=account, fields=fields))
    _check_accounts(records, problems)
    return records, ({"records": problems} if problems else {})


# -- the write ----------------------------------------------------------------------------------


@transaction.atomic
def records_ingest(*, records: list[ValidEvent]) -> dict[str, int]:
    """Store a validated batch, all or nothing; a ticket whose reference exists is updated."""
    stored = dict.fromkeys(RECORD_TYPES, 0)
    for kind, (_, model, _key) in RECORD_TYPES.items():
        rows = [model(**r.fields) for r in records if r.type == kind]
        if not rows:
            continue
        if model is SupportTicket:
            model.objects.bulk_create(rows, batch_size=500, update_conflicts=True,
                                      unique_fields=["reference"], update_fields=TICKET_UPDATE_FIELDS)
        else:
            model.objects.bulk_create(rows, batch_size=500)
        stored[kind] = len(rows)
    return stored


# -- the view -----------------------------------------------------------------------------------


class RecordBatchView(BatchIntakeView):
    """§2.4/§2.5 records in batches (tickets, chats, emails, surveys, call recordings, attendance)."""

    def validate(self, data: Any, *, now: datetime) -> tuple[Any, Any]:
        return validate_records(data, now=now)

    def ingest(self, valid: Any) -> dict[str, int]:
        return records_ingest(records=valid)

    @extend_schema(
        request=RecordBatchIn,
        responses={
            201: inline_serializer("RecordBatchStored", {
                "stored": inline_serializer("RecordCounts", {
                    k: serializers.IntegerField() for k in RECORD_TYPES})}),
            400: batch_error("Every problem of the batch, by record index and field; nothing stored"),
            401: batch_error("Missing or invalid token"),
            403: batch_error("Not an API client"),
            413: batch_error("Request body too large; nothing stored"),
        },
        summary="Store a batch of support, communication and event-attendance records (all or nothing)",
    )
    def post(self, request: Request) -> Response:
        return super().post(request)
