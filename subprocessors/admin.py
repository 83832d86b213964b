"""Admin: the register, objections, policy versions, campaigns, and the Art. 30 downloads.

Every write goes through ``services``/``campaigns``; the forms check the same rules first.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils import timezone

from accounts.access_log import record_access
from accounts.admin_audit import AccessLoggedAdmin
from accounts.models import AccessLogEntry

from . import services
from .art30 import record_csv, record_pdf
from .forms import ObjectionAnswerForm, PolicyVersionForm, SubProcessorForm
from .models import (
    PolicyResponse,
    PolicyVersion,
    RegisterChange,
    SubProcessor,
    SubProcessorObjection,
)
from .services import EDITABLE_FIELDS

ART30_PERMISSION = "subprocessors.download_art30_record"


def _report_errors(modeladmin: admin.ModelAdmin, request: HttpRequest, label: str, exc: ValidationError) -> None:
    modeladmin.message_user(request, f"{label}: {' '.join(exc.messages)}", messages.ERROR)


@admin.register(SubProcessor)
class SubProcessorAdmin(admin.ModelAdmin):
    form = SubProcessorForm
    list_display = ["name", "status", "service", "location", "third_countries", "starts_on", "open_objections"]
    list_filter = ["status"]
    actions = ["announce", "retire"]
    change_list_template = "admin/subprocessors/subprocessor/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[SubProcessor]:
        return super().get_queryset(request).annotate(
            n_open=Count("objections", filter=Q(objections__status=SubProcessorObjection.Status.OPEN)))

    @admin.display(description="Open objections", ordering="n_open")
    def open_objections(self, obj: SubProcessor) -> int:
        return getattr(obj, "n_open", 0)

    def get_readonly_fields(self, request: HttpRequest, obj: SubProcessor | None = None) -> list[str]:
        fixed = ["name", "status", "announced_at", "announcement", "retired_on"]
        if obj is not None and obj.status != SubProcessor.Status.PROPOSED:
            return [*fixed, "starts_on"]
        return fixed if obj is not None else []

    def save_model(self, request: HttpRequest, obj: SubProcessor, form: Any, change: bool) -> None:
        data, now = form.cleaned_data, timezone.now()
        if change:
            services.subprocessor_update(
                subprocessor=obj, fields={k: data[k] for k in EDITABLE_FIELDS if k in data}, now=now)
            if "starts_on" in data and obj.status == SubProcessor.Status.PROPOSED:
                SubProcessor.objects.filter(pk=obj.pk).update(starts_on=data["starts_on"])
        else:
            created = services.subprocessor_propose(
                **{k: data[k] for k in ("name", "service", "data_shared", "location", "third_countries",
                                        "safeguards", "scc_module", "dpf_certified", "tia_date",
                                        "safeguards_text", "starts_on", "position")}, now=now)
            obj.pk = created.pk
            obj._state.adding = False
        if data.get("announce_now"):
            services.subprocessor_announce(subprocessor=obj, starts_on=data["starts_on"], by=request.user, now=now)
            self.message_user(request, f"{data.get('name') or obj.name} announced; every active customer is "
                                       "being notified.", messages.SUCCESS)
        obj.refresh_from_db()

    @admin.action(description="Announce the selected (proposed) sub-processors and notify customers",
                  permissions=["change"])
    def announce(self, request: HttpRequest, queryset: QuerySet[SubProcessor]) -> None:
        for sp in queryset:
            try:
                services.subprocessor_announce(subprocessor=sp, starts_on=sp.starts_on, by=request.user,
                                               now=timezone.now())
            except ValidationError as exc:
                _report_errors(self, request, sp.name, exc)
            else:
                self.message_user(request, f"{sp.name} announced, starting {sp.starts_on}.", messages.SUCCESS)

    @admin.action(description="Retire the selected sub-processors", permissions=["change"])
    def retire(self, request: HttpRequest, queryset: QuerySet[SubProcessor]) -> None:
        for sp in queryset:
            services.subprocessor_retire(subprocessor=sp, now=timezone.now())
        self.message_user(request, "Retired; the change is published in the feed.", messages.SUCCESS)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the register is history: retire instead

    # -- Art. 30 record of processing (GDPR Art. 30; privacy officers) --

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path("art30.pdf", self.admin_site.admin_view(self.art30_pdf), name="subprocessors_art30_pdf"),
            path("art30.csv", self.admin_site.admin_view(self.art30_csv), name="subprocessors_art30_csv"),
        ]
        return [*extra, *super().get_urls()]

    def _art30(self, request: HttpRequest, body: bytes | str, content_type: str, ext: str) -> HttpResponse:
        now = timezone.now()
        record_access(actor=request.user, action=AccessLogEntry.Action.EXPORT,
                      object_type=f"art30_record.{ext}", request=request)
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="art30-record-{now:%Y-%m-%d}.{ext}"'
        return response

    def art30_pdf(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm(ART30_PERMISSION):
            raise PermissionDenied
        return self._art30(request, record_pdf(now=timezone.now()), "application/pdf", "pdf")

    def art30_csv(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm(ART30_PERMISSION):
            raise PermissionDenied
        return self._art30(request, record_csv(now=timezone.now()), "text/csv; charset=utf-8", "csv")

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        extra = {**(extra_context or {}), "can_download_art30": request.user.has_perm(ART30_PERMISSION)}
        return super().changelist_view(request, extra)


@admin.register(RegisterChange)
class RegisterChangeAdmin(admin.ModelAdmin):
    list_display = ["at", "subprocessor", "kind", "summary"]
    list_filter = ["kind"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SubProcessorObjection)
class SubProcessorObjectionAdmin(AccessLoggedAdmin, admin.ModelAdmin):
    """Privacy officers see and answer customers' objections (§4.2, §12.3)."""

    form = ObjectionAnswerForm
    list_display = ["id", "subprocessor", "customer_ref", "status", "received_at", "answered_at"]
    list_filter = ["status", "subprocessor"]
    readonly_fields = ["subprocessor", "customer_ref", "reason", "channel", "received_at", "status",
                       "answered_by", "answered_at"]
    fields = [*readonly_fields, "answer"]

    def subject_ref_of(self, obj: Any) -> str:
        return obj.customer.external_id if obj is not None and obj.customer else ""

    @admin.display(description="Customer")
    def customer_ref(self, obj: SubProcessorObjection) -> str:
        return obj.customer.external_id if obj.customer else "(erased)"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and obj.status == SubProcessorObjection.Status.ANSWERED:
            return [*self.readonly_fields, "answer"]
        return list(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: SubProcessorObjection, form: Any, change: bool) -> None:
        services.objection_answer(objection=obj, answer=form.cleaned_data["answer"], by=request.user,
                                  now=timezone.now())
        obj.refresh_from_db()
        self._log(request, AccessLogEntry.Action.CHANGE, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    """§13: adding a version publishes it; a material one is announced (≥ 30 days' notice)."""

    form = PolicyVersionForm
    list_display = ["number", "effective_on", "material", "published_at", "announced_at", "responses_count"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PolicyVersion]:
        return super().get_queryset(request).annotate(n_responses=Count("responses"))

    @admin.display(description="Acknowledgements / objections", ordering="n_responses")
    def responses_count(self, obj: PolicyVersion) -> int:
        return getattr(obj, "n_responses", 0)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return ["number", "effective_on", "material", "text", "change_summary", "published_at", "announced_at",
                "announcement", "created_by"]

    def save_model(self, request: HttpRequest, obj: PolicyVersion, form: Any, change: bool) -> None:
        if change:
            return  # published versions are never edited (§13.4 history)
        data = form.cleaned_data
        version = services.policy_version_publish(
            number=data["number"], effective_on=data["effective_on"], material=data["material"],
            text=data["text"], change_summary=data["change_summary"], by=request.user, now=timezone.now())
        obj.pk = version.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PolicyResponse)
class PolicyResponseAdmin(AccessLoggedAdmin, admin.ModelAdmin):
    list_display = ["at", "version", "kind", "customer_ref", "channel"]
    list_filter = ["kind", "version"]

    def subject_ref_of(self, obj: Any) -> str:
        return obj.customer.external_id if obj is not None and obj.customer else ""

    @admin.display(description="Customer")
    def customer_ref(self, obj: PolicyResponse) -> str:
        return obj.customer.external_id if obj.customer else "(erased)"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


from . import admin_campaigns  # noqa: E402, F401 — registers the campaign admins
