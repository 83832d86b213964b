from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone

from micropim_privacy.policy import CATEGORIES, RETENTION_TABLE_5_2, Deadlines

from .models import JobRun, LegalHold, PurgeRun
from .selectors import purge_schedule


@admin.register(LegalHold)
class LegalHoldAdmin(admin.ModelAdmin):
    list_display = ["__str__", "placed_at", "lifted_at", "subject_notified_at"]
    list_filter = ["category_key"]
    raw_id_fields = ["customer"]
    readonly_fields = ["placed_by", "placed_at", "lifted_by", "subject_notified_at"]

    def save_model(self, request: HttpRequest, obj: LegalHold, form: Any, change: bool) -> None:
        if not change:
            obj.placed_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["job", "as_of", "trigger", "outcome", "duration_ms", "counts", "started_at"]
    list_filter = ["outcome", "job", "trigger"]
    date_hierarchy = "started_at"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        registry = path("registry/", self.admin_site.admin_view(self.registry_view),
                        name="retention_registry")
        return [registry, *super().get_urls()]

    def registry_view(self, request: HttpRequest) -> HttpResponse:
        """Read-only: the policy registry, as every consumer reads it."""
        context = {
            **self.admin_site.each_context(request),
            "title": "Policy registry — data categories and retention",
            "categories": CATEGORIES,
            "table_5_2": RETENTION_TABLE_5_2,
            "deadlines": {k: v for k, v in vars(Deadlines).items() if k.isupper()},
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/retention/registry.html", context)


@admin.register(PurgeRun)
class PurgeRunAdmin(admin.ModelAdmin):
    """Every past purge (proof), and the schedule of the next 30 days' purges per category."""

    list_display = ["category_key", "as_of", "outcome", "counted", "deleted", "anonymised", "held",
                    "duration_ms", "started_at"]
    list_filter = ["outcome", "category_key"]
    date_hierarchy = "started_at"
    change_list_template = "admin/retention/purgerun/change_list.html"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        schedule = path("schedule/", self.admin_site.admin_view(self.schedule_view),
                        name="retention_purge_schedule")
        return [schedule, *super().get_urls()]

    def schedule_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        now = timezone.now()
        context = {
            **self.admin_site.each_context(request),
            "title": "Purge schedule — the next 30 days",
            "as_of": now,
            "schedule": purge_schedule(as_of=now, days=30),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/retention/purge_schedule.html", context)


from . import admin_records  # noqa: E402, F401 — the records' admin pages
