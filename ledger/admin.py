"""The admin: the "needs attention" list (the watchdog's findings, each with its safe actions),
and read-only views of the erasure ledger and its replays (no personal data in either)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from .actions import (
    LABELS,
    MARK_FAILED,
    REASSIGN,
    ActionRefused,
    finding_mark_failed,
    finding_reassign,
    finding_retry,
    offered,
)
from .models import Finding, LedgerEntry, ReplayRun
from .selectors import staff_users


class ReassignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=staff_users(), help_text="A staff member who will handle it")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_users()  # type: ignore[attr-defined]


class MarkFailedForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=1000,
                             help_text="Why it failed: recorded on the item (for a request, on its timeline)")


class ConfirmForm(forms.Form):
    pass


FORMS: dict[str, type[forms.Form]] = {REASSIGN: ReassignForm, MARK_FAILED: MarkFailedForm}


def _admin_url(object_type: str, object_id: str) -> str | None:
    app, _, model = object_type.partition(".")
    try:
        return reverse(f"admin:{app}_{model}_change", args=[object_id])
    except NoReverseMatch:
        return None


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["kind", "what", "reason", "first_seen_at", "alerted_at", "assignee", "state", "actions_links"]
    list_filter = ["state", "kind", "rule"]
    search_fields = ["reason", "key"]
    fields = ["kind", "rule", "what", "reason", "state", "first_seen_at", "last_seen_at", "alerted_at",
              "assignee", "resolved_at", "resolution", "history_table", "actions_links", "key"]
    readonly_fields = fields
    list_select_related = ["assignee"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # findings come from the watchdog

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # proof of what was stalled and how it was handled

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if not any(k.startswith("state") for k in request.GET) and "q" not in request.GET:
            query = request.GET.copy()
            query["state__exact"] = Finding.State.OPEN
            return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")
        return super().changelist_view(request, extra_context)

    @admin.display(description="What")
    def what(self, obj: Finding) -> str:
        url = _admin_url(obj.object_type, obj.object_id)
        label = f"{obj.object_type} #{obj.object_id}"
        return format_html('<a href="{}">{}</a>', url, label) if url else label

    @admin.display(description="Actions")
    def actions_links(self, obj: Finding) -> str:
        names = offered(obj)
        if not names:
            return "—"
        return format_html_join(" · ", '<a href="{}">{}</a>', (
            (reverse("admin:ledger_finding_act", args=[obj.pk, name]), LABELS[name]) for name in names))

    @admin.display(description="History")
    def history_table(self, obj: Finding) -> str:
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} — {}: {} {}</li>", (
            (h.get("at", "")[:16], h.get("by", ""), h.get("action", ""), h.get("note", "")) for h in obj.history)))

    def get_urls(self) -> list[URLPattern]:
        mine = [path("<int:pk>/act/<str:name>/", self.admin_site.admin_view(self.action_view),
                     name="ledger_finding_act")]
        return [*mine, *super().get_urls()]

    def action_view(self, request: HttpRequest, pk: int, name: str) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        if name not in LABELS:
            raise Http404("No such action.")
        finding = get_object_or_404(Finding, pk=pk)
        form = FORMS.get(name, ConfirmForm)(request.POST if request.method == "POST" else None)
        status, refusal = 200, ""
        if request.method == "POST":
            if form.is_valid():
                try:
                    message = self._run(name, finding, form.cleaned_data, request)
                except ActionRefused as exc:
                    form.add_error(None, str(exc))
                    status = 409
                else:
                    self.message_user(request, message, messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:ledger_finding_changelist"))
            else:
                status = 400
        elif name not in offered(finding):
            refusal, status = f"{LABELS[name]} is not possible for this item now.", 409
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "finding": finding,
                   "form": form, "refusal": refusal, "label": LABELS[name], "title": f"{LABELS[name]}: {finding}",
                   "object_url": _admin_url(finding.object_type, finding.object_id)}
        return TemplateResponse(request, "admin/ledger/finding_action.html", context, status=status)

    def _run(self, name: str, finding: Finding, data: dict[str, Any], request: HttpRequest) -> str:
        now, user = timezone.now(), request.user
        if name == REASSIGN:
            return finding_reassign(finding=finding, assignee=data["assignee"], actor=user, now=now)  # type: ignore[arg-type]
        if name == MARK_FAILED:
            return finding_mark_failed(finding=finding, reason=data["reason"], actor=user, now=now)  # type: ignore[arg-type]
        return finding_retry(finding=finding, actor=user, now=now)  # type: ignore[arg-type]


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # append-only; the retention purge deletes


@admin.register(LedgerEntry)
class LedgerEntryAdmin(_ReadOnly):
    list_display = ["erasure_uuid", "reason", "erased_at", "recorded_at", "certificate_sha256"]
    list_filter = ["reason"]
    search_fields = ["erasure_uuid", "identifiers__hash"]
    fields = ["erasure_uuid", "reason", "requested_at", "erased_at", "recorded_at", "systems",
              "certificate_sha256", "hashes"]
    readonly_fields = fields

    @admin.display(description="Identifier hashes (HMAC-SHA256)")
    def hashes(self, obj: LedgerEntry) -> str:
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: <code>{}</code></li>", (
            (i.kind, i.hash) for i in obj.identifiers.all())))


@admin.register(ReplayRun)
class ReplayRunAdmin(_ReadOnly):
    list_display = ["started_at", "finished_at", "since", "counts"]
    fields = ["started_at", "finished_at", "since", "dry_run", "counts", "results"]
    readonly_fields = fields
