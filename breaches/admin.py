"""The breach register in the admin: security and privacy officers only, every view logged.

Officers work in Romanian local time (``BREACH_TIME_ZONE``): forms read and show times there;
the clock itself is stored and computed in UTC. Writes go through ``services``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts.admin_audit import AccessLoggedAdmin
from accounts.models import AccessLogEntry
from micropim_privacy.policy import CATEGORIES

from . import clock, conf
from .admin_notices import PeopleAdminViews
from .admin_views import AuthorityReportAdminViews
from .models import AuthorityReport, Breach, BreachAlert, SecurityReport
from .services import (
    BREACH_FIELDS,
    breach_create,
    breach_errors,
    breach_update,
    security_report_submit,
    security_report_triage,
)

LOCAL_HELP = "Local time ({tz}); the clock runs in UTC."


class _LocalTimeAdmin(AccessLoggedAdmin):
    """Render forms and lists in the officers' zone, and answer a refused form with 400."""

    def changeform_view(self, request: HttpRequest, object_id: str | None = None,
                        form_url: str = "", extra_context: dict[str, Any] | None = None) -> HttpResponse:
        with timezone.override(conf.TIME_ZONE):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if isinstance(response, TemplateResponse):
                response.render()
                if request.method == "POST" and response.context_data.get("errors"):
                    response.status_code = 400  # nothing was written
        return response

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        with timezone.override(conf.TIME_ZONE):
            response = super().changelist_view(request, extra_context)
            if isinstance(response, TemplateResponse):
                response.render()
        return response


# ---------------------------------------------------------------------------
# Breaches
# ---------------------------------------------------------------------------


class BreachAdminForm(forms.ModelForm):
    data_categories = forms.MultipleChoiceField(
        choices=[(c.key, f"{c.name} (§{c.section})") for c in CATEGORIES], required=False,
        widget=forms.CheckboxSelectMultiple, help_text="From the policy registry")
    source_report = forms.ModelChoiceField(
        queryset=SecurityReport.objects.filter(status=SecurityReport.Status.NEW), required=False,
        to_field_name="pk", help_text="The security report this breach comes from, if any")

    class Meta:
        model = Breach
        fields = [*BREACH_FIELDS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("discovered_at", "occurred_at"):
            if name in self.fields:
                self.fields[name].help_text = LOCAL_HELP.format(tz=conf.TIME_ZONE)
        if "contact_point" in self.fields and not self.instance.pk:
            self.fields["contact_point"].initial = conf.CONTACT_POINT

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        values = {name: cleaned.get(name, getattr(self.instance, name)) for name in BREACH_FIELDS}
        for name, problems in breach_errors(values, now=timezone.now()).items():
            for problem in problems:
                self.add_error(name if name in self.fields else None, problem)
        if (self.instance.pk and self.instance.authority_notified_at is not None
                and "discovered_at" in self.changed_data):
            self.add_error("discovered_at", "ANSPDCP was already notified: record a follow-up "
                                            "report with the correction instead.")
        return cleaned


class AuthorityReportInline(admin.TabularInline):
    model = AuthorityReport
    extra = 0
    can_delete = False
    fields = ["kind", "notified_local", "method", "reference", "late_reason", "notes", "recorded_by"]
    readonly_fields = fields
    verbose_name_plural = "Reports to ANSPDCP (initial and follow-ups, Art. 33(4))"

    @admin.display(description="Notified")
    def notified_local(self, obj: AuthorityReport) -> str:
        late = " — LATE" if obj.is_late else ""
        return clock.format_local(obj.notified_at) + late

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class BreachAlertInline(admin.TabularInline):
    model = BreachAlert
    extra = 0
    can_delete = False
    fields = ["stage", "due_at", "status", "completed_at", "recipients"]
    readonly_fields = fields
    verbose_name_plural = "Clock alerts to the officers (24/48/60 h, overdue)"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SecurityReportInline(admin.TabularInline):
    model = SecurityReport
    extra = 0
    can_delete = False
    fields = ["reference", "received_at", "channel", "status"]
    readonly_fields = fields
    verbose_name_plural = "Security reports this breach came from"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Breach)
