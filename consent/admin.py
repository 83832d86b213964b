"""Staff views of consent proofs, subscriptions and the suppression list (all access-logged, §6.1)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.admin_audit import AccessLoggedAdmin

from .models import ConsentRecord, Subscription, Suppression
from .services import marketing_unsubscribe
from .tokens import Recipient


class ReadOnlyAdmin(admin.ModelAdmin):
    """Proofs are written by the services only; staff read them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ConsentRecord)
class ConsentRecordAdmin(AccessLoggedAdmin, ReadOnlyAdmin):
    list_display = ("recorded_at", "kind", "action", "analytics", "marketing", "gpc_source",
                    "policy_version", "text_version", "source", "user_agent_family")
    list_filter = ("kind", "action", "gpc_source", "policy_version")
    date_hierarchy = "recorded_at"
    show_full_result_count = False  # the cookie table is large

    def subject_ref_of(self, obj: ConsentRecord) -> str:
        return obj.customer.external_id if obj.customer_id and obj.customer else ""


@admin.register(Subscription)
class SubscriptionAdmin(AccessLoggedAdmin, admin.ModelAdmin):
    list_display = ("id", "status", "source", "consent_text_version", "subscribed_at", "confirmed_at",
                    "unsubscribed_at", "last_engagement_at")
    list_filter = ("status", "source", "consent_text_version")
    search_fields = ("=email",)
    readonly_fields = [f.name for f in Subscription._meta.fields]
    actions = ["unsubscribe"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # only the double opt-in creates subscriptions

    def subject_ref_of(self, obj: Subscription) -> str:
        return obj.customer.external_id if obj.customer_id and obj.customer else ""

    @admin.action(description="Unsubscribe (e.g. asked by email, §3.5)", permissions=["change"])
    def unsubscribe(self, request: HttpRequest, queryset: QuerySet[Subscription]) -> None:
        changed = sum(
            marketing_unsubscribe(recipient=Recipient(sub.email_hash, sub.customer_id),
                                  source=f"staff:{request.user.pk}", now=timezone.now())
            for sub in queryset)
        self.message_user(request, f"{changed} unsubscribed.", messages.SUCCESS)


@admin.register(Suppression)
class SuppressionAdmin(ReadOnlyAdmin):
    list_display = ("id", "reason", "created_at")
