"""The officer's queue (Django admin): deadline badges, filters, one-click actions that ask for
what the law needs, and each request's full timeline and communications on one page.

Support agents have no dsar permission at all (accounts/roles.py); identity documents are
shown only to privacy officers, and every view of one is logged.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts.admin_audit import AccessLoggedAdmin

from .admin_actions import ACTIONS, BULK, Action
from .intake import Submission, request_submit, validate_submission
from .models import DataSubjectRequest, IdentityDocument, Status
from .selectors import communications, deadline_filter, latest_package, timeline
from .services import WorkflowError, request_assign
from .vault import document_read


class DeadlineListFilter(admin.SimpleListFilter):
    title = "deadline"
    parameter_name = "deadline"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("overdue", "Overdue"), ("due_soon", "Due this week"), ("on_track", "On track")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in ("overdue", "due_soon", "on_track"):
            return queryset.filter(deadline_filter(str(self.value()), timezone.now()))
        return queryset


class StaffIntakeForm(forms.ModelForm):
    """A request that came by email, post or phone, entered with its real receipt date."""

    corrections = forms.JSONField(required=False, initial=dict,
                                  help_text="Rectification only: {\"field\": \"corrected value\"}")

    class Meta:
        model = DataSubjectRequest
        fields = ["type", "jurisdiction", "channel", "received_at", "email", "full_name", "language",
                  "customer", "details", "corrections", "agent_name", "agent_email"]
        help_texts = {"received_at": "When the request reached us (the 30 days count from here)."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [c for c in DataSubjectRequest.Channel.choices
                                          if c[0] in ("email", "post", "phone")]
        self.fields["jurisdiction"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            try:
                validate_submission(self.submission(), now=timezone.now())
            except ValidationError as exc:
                for field, problems in exc.message_dict.items():
                    self.add_error(field if field in self.fields else None, problems)
        return data

    def submission(self) -> Submission:
        d = self.cleaned_data
        return Submission(type=d["type"], email=d["email"], channel=d["channel"],
                          received_at=d["received_at"], customer=d.get("customer"),
                          jurisdiction=d.get("jurisdiction") or "", full_name=d.get("full_name") or "",
                          language=d.get("language") or "", details=d.get("details") or "",
                          corrections=d.get("corrections") or {}, agent_name=d.get("agent_name") or "",
                          agent_email=d.get("agent_email") or "")


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(AccessLoggedAdmin, admin.ModelAdmin):
    list_display = ["reference", "type", "status", "deadline_badge", "due_at", "received_at",
                    "jurisdiction", "assignee", "extended_flag", "possibly_excessive"]
    list_filter = ["type", "status", "jurisdiction", ("assignee", admin.RelatedOnlyFieldListFilter),
                   DeadlineListFilter, "channel", "possibly_excessive"]
    search_fields = ["=public_id", "email", "customer__external_id"]
    ordering = ["due_at"]
    list_select_related = ["assignee", "customer"]
    raw_id_fields = ["customer"]
    actions = [f"{name}_action" for name in BULK]
    change_form_template = "admin/dsar/datasubjectrequest/change_form.html"
    fieldsets = [
        (None, {"fields": ["public_id", "type", "jurisdiction", "status", "channel", "assignee"]}),
        ("Deadline (§7.10)", {"fields": ["received_at", "original_due_at", "due_at", "extended_at",
                                         "extension_reason"]}),
        ("Data subject", {"fields": ["customer", "email", "full_name", "language", "details",
                                     "corrections"]}),
        ("Identity (§7.10)", {"fields": ["verified_at", "verification_method", "agent_name",
                                         "agent_email", "agent_permission_confirmed_at"]}),
        ("Fees, refusal, decision", {"fields": ["possibly_excessive", "repeat_of", "fee_amount",
                                                "fee_currency", "fee_reason", "fee_paid_at",
                                                "refusal_reason", "decision", "decision_grounds"]}),
        ("Answer", {"fields": ["answer", "restriction_lift_announced_at", "restriction_lifted_at",
                               "closed_at"]}),
    ]

    class Media:
        css = {"all": ["dsar/admin.css"]}

    # -- list -----------------------------------------------------------------
    @admin.display(description="request", ordering="public_id")
    def reference(self, obj: DataSubjectRequest) -> str:
        return str(obj.public_id)[:8]

    @admin.display(description="deadline")
    def deadline_badge(self, obj: DataSubjectRequest) -> str:
        state = obj.deadline_state(timezone.now())
        return format_html('<span class="dsar-badge dsar-{}">{}</span>', state.value, state.label)

    @admin.display(description="extended", boolean=True)
    def extended_flag(self, obj: DataSubjectRequest) -> bool:
        return obj.extended

    def subject_ref_of(self, obj: Any) -> str:
        return obj.subject_ref if obj is not None else ""

    # -- add and change -------------------------------------------------------
    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = StaffIntakeForm
            kwargs["fields"] = StaffIntakeForm.Meta.fields
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return [(None, {"fields": StaffIntakeForm.Meta.fields})]
        return self.fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return [f.name for f in self.model._meta.fields if f.name not in ("assignee", "id")]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        now = timezone.now()
        if change:
            request_assign(dsr=obj, assignee=form.cleaned_data.get("assignee"), actor=request.user, now=now)
        else:
            created = request_submit(submission=form.submission(), actor=request.user, now=now)
            obj.pk = created.pk
            obj._state.adding = False
            obj.refresh_from_db()
        self._log(request, "change" if change else "add", obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a request is proof: it is closed, never deleted

    def changeform_view(self, request: HttpRequest, object_id: str | None = None, form_url: str = "",
                        extra_context: dict[str, Any] | None = None) -> HttpResponse:
        extra = dict(extra_context or {})
        if object_id:
            dsr = self.get_object(request, object_id)
            if dsr is not None:
                extra.update(self._page_context(dsr))
        return super().changeform_view(request, object_id, form_url, extra)

    def _page_context(self, dsr: DataSubjectRequest) -> dict[str, Any]:
        now = timezone.now()
        buttons = [a for a in ACTIONS.values() if _offered(a, dsr)]
        return {
            "dsr": dsr, "deadline": dsr.deadline_state(now), "timeline": timeline(dsr),
            "communications": communications(dsr), "documents": dsr.identity_documents.all(),
            "package": latest_package(dsr), "actions": buttons, "right": dsr.right,
        }

    # -- actions --------------------------------------------------------------
    def get_urls(self) -> list[URLPattern]:
        mine = [
            path("<int:pk>/act/<str:name>/", self.admin_site.admin_view(self.action_view),
                 name="dsar_datasubjectrequest_act"),
            path("document/<int:pk>/", self.admin_site.admin_view(self.document_view),
                 name="dsar_identitydocument_image"),
        ]
        return [*mine, *super().get_urls()]

    def action_view(self, request: HttpRequest, pk: int, name: str) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        action = ACTIONS.get(name)
        if action is None:
            raise Http404("No such action.")
        dsr = get_object_or_404(DataSubjectRequest.objects.select_related("customer"), pk=pk)
        change_url = reverse("admin:dsar_datasubjectrequest_change", args=[dsr.pk])
        form = action.form(request.POST or None, dsr=dsr)
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    message = action.run(dsr, form.cleaned_data, request.user, timezone.now())
                except WorkflowError as exc:
                    form.add_error(None, str(exc))
                    status = 409
                else:
                    self.message_user(request, message, messages.SUCCESS)
                    return HttpResponseRedirect(change_url)
            else:
                status = 400
        return self._form_page(request, action, form, [dsr], status=status, change_url=change_url)

    def _form_page(self, request: HttpRequest, action: Action, form: Any, requests: list[Any],
                   *, status: int = 200, change_url: str = "", bulk: bool = False) -> HttpResponse:
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": f"{action.label}: {len(requests)} request(s)", "action": action, "form": form,
                   "requests": requests, "bulk": bulk, "change_url": change_url,
                   "action_checkbox_name": ACTION_CHECKBOX_NAME, "now": timezone.now()}
        return TemplateResponse(request, "admin/dsar/action_form.html", context, status=status)

    def _bulk(self, request: HttpRequest, queryset: QuerySet[DataSubjectRequest], name: str) -> Any:
        action = ACTIONS[name]
        if queryset.count() == 1 and "apply" not in request.POST:
            return HttpResponseRedirect(reverse("admin:dsar_datasubjectrequest_act",
                                                args=[queryset.get().pk, name]))
        form = action.form(request.POST if "apply" in request.POST else None, dsr=None)
        if "apply" in request.POST and form.is_valid():
            done, failed = 0, []
            for dsr in queryset.select_related("customer"):
                try:
                    action.run(dsr, form.cleaned_data, request.user, timezone.now())
                    done += 1
                except WorkflowError as exc:
                    failed.append(f"{dsr}: {exc}")
            self.message_user(request, f"{action.label}: {done} done.", messages.SUCCESS)
            for line in failed:
                self.message_user(request, line, messages.ERROR)
            return None
        return self._form_page(request, action, form, list(queryset), bulk=True)

    @admin.action(description="Verify identity…")
    def verify_action(self, request: HttpRequest, queryset: QuerySet[DataSubjectRequest]) -> Any:
        return self._bulk(request, queryset, "verify")

    @admin.action(description="Extend (with a reason)…")
    def extend_action(self, request: HttpRequest, queryset: QuerySet[DataSubjectRequest]) -> Any:
        return self._bulk(request, queryset, "extend")

    @admin.action(description="Complete…")
    def complete_action(self, request: HttpRequest, queryset: QuerySet[DataSubjectRequest]) -> Any:
        return self._bulk(request, queryset, "complete")

    @admin.action(description="Refuse (with a reason)…")
    def refuse_action(self, request: HttpRequest, queryset: QuerySet[DataSubjectRequest]) -> Any:
        return self._bulk(request, queryset, "refuse")

    # -- identity documents ---------------------------------------------------
    def document_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The image itself: privacy officers only, never cached, every view logged."""
        doc = get_object_or_404(IdentityDocument.objects.select_related("request", "request__customer"), pk=pk)
        try:
            plain = document_read(doc=doc, viewer=request.user, now=timezone.now(), request=request)
        except PermissionError as exc:
            raise PermissionDenied from exc
        response = HttpResponse(plain, content_type=doc.content_type)
        response["Cache-Control"] = "no-store"
        response["Content-Disposition"] = f'inline; filename="identity-document-{doc.pk}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


