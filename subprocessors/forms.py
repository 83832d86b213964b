"""Admin forms: they check with the same pure rules the services enforce (rules.py), so the
admin shows a field error instead of failing on save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify

from . import rules
from .models import NoticeCampaign, PolicyVersion, SubProcessor, SubProcessorObjection
from .services import latest_policy_number


class SubProcessorForm(forms.ModelForm):
    safeguards = forms.MultipleChoiceField(choices=list(rules.SAFEGUARDS.items()),
                                           widget=forms.CheckboxSelectMultiple, required=False)
    announce_now = forms.BooleanField(
        required=False, label="Announce now and notify every active customer",
        help_text="§4.2: the start date must then be at least 30 days from today.")

    class Meta:
        model = SubProcessor
        fields = ["name", "service", "data_shared", "location", "third_countries", "safeguards", "scc_module",
                  "dpf_certified", "tia_date", "safeguards_text", "starts_on", "position"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["safeguards_text"].required = False
        self.fields["safeguards_text"].help_text = "As published in §4.2; empty = built from the safeguards"
        if self.instance.pk and self.instance.status != SubProcessor.Status.PROPOSED:
            del self.fields["announce_now"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        now = timezone.now()
        try:
            rules.check_safeguards(data.get("safeguards") or [], third_countries=data.get("third_countries") or "",
                                   scc_module=data.get("scc_module") or "", tia_date=data.get("tia_date"))
            if not self.instance.pk:
                rules.check_planned_start(data.get("starts_on"), today=rules.utc_date(now))
                if SubProcessor.objects.filter(slug=slugify(data.get("name") or "")).exists():
                    raise ValidationError({"name": "This sub-processor is already in the register."})
            if data.get("announce_now"):
                rules.check_subprocessor_start(data.get("starts_on"), announced_at=now)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return data


class ObjectionAnswerForm(forms.ModelForm):
    class Meta:
        model = SubProcessorObjection
        fields = ["answer"]

    def clean_answer(self) -> str:
        answer = str(self.cleaned_data.get("answer") or "").strip()
        if not answer:
            raise ValidationError("Write the answer the customer will receive.")
        return answer


class PolicyVersionForm(forms.ModelForm):
    class Meta:
        model = PolicyVersion
        fields = ["number", "effective_on", "material", "text", "change_summary"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        try:
            if data.get("number"):
                rules.check_version_number(data["number"].strip(), latest=latest_policy_number())
            if data.get("effective_on"):
                rules.check_policy_effective(data["effective_on"], material=bool(data.get("material")),
                                             announced_at=timezone.now())
            if data.get("material") and not str(data.get("change_summary") or "").strip():
                raise ValidationError({"change_summary": "Summarise a material change for the notice."})
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(field, message)
        return data


class NoticeForm(forms.ModelForm):
    """A free-text notice to every active customer, e.g. a business transfer (§4.6)."""

    subject_en = forms.CharField(max_length=200)
    body_en = forms.CharField(widget=forms.Textarea)
    subject_ro = forms.CharField(max_length=200, label="Subject (Romanian)")
    body_ro = forms.CharField(widget=forms.Textarea, label="Body (Romanian)")

    class Meta:
        model = NoticeCampaign
        fields = ["kind", "title"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, label) for k, label in NoticeCampaign.Kind.choices
                                       if k in (NoticeCampaign.Kind.BUSINESS_TRANSFER, NoticeCampaign.Kind.OTHER)]
