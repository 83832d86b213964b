"""`POST /api/v1/events/`: validation of a batch. Every problem in the batch is listed at once,
by event index and field; a batch with any problem is refused whole (nothing stored)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from accounts.api import StrictSerializer
from accounts.models import Customer
from micropim_privacy.policy import category

from . import conf
from .fields import truncate_ip
from .models import LoginEvent, UsageEvent

# Event type -> the registry category that says how long it is kept.
EVENT_CATEGORIES = {
    "usage": "usage_analytics",
    "login": "login_sessions",
    "error": "error_reports",
    "server_log": "server_logs",
}


class EventBase(StrictSerializer):
    type = serializers.ChoiceField(choices=sorted(EVENT_CATEGORIES))
    occurred_at = serializers.DateTimeField()
    external_id = serializers.CharField(min_length=1, max_length=64, required=False,
                                        help_text="The account, if not the batch's")
    ip = serializers.CharField(max_length=64, required=False, allow_blank=True,
                               help_text="Truncated on arrival (§2.3); never stored whole")

    def to_internal_value(self, data: Any) -> Any:
        """Unknown fields *and* invalid ones, all listed at once (StrictSerializer stops at the
        unknown ones)."""
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Expected a JSON object."]})
        unknown = {name: ["Unknown field."] for name in sorted(set(data) - set(self.fields))}
        try:
            value = serializers.Serializer.to_internal_value(self, data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({**exc.detail, **unknown}) from None  # type: ignore[dict-item]
        if unknown:
            raise serializers.ValidationError(unknown)
        return value

    def validate_ip(self, value: str) -> str:
        if not value:
            return value
        try:
            return truncate_ip(value)
        except ValueError:
            raise serializers.ValidationError("Not a valid IPv4 or IPv6 address.") from None


class UsageEventIn(EventBase):
    kind = serializers.ChoiceField(choices=UsageEvent.Kind.choices)
    name = serializers.CharField(max_length=200)
    browser = serializers.CharField(max_length=60, required=False, allow_blank=True)
    browser_version = serializers.CharField(max_length=30, required=False, allow_blank=True)
    os = serializers.CharField(max_length=60, required=False, allow_blank=True)
    device_type = serializers.CharField(max_length=30, required=False, allow_blank=True)
    device_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    session_id = serializers.CharField(max_length=100, required=False, allow_blank=True)


class LoginEventIn(EventBase):
    outcome = serializers.ChoiceField(choices=LoginEvent.Outcome.choices)
    method = serializers.CharField(max_length=30, required=False, allow_blank=True)
    session_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    user_agent = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ErrorReportIn(EventBase):
    message = serializers.CharField(max_length=2000)
    stack = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    release = serializers.CharField(max_length=60, required=False, allow_blank=True)
    path = serializers.CharField(max_length=500, required=False, allow_blank=True)
    duration_ms = serializers.IntegerField(min_value=0, max_value=2_147_483_647, required=False)


class ServerLogLineIn(EventBase):
    host = serializers.CharField(max_length=100, required=False, allow_blank=True)
    method = serializers.CharField(max_length=10, required=False, allow_blank=True)
    path = serializers.CharField(max_length=500, required=False, allow_blank=True)
    status = serializers.IntegerField(min_value=100, max_value=599, required=False)
    duration_ms = serializers.IntegerField(min_value=0, max_value=2_147_483_647, required=False)
    request_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    user_agent = serializers.CharField(max_length=300, required=False, allow_blank=True)


SERIALIZERS: dict[str, type[EventBase]] = {
    "usage": UsageEventIn, "login": LoginEventIn, "error": ErrorReportIn,
    "server_log": ServerLogLineIn,
}


@extend_schema_field(PolymorphicProxySerializer(
    component_name="Event", resource_type_field_name="type",
    serializers={"usage": UsageEventIn, "login": LoginEventIn, "error": ErrorReportIn,
                 "server_log": ServerLogLineIn}))
class EventField(serializers.DictField):
    """One event; validated by its type's serializer in ``validate_batch``."""


class EventBatchIn(StrictSerializer):
    """For the schema; ``validate_batch`` does the work (each event by its own type)."""

    external_id = serializers.CharField(min_length=1, max_length=64, required=False,
                                        help_text="The account these events belong to")
    events = serializers.ListField(
        child=EventField(), min_length=1,
        help_text="usage, login, error and server_log events; at most RETENTION_EVENTS_MAX_BATCH "
                  "(1000 by default) per batch. Timestamps may not lie in the future (beyond a "
                  "few minutes of clock skew) nor be older than their category's retention period.")


@dataclass(frozen=True)
class ValidEvent:
    index: int
    type: str
    external_id: str | None
    fields: dict[str, Any]


def _check_time(occurred_at: datetime, event_type: str, *, now: datetime) -> str | None:
    if occurred_at > now + conf.events_max_clock_skew():
        return "In the future: the event's timestamp is later than now (beyond allowed clock skew)."
    cat = category(EVENT_CATEGORIES[event_type])
    cutoff = cat.cutoff(now)
    if cutoff is not None and occurred_at < cutoff:
        return (f"Older than the {cat.retention} this data is kept (§{cat.section}); "
                "it would be deleted at once, so it is not stored.")
    return None


def _occurred_at(value: Any) -> datetime | None:
    try:
        return serializers.DateTimeField().run_validation(value)  # type: ignore[no-any-return]
    except serializers.ValidationError:
        return None  # the event's own serializer reports it


def validate_batch(data: Any, *, now: datetime) -> tuple[list[ValidEvent], dict[str, Any]]:
    """(events, errors): errors is empty exactly when every event is valid."""
    outer = EventBatchIn(data=data)
    if not outer.is_valid():
        return [], dict(outer.errors)
    raw: list[dict[str, Any]] = outer.validated_data["events"]
    limit = conf.events_max_batch()
    if len(raw) > limit:
        return [], {"events": [f"At most {limit} events per batch; this one has {len(raw)}."]}
    batch_account = outer.validated_data.get("external_id")
    events: list[ValidEvent] = []
    problems: dict[str, Any] = {}
    for index, item in enumerate(raw):
        kind = item.get("type")
        if kind not in SERIALIZERS:
            problems[str(index)] = {"type": [f"Must be one of: {', '.join(sorted(SERIALIZERS))}."]}
            continue
        one = SERIALIZERS[kind](data=item)
        errors = {} if one.is_valid() else dict(one.errors)
        when = _occurred_at(item.get("occurred_at"))
        when_error = _check_time(when, kind, now=now) if when is not None else None
        if when_error:
            errors.setdefault("occurred_at", []).append(when_error)
        if errors:
            problems[str(index)] = errors
            continue
        fields = dict(one.validated_data)
        fields.pop("type")
        account = fields.pop("external_id", None) or batch_account
        if not fields.get("ip"):
            fields.pop("ip", None)
        events.append(ValidEvent(index=index, type=kind, external_id=account, fields=fields))
    _check_accounts(events, problems)
    return events, ({"events": problems} if problems else {})


def _check_accounts(events: list[ValidEvent], problems: dict[str, Any]) -> None:
    """Resolve every account in one query; an unknown or erased account is a problem."""
    wanted = {e.external_id for e in events if e.external_id}
    found = dict(Customer.objects.filter(external_id__in=wanted)
                 .exclude(status=Customer.Status.DELETED).values_list("external_id", "pk"))
    for event in events:
        if event.external_id and event.external_id not in found:
            problems[str(event.index)] = {"external_id": ["No active account with this external_id."]}
        elif event.external_id:
            event.fields["customer_id"] = found[event.external_id]
