"""Admin for the deletion lifecycle: staff actions on accounts (§5.3, §9.2) and the erasures list.

Actions stay thin: each calls a service in ``accounts.lifecycle`` and records the staff
action in the access log (§6.1).
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from .access_log import record_access
from .lifecycle import (
    DeletionConflict,
    deletion_cancel,
    deletion_flag_child,
    deletion_record_immediate,
)
from .models import AccessLogEntry, Customer, Erasure, ErasureStep


class ImmediateDeletionForm(forms.Form):
    received_on = forms.DateField(
        label="Request email received on", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The deletion is due within 30 days of this date (§5.3).")

    def clean_received_on(self) -> Any:
        value = self.cleaned_data["received_on"]
        if value > timezone.now().date():
            raise forms.ValidationError("The request cannot be in the future.")
        return value


def _log(request: HttpRequest, customer: Customer) -> None:
    record_access(actor=request.user, action=AccessLogEntry.Action.CHANGE, object_type="accounts.customer",
                  object_id=str(customer.pk), subject_ref=customer.external_id, request=request)


def _confirm_page(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Customer], *, action: str,
                  title: str, explanation: str, form: forms.Form | None = None) -> TemplateResponse:
    context = {**modeladmin.admin_site.each_context(request), "title": title, "explanation": explanation,
               "queryset": queryset, "action": action, "form": form, "opts": modeladmin.model._meta,
               "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME}
    return TemplateResponse(request, "admin/accounts/deletion_action.html", context)


def _apply(request: HttpRequest, queryset: QuerySet[Customer], service: Any, done: str) -> None:
    changed = 0
    for customer in queryset:
        try:
            service(customer)
        except DeletionConflict as exc:
            messages.warning(request, f"{customer}: {exc}")
            continue
        _log(request, customer)
        changed += 1
    if changed:
        messages.success(request, f"{done}: {changed} account(s).")


@admin.action(description="Record an immediate deletion requested by email (§5.3)", permissions=["change"])
def record_immediate_deletion(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Customer]) -> Any:
    form = ImmediateDeletionForm(request.POST if "apply" in request.POST else None,
                                 initial={"received_on": timezone.now().date()})
    if "apply" in request.POST and form.is_valid():
        # The start of that day (UTC): the 30 days never start later than the email arrived.
        received = datetime.combine(form.cleaned_data["received_on"], time(0, 0), tzinfo=UTC)
        now = timezone.now()
        _apply(request, queryset, lambda c: deletion_record_immediate(
            customer=c, requested_at=min(received, now), now=now, actor=request.user),
            "Immediate deletion recorded; erased at the next job run, due within 30 days")
        return None
    return _confirm_page(modeladmin, request, queryset, action="record_immediate_deletion", form=form,
                         title="Record an immediate deletion request",
                         explanation="Access is disabled now; the account is erased without the 31-day "
                         "grace period by the next job run, and at the latest 30 days after the request "
                         "(§5.3). The customer gets an acknowledgement email with the due date.")


@admin.action(description="Flag as a child under 16: terminate and erase (§9.2)", permissions=["change"])
def flag_child_under_16(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Customer]) -> Any:
    if "apply" in request.POST:
        now = timezone.now()
        _apply(request, queryset, lambda c: deletion_flag_child(customer=c, now=now, actor=request.user),
               "Terminated under §9.2; erased at the next job run, without grace")
        return None
    return _confirm_page(modeladmin, request, queryset, action="flag_child_under_16",
                         title="Terminate the account of a child under 16",
                         explanation="§9.2: the account is terminated at once and all its data is erased "
                         "as quickly as possible (the next job run), without the grace period. It cannot "
                         "be reactivated.")


@admin.action(description="Reactivate (cancel a pending deletion)", permissions=["change"])
def reactivate(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Customer]) -> None:
    now = timezone.now()
    _apply(request, queryset, lambda c: deletion_cancel(customer=c, now=now), "Reactivated")


DELETION_ACTIONS = [record_immediate_deletion, flag_child_under_16, reactivate]


class ErasureStepInline(admin.TabularInline):
    model = ErasureStep
    extra = 0
    can_delete = False
    fields = ["position", "system", "status", "attempts", "started_at", "finished_at", "removed",
              "anonymised", "kept", "note", "error"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Erasure)
class ErasureAdmin(admin.ModelAdmin):
    list_display = ["uuid", "status", "reason", "requested_at", "started_at", "finished_at", "certificate_links"]
    list_filter = ["status", "reason"]
    search_fields = ["uuid", "subject_hash", "request_ref"]
    inlines = [ErasureStepInline]
    fields = ["uuid", "status", "reason", "request_ref", "actor", "notify_subject", "subject_hash",
              "requested_at", "created_at", "started_at", "finished_at", "failure_reason",
              "certificate_sha256", "certificate_links"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # erasures start from the lifecycle or a request, never by hand

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Deletion certificate")
    def certificate_links(self, obj: Erasure) -> str:
        if not obj.certificate:
            return "—"
        pdf = reverse("admin:accounts_erasure_certificate", args=[obj.pk, "pdf"])
        json_url = reverse("admin:accounts_erasure_certificate", args=[obj.pk, "json"])
        return format_html('<a href="{}">PDF</a> · <a href="{}">JSON</a>', pdf, json_url)

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.certificate_view)
        return [path("<int:pk>/certificate.<str:fmt>", view, name="accounts_erasure_certificate"),
                *super().get_urls()]

    def certificate_view(self, request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        erasure = get_object_or_404(Erasure, pk=pk, certificate__isnull=False)
        if fmt == "json":
            response: HttpResponse = JsonResponse(erasure.certificate, json_dumps_params={"ensure_ascii": False,
                                                                                         "indent": 2})
        elif fmt == "pdf":
            response = HttpResponse(bytes(erasure.certificate_pdf or b""), content_type="application/pdf")
        else:
            return HttpResponse(status=404)
        response["Content-Disposition"] = f'attachment; filename="deletion-certificate-{erasure.uuid}.{fmt}"'
        return response


__all__ = ["DELETION_ACTIONS", "ErasureAdmin"]
