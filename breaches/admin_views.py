"""Extra admin pages of a breach: record a report to ANSPDCP, and its PDF (§6.4; Art. 33).

Mixed into ``BreachAdmin``. Each page checks the officer's permission and is access-logged.
A refused form answers 400 and writes nothing.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from accounts.models import AccessLogEntry

from . import clock, conf
from .document import authority_notification_pdf
from .models import AuthorityReport, Breach
from .services import authority_report_record


class AuthorityReportForm(forms.Form):
    notified_at = forms.SplitDateTimeField(widget=AdminSplitDateTime, label="Notified at",
                                           help_text="When ANSPDCP was told — local time")
    method = forms.ChoiceField(choices=AuthorityReport.Method.choices, label="How")
    reference = forms.CharField(max_length=100, label="ANSPDCP reference",
                                help_text="The registration number ANSPDCP gave")
    late_reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                  label="Reasons for the delay",
                                  help_text="Required when the initial report comes after the "
                                            "72 hours (GDPR Art. 33(1))")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            label="What this report adds (follow-ups, Art. 33(4))")


class AuthorityReportAdminViews:
    """URLs and views; ``self`` is the ``BreachAdmin``."""

    def extra_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view  # type: ignore[attr-defined]
        return [
            path("<int:pk>/authority-report/", view(self.authority_report_view),
                 name="breaches_breach_authority_report"),
            path("<int:pk>/authority-notification.pdf", view(self.authority_pdf_view),
                 name="breaches_breach_authority_pdf"),
        ]

    def _breach_for(self, request: HttpRequest, pk: int, *, change: bool) -> Breach:
        breach = get_object_or_404(Breach, pk=pk)
        allowed = (self.has_change_permission(request, breach) if change  # type: ignore[attr-defined]
                   else self.has_view_or_change_permission(request, breach))  # type: ignore[attr-defined]
        if not allowed:
            raise PermissionDenied
        return breach

    def authority_report_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        breach = self._breach_for(request, pk, change=True)
        status = 200
        with timezone.override(conf.TIME_ZONE):
            if request.method == "POST":
                form = AuthorityReportForm(request.POST)
                if form.is_valid():
                    try:
                        report = authority_report_record(breach=breach, actor=request.user,
                                                         now=timezone.now(), **form.cleaned_data)
                    except ValidationError as exc:
                        for name, problems in exc.message_dict.items():
                            for problem in problems:
                                form.add_error(name if name in form.fields else None, problem)
                    else:
                        self._log(request, AccessLogEntry.Action.CHANGE, breach)  # type: ignore[attr-defined]
                        messages.success(request, f"{report.get_kind_display()} to ANSPDCP recorded "
                                                  f"({report.reference}).")
                        return HttpResponseRedirect(reverse("admin:breaches_breach_change", args=[breach.pk]))
                status = 400
            else:
                form = AuthorityReportForm(initial={"notified_at": timezone.now()})
                self._log(request, AccessLogEntry.Action.VIEW, breach)  # type: ignore[attr-defined]
            first = not breach.authority_reports.exists()
            context = {
                **self.admin_site.each_context(request),  # type: ignore[attr-defined]
                "title": f"{'Initial notification' if first else 'Follow-up report'} to ANSPDCP — "
                         f"{breach.reference}",
                "breach": breach, "form": form, "first": first,
                "deadline": clock.format_local(breach.authority_deadline_at),
                "time_left": breach.time_left_text(timezone.now()),
                "opts": Breach._meta, "media": self.media + form.media,  # type: ignore[attr-defined]
            }
            response = TemplateResponse(request, "admin/breaches/breach/authority_report.html",
                                        context, status=status)
            response.render()
        return response

    def authority_pdf_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        breach = self._breach_for(request, pk, change=False)
        report_id = request.GET.get("report", "")
        report = None
        if report_id.isascii() and report_id.isdigit():
            report = get_object_or_404(breach.authority_reports, pk=int(report_id))
        pdf = authority_notification_pdf(breach, report=report)
        self._log(request, AccessLogEntry.Action.EXPORT, breach)  # type: ignore[attr-defined]
        response = HttpResponse(pdf, content_type="application/pdf")
        suffix = str(report.pk) if report else "draft"
        response["Content-Disposition"] = f'attachment; filename="{breach.reference}-anspdcp-{suffix}.pdf"'
        return response
