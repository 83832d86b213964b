from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .admin_audit import AccessLoggedAdmin
from .admin_deletion import DELETION_ACTIONS, ErasureAdmin  # noqa: F401 — registers the erasures list
from .models import AccessLogEntry, ApiClient, Customer


@admin.register(Customer)
class CustomerAdmin(AccessLoggedAdmin, admin.ModelAdmin):
    list_display = ["external_id", "status", "deletion_kind", "deletion_due_at", "processing_restricted",
                    "marketing_objection", "created_at"]
    list_filter = ["status", "deletion_kind", "processing_restricted", "marketing_objection", "language"]
    search_fields = ["external_id", "email"]
    actions = DELETION_ACTIONS
    readonly_fields = ["status", "deletion_kind", "deletion_requested_at", "deletion_due_at",
                       "deletion_recorded_by", "deleted_at", "cognito_sub", "stripe_customer_id",
                       "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["external_id", "status", "language"]}),
        ("Profile (§2.1)", {"fields": ["full_name", "email", "company_name", "job_title", "phone",
                                        "date_of_birth", "profile_photo_key"]}),
        ("Privacy state", {"fields": ["deletion_kind", "deletion_requested_at", "deletion_due_at",
                                      "deletion_recorded_by", "deleted_at",
                                      "processing_restricted", "marketing_objection"]}),
        ("Linked systems", {"fields": ["cognito_sub", "stripe_customer_id", "user"]}),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]

    def subject_ref_of(self, obj: Any) -> str:
        return obj.external_id if obj is not None else ""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # accounts are erased by the erasure engine, never by a raw delete

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.status == Customer.Status.DELETED:
            return [f.name for f in Customer._meta.fields]  # an erased account's tombstone
        return super().get_readonly_fields(request, obj)


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "token_prefix", "created_at", "revoked_at"]
    readonly_fields = ["name", "token_prefix", "created_at"]
    fields = ["name", "token_prefix", "created_at", "revoked_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are issued by `manage.py create_api_client`, shown once


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_id", "subject_ref", "ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "subject_ref", "object_id"]
    date_hierarchy = "at"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
