"""Admin pages of the records this app keeps: read-only (the data arrives from the systems that
produce it), every view and list of personal data logged (§6.1, ``AccessLoggedAdmin``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts.admin_audit import AccessLoggedAdmin

from .models import (
    BillingRecord,
    CallRecording,
    ChatTranscript,
    EmailMessage,
    ErrorReport,
    EventAttendance,
    Invoice,
    LoginEvent,
    ServerLogLine,
    SupportTicket,
    SurveyResponse,
    UsageAggregate,
    UsageEvent,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # rows go by their purge (or the erasure engine), with a record


class RecordAdmin(AccessLoggedAdmin, ReadOnlyAdmin):
    show_full_result_count = False  # no count(*) over millions of rows on every list

    def subject_ref_of(self, obj: Any) -> str:
        customer = getattr(obj, "customer", None)
        return customer.external_id if customer is not None else ""


def _register(model: type, timestamp: str, columns: list[str]) -> None:
    admin.site.register(model, type(f"{model.__name__}Admin", (RecordAdmin,), {
        "list_display": ["__str__", timestamp, "customer", *columns],
        "date_hierarchy": timestamp,
        "list_select_related": ["customer"],
        "raw_id_fields": ["customer"],
    }))


_register(UsageEvent, "occurred_at", ["kind", "name", "anonymised"])
_register(LoginEvent, "occurred_at", ["outcome", "ip"])
_register(ErrorReport, "occurred_at", ["release"])
_register(ServerLogLine, "occurred_at", ["method", "status", "ip"])
_register(SupportTicket, "opened_at", ["reference", "status", "resolved_at"])
_register(ChatTranscript, "started_at", ["resolved_at"])
_register(EmailMessage, "sent_at", ["direction"])
_register(SurveyResponse, "responded_at", ["survey", "consent_withdrawn_at"])
_register(CallRecording, "recorded_at", ["consent_withdrawn_at"])
_register(EventAttendance, "event_at", ["event_name", "attended"])
_register(BillingRecord, "transaction_at", ["stripe_id", "amount", "currency", "status"])
_register(Invoice, "issued_at", ["number", "amount_due", "currency", "status"])


@admin.register(UsageAggregate)
class UsageAggregateAdmin(ReadOnlyAdmin):
    """Anonymous: no person in these rows."""

    list_display = ["day", "kind", "name", "browser", "os", "device_type", "count"]
    list_filter = ["kind", "device_type"]
    date_hierarchy = "day"
