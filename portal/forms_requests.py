"""Filing a request (§7, §8): the form checks what a person can fix, in their language;
the dsar app's intake (``dsar.intake.request_submit``) decides everything else."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dsar.rights import RIGHTS, Jurisdiction, Law, check_type_and_jurisdiction

JURISDICTIONS = [
    (Jurisdiction.EU.value, _("EU/EEA (GDPR)")),
    (Jurisdiction.UK.value, _("United Kingdom (UK GDPR)")),
    (Jurisdiction.US_CA.value, _("California (CCPA/CPRA)")),
    (Jurisdiction.US_VA.value, _("Virginia (VCDPA)")),
    (Jurisdiction.US_CO.value, _("Colorado (CPA)")),
    (Jurisdiction.US_CT.value, _("Connecticut (CTDPA)")),
    (Jurisdiction.US_UT.value, _("Utah (UCPA)")),
    (Jurisdiction.OTHER.value, _("Elsewhere")),
]


def type_choices(*, us_only: bool = False) -> list[tuple[str, str]]:
    ro = (get_language() or "en").startswith("ro")
    return [(r.type.value, r.label_ro if ro else r.label) for r in RIGHTS
            if not us_only or r.law == Law.US]


class RequestForm(forms.Form):
    type = forms.ChoiceField(label=_("What do you ask for?"), choices=())
    jurisdiction = forms.ChoiceField(label=_("Where do you live?"), choices=JURISDICTIONS,
                                     initial=Jurisdiction.EU.value)
    details = forms.CharField(label=_("Details"), required=False, max_length=5000,
                              help_text=_("What should we know? For a correction: what is wrong, and what is right."),
                              widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, us_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = type_choices(us_only=us_only)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("type") and data.get("jurisdiction") and check_type_and_jurisdiction(
                data["type"], data["jurisdiction"]):
            self.add_error("jurisdiction", _("This right exists under US state law (§8): choose the "
                                             "US state where you live, or the GDPR right instead."))
        return data


class AgentRequestForm(RequestForm):
    """§8.1: an authorized agent files for a California (or other US state) resident."""

    consumer_name = forms.CharField(label=_("The consumer's full name"), max_length=200)
    consumer_email = forms.EmailField(label=_("The consumer's email address"), max_length=254)
    agent_name = forms.CharField(label=_("Your name or your business's name (the agent)"), max_length=200)
    permission = forms.BooleanField(
        label=_("I have the consumer's signed permission to act for them, and I will upload it "
                "when you email me the link."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, us_only=True, **kwargs)
        self.fields["jurisdiction"].choices = [c for c in JURISDICTIONS if c[0].startswith("us-")]
        self.fields["jurisdiction"].initial = Jurisdiction.US_CA.value