def _offered(action: Action, dsr: DataSubjectRequest) -> bool:
    """Which buttons make sense on this request's page now."""
    name, is_open = action.name, dsr.is_open
    restricted = bool(dsr.customer and dsr.customer.processing_restricted and not dsr.restriction_lifted_at)
    return {
        "verify": is_open and not (dsr.verified and dsr.status not in (Status.RECEIVED,
                                                                        Status.AWAITING_VERIFICATION)),
        "extend": is_open and not dsr.extended and not dsr.right.immediate,
        "complete": is_open and dsr.status != Status.AWAITING_FEE,
        "refuse": is_open,
        "fee": dsr.status in (Status.VERIFIED, Status.IN_PROGRESS),
        "fee_paid": dsr.status == Status.AWAITING_FEE,
        "ask_id": is_open and not dsr.verified,
        "resend_link": is_open and not dsr.verified,
        "withdraw": is_open,
        "announce_lift": (dsr.type == "restriction" and dsr.status == Status.COMPLETED and restricted
                          and dsr.restriction_lift_announced_at is None),
        "lift": restricted and dsr.restriction_lift_announced_at is not None,
    }.get(name, False)


@admin.register(IdentityDocument)
class IdentityDocumentAdmin(admin.ModelAdmin):
    """Metadata only; the image opens from the request's page (logged)."""

    list_display = ["pk", "kind", "request", "content_type", "size_bytes", "uploaded_at"]
    list_filter = ["kind"]
    fields = ["request", "customer", "kind", "content_type", "size_bytes", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deleted with the request's closing, recorded on its timeline

