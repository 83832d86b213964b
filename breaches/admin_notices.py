"""Admin page of a breach's people: who is affected, and the Art. 34 notice to them (§6.4).

Mixed into ``BreachAdmin``. Shows each sending and each person's delivery record. Writes go
through ``notices``; a refused form answers 400 and writes nothing.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from accounts.models import AccessLogEntry
from micropim_privacy.api_errors import Conflict

from . import conf
from .models import Breach
from .notices import affected_add, breach_campaigns, deliveries, subject_notice_send

SHOWN = 500  # delivery rows shown on the page; the API lists them all


class AffectedPeopleForm(forms.Form):
    external_ids = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                   label="Accounts affected", help_text="External ids, one per line")
    all_customers = forms.BooleanField(required=False, label="Every customer account (not erased)")


def _area(label: str) -> forms.CharField:
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 3, "cols": 80}))


class SubjectNoticeForm(forms.Form):
    nature_en = _area("Nature of the breach (English)")
    nature_ro = _area("Natura încălcării (română)")
    consequences_en = _area("Likely consequences (English)")
    consequences_ro = _area("Consecințe probabile (română)")
    measures_en = _area("Measures taken or proposed (English)")
    measures_ro = _area("Măsuri luate sau propuse (română)")
    contact_point = forms.CharField(label="Contact point", widget=forms.Textarea(attrs={"rows": 2}))


def _copy_errors(form: forms.Form, exc: ValidationError) -> None:
    for name, problems in exc.message_dict.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


class PeopleAdminViews:
    """``self`` is the ``BreachAdmin``."""

    def people_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.people_view)  # type: ignore[attr-defined]
        return [path("<int:pk>/people/", view, name="breaches_breach_people")]

    def people_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        breach = self._breach_for(request, pk, change=request.method == "POST")  # type: ignore[attr-defined]
        people = AffectedPeopleForm(request.POST if request.POST.get("action") == "add" else None)
        notice = SubjectNoticeForm(request.POST if request.POST.get("action") == "notify" else None, initial={
            "nature_en": breach.nature, "consequences_en": breach.likely_consequences,
            "measures_en": "\n".join(filter(None, [breach.measures_taken, breach.measures_proposed])),
            "contact_point": breach.contact_point})
        status = 200
        if request.method == "POST":
            form = people if people.is_bound else notice
            if form.is_bound and form.is_valid():
                try:
                    self._people_write(request, breach, people if people.is_bound else None, notice)
                except ValidationError as exc:
                    _copy_errors(form, exc)
                except Conflict as exc:
                    form.add_error(None, str(exc.detail))
                else:
                    self._log(request, AccessLogEntry.Action.CHANGE, breach)  # type: ignore[attr-defined]
                    return HttpResponseRedirect(reverse("admin:breaches_breach_people", args=[breach.pk]))
            status = 400
        else:
            self._log(request, AccessLogEntry.Action.VIEW, breach)  # type: ignore[attr-defined]
        rows = deliveries(breach)
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": f"People affected and their notice — {breach.reference}",
            "breach": breach, "people": people, "notice": notice, "opts": Breach._meta,
            "affected": breach.affected.count(), "campaigns": breach_campaigns(breach),
            "deliveries": rows[:SHOWN], "deliveries_total": rows.count(), "shown": SHOWN,
            "high_risk": breach.risk_level == Breach.Risk.HIGH,
        }
        with timezone.override(conf.TIME_ZONE):  # the officers' local time, as elsewhere
            response = TemplateResponse(request, "admin/breaches/breach/people.html", context, status=status)
            response.render()
        return response

    def _people_write(self, request: HttpRequest, breach: Breach, people: AffectedPeopleForm | None,
                      notice: SubjectNoticeForm) -> None:
        now = timezone.now()
        if people is not None:
            ids = [line.strip() for line in people.cleaned_data["external_ids"].splitlines() if line.strip()]
            added = affected_add(breach=breach, now=now, external_ids=ids,
                                 all_customers=people.cleaned_data["all_customers"])
            messages.success(request, f"{added} people added to the breach.")
            return
        texts = dict(notice.cleaned_data)
        contact = texts.pop("contact_point")
        campaign = subject_notice_send(breach=breach, texts=texts, contact_point=contact,
                                       actor=request.user, now=now)
        messages.success(request, f"Notice on its way to {campaign.recipients_count} people.")