class BreachAdmin(PeopleAdminViews, AuthorityReportAdminViews, _LocalTimeAdmin, admin.ModelAdmin):
    form = BreachAdminForm
    change_form_template = "admin/breaches/breach/change_form.html"
    list_display = ["reference", "title", "risk", "discovered_local", "deadline_local",
                    "countdown", "affected"]
    list_display_links = ["reference", "title"]
    list_filter = ["risk_level"]
    search_fields = ["reference", "title"]
    readonly_fields = ["reference", "deadline_local", "countdown", "authority_notified_local",
                       "risk_assessed_at", "risk_assessed_by", "recorded_at", "recorded_by", "updated_at"]
    inlines = [AuthorityReportInline, BreachAlertInline, SecurityReportInline]

    class Media:
        js = ["breaches/clock.js"]
        css = {"all": ["breaches/clock.css"]}

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[tuple[str | None, dict[str, Any]]]:
        head = ["title", "source_report"] if obj is None else ["reference", "title"]
        clock_fields = ["discovered_at", "occurred_at", "detected_by"]
        if obj is not None:
            clock_fields += ["deadline_local", "countdown", "authority_notified_local"]
        sets: list[tuple[str | None, dict[str, Any]]] = [
            (None, {"fields": head}),
            ("The clock — §6.4: ANSPDCP within 72 hours of discovery", {"fields": clock_fields}),
            ("Nature of the breach — Art. 33(3)(a)", {"fields": [
                "nature", ("confidentiality", "integrity", "availability"), "data_categories",
                "data_categories_note", "subject_categories", ("approx_subjects", "approx_records")]}),
            ("Consequences, measures, contact point — Art. 33(3)(b)–(d)", {"fields": [
                "likely_consequences", "measures_taken", "measures_proposed", "contact_point"]}),
            ("Risk assessment — Art. 33(1), 34(1)", {"fields": [
                "risk_level", "risk_reasoning", "risk_assessed_at", "risk_assessed_by"]}),
        ]
        if obj is not None:
            sets.append(("Record", {"fields": ["recorded_at", "recorded_by", "updated_at"]}))
        return sets

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        wanted = request.GET.get("source_report", "")
        report = (SecurityReport.objects.filter(pk=int(wanted), status=SecurityReport.Status.NEW).first()
                  if wanted.isascii() and wanted.isdigit() and len(wanted) < 18 else None)
        if report is not None:
            # §14.4 → register: start from what the reporter said; discovery defaults to receipt.
            initial.setdefault("title", report.summary)
            initial.setdefault("discovered_at", report.received_at)
            initial.setdefault("occurred_at", report.occurred_at)
            initial.setdefault("detected_by", f"Security report {report.reference} "
                                              f"({report.get_channel_display()})")
        elif "source_report" in initial:
            del initial["source_report"]
        initial.setdefault("discovered_at", timezone.now())
        return initial

    # -- columns -------------------------------------------------------------

    @admin.display(description="Risk", ordering="risk_level")
    def risk(self, obj: Breach) -> str:
        return obj.get_risk_level_display().split(" — ")[0]

    @admin.display(description="Discovered", ordering="discovered_at")
    def discovered_local(self, obj: Breach) -> str:
        return clock.format_local(obj.discovered_at)

    @admin.display(description="ANSPDCP deadline", ordering="authority_deadline_at")
    def deadline_local(self, obj: Breach) -> str:
        return clock.format_local(obj.authority_deadline_at)

    @admin.display(description="Notified to ANSPDCP")
    def authority_notified_local(self, obj: Breach) -> str:
        return clock.format_local(obj.authority_notified_at)

    @admin.display(description="Time left")
    def countdown(self, obj: Breach) -> str:
        now = timezone.now()
        if not obj.clock_running:
            return format_html('<span class="breach-clock-stopped">{}</span>', obj.time_left_text(now))
        return format_html('<span class="breach-clock" data-deadline="{}" data-server-now="{}">{}</span>',
                           obj.authority_deadline_at.isoformat(), now.isoformat(),
                           obj.time_left_text(now))

    @admin.display(description="People affected")
    def affected(self, obj: Breach) -> int:
        return obj.affected.count()

    # -- writes through the services ------------------------------------------

    def save_model(self, request: HttpRequest, obj: Breach, form: Any, change: bool) -> None:
        fields = {name: form.cleaned_data[name] for name in BREACH_FIELDS if name in form.cleaned_data}
        now = timezone.now()
        if change:
            saved = breach_update(breach=obj, fields=fields, actor=request.user, now=now)
        else:
            saved = breach_create(fields=fields, actor=request.user, now=now,
                                  source_report=form.cleaned_data.get("source_report"))
        obj.pk, obj.reference = saved.pk, saved.reference
        self._log(request, AccessLogEntry.Action.CHANGE if change else AccessLogEntry.Action.ADD, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # Art. 33(5): every breach stays documented

    def get_urls(self) -> list[URLPattern]:
        return [*self.extra_urls(), *self.people_urls(), *super().get_urls()]


# ---------------------------------------------------------------------------
# Security reports (§14.4)
# ---------------------------------------------------------------------------


class SecurityReportTriageForm(forms.ModelForm):
    status = forms.ChoiceField(choices=[
        (SecurityReport.Status.NEW, SecurityReport.Status.NEW.label),
        (SecurityReport.Status.NOT_A_BREACH, SecurityReport.Status.NOT_A_BREACH.label),
        (SecurityReport.Status.DUPLICATE, SecurityReport.Status.DUPLICATE.label),
    ], help_text="To record a breach, use “Record as a breach” above.")

    class Meta:
        model = SecurityReport
        fields = ["status", "triage_note"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.status == SecurityReport.Status.BREACH:
            raise ValidationError("This report is already recorded as a breach.")
        if cleaned.get("status") != SecurityReport.Status.NEW and not (cleaned.get("triage_note") or "").strip():
            self.add_error("triage_note", "Say why (it is kept as Art. 33(5) documentation).")
        return cleaned


class SecurityReportAddForm(forms.ModelForm):
    class Meta:
        model = SecurityReport
        fields = ["summary", "details", "reporter_name", "reporter_email", "occurred_at",
                  "personal_data_involved"]

    def clean_occurred_at(self) -> Any:
        value = self.cleaned_data.get("occurred_at")
        if value is not None and value > timezone.now():
            raise ValidationError("Cannot be in the future.")
        return value


@admin.register(SecurityReport)
class SecurityReportAdmin(_LocalTimeAdmin, admin.ModelAdmin):
    change_form_template = "admin/breaches/securityreport/change_form.html"
    list_display = ["reference", "received_at", "channel", "status", "summary", "breach"]
    list_filter = ["status", "channel"]
    search_fields = ["reference", "summary"]
    intake_fields = ["reference", "received_at", "channel", "api_client", "entered_by", "reporter_name",
                     "reporter_email", "summary", "details", "occurred_at", "personal_data_involved",
                     "officers_alerted_at", "breach", "triaged_by", "triaged_at"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["form"] = SecurityReportTriageForm if obj is not None else SecurityReportAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.intake_fields if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return list(SecurityReportAddForm.Meta.fields)
        return [*self.intake_fields, "status", "triage_note"]

    def save_model(self, request: HttpRequest, obj: SecurityReport, form: Any, change: bool) -> None:
        now = timezone.now()
        if change:
            saved = security_report_triage(report=obj, status=form.cleaned_data["status"],
                                           note=form.cleaned_data.get("triage_note", ""),
                                           actor=request.user, now=now)
        else:
            saved = security_report_submit(channel=SecurityReport.Channel.STAFF, now=now,
                                           entered_by=request.user, **form.cleaned_data)
        obj.pk, obj.reference = saved.pk, saved.reference
        self._log(request, AccessLogEntry.Action.CHANGE if change else AccessLogEntry.Action.ADD, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], add: bool = False,
                           change: bool = False, form_url: str = "", obj: Any = None) -> HttpResponse:
        if obj is not None and obj.status == SecurityReport.Status.NEW and request.user.has_perm("breaches.add_breach"):
            context["record_breach_url"] = reverse("admin:breaches_breach_add") + f"?source_report={obj.pk}"
        return super().render_change_form(request, context, add, change, form_url, obj)

