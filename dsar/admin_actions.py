"""The officer's one-click actions and the form each one asks for — what the law needs:
how identity was verified (§7.10), the reason for an extension, a refusal or a fee (§7.10),
the decision and grounds for an objection (§7.6), the corrected values (§7.2)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django import forms

from .fulfilment import request_fulfil, restriction_announce_lift, restriction_lift
from .intake import CORRECTABLE
from .links import request_identity_document, send_confirmation_link
from .models import DataSubjectRequest
from .rights import Family
from .services import (
    WorkflowError,
    latest_extension,
    request_charge_fee,
    request_confirm_agent_permission,
    request_extend,
    request_fee_paid,
    request_mark_identity_verified,
    request_refuse,
    request_withdraw,
)

Method = DataSubjectRequest.VerificationMethod
Reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 80}))


class ActionForm(forms.Form):
    def __init__(self, *args: Any, dsr: DataSubjectRequest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dsr = dsr


class VerifyForm(ActionForm):
    method = forms.ChoiceField(choices=[(Method.GOVERNMENT_ID, Method.GOVERNMENT_ID.label),
                                        (Method.ACCOUNT_KNOWLEDGE, Method.ACCOUNT_KNOWLEDGE.label),
                                        (Method.EMAIL_LINK, "Confirmed by a reply from the account's address")],
                               help_text="§7.10: how the requester's identity was verified")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
                           help_text="What was checked (no ID numbers).")
    agent_permission = forms.BooleanField(
        required=False, label="The authorized agent's signed permission is checked (§8.1)")


class ReasonForm(ActionForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
                             help_text="The requester is told this reason.")


class ExtendForm(ReasonForm):
    new_due_date = forms.DateField(required=False, help_text="Empty: the latest allowed (2 months).")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.dsr is not None:
            self.fields["new_due_date"].help_text = (
                f"Empty: the latest allowed, {latest_extension(self.dsr):%Y-%m-%d}.")


class FeeForm(ReasonForm):
    amount = forms.DecimalField(min_value=0.01, max_digits=8, decimal_places=2, help_text="EUR")


class NoteForm(ActionForm):
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 80}))


class CompleteForm(ActionForm):
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
                           help_text="Added to the answer the requester receives.")
    corrections = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=f"Rectification: JSON object, field → corrected value ({', '.join(CORRECTABLE)}).")
    decision = forms.ChoiceField(required=False, choices=[("", "—"), *DataSubjectRequest.Decision.choices],
                                 help_text="Objection (§7.6)")
    grounds = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
                              help_text="Objection: the grounds of the decision, told to the subject.")
    confirm_erasure = forms.BooleanField(
        required=False, label="Erase now, without the 31-day grace period (§7.3)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        family = self.dsr.right.family if self.dsr else None
        keep = {"note"} | {Family.RECTIFICATION: {"corrections"}, Family.OBJECTION: {"decision", "grounds"},
                           Family.ERASURE: {"confirm_erasure"}}.get(family, set())  # type: ignore[arg-type]
        if self.dsr is not None:
            for name in list(self.fields):
                if name not in keep:
                    del self.fields[name]
            if "corrections" in self.fields:
                self.fields["corrections"].initial = json.dumps(self.dsr.corrections or {}, ensure_ascii=False)

    def clean_corrections(self) -> dict[str, Any] | None:
        raw = self.cleaned_data.get("corrections") or ""
        if not raw.strip():
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            raise forms.ValidationError("Not valid JSON.") from None
        if not isinstance(value, dict):
            raise forms.ValidationError("A JSON object: field → corrected value.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "confirm_erasure" in self.fields and not data.get("confirm_erasure"):
            self.add_error("confirm_erasure", "Confirm the immediate erasure.")
        return data


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    form: type[ActionForm]
    run: Callable[[DataSubjectRequest, dict[str, Any], Any, datetime], str]
    law: str = ""


def _verify(dsr: DataSubjectRequest, data: dict[str, Any], user: Any, now: datetime) -> str:
    if dsr.by_agent and data.get("agent_permission"):
        request_confirm_agent_permission(dsr=dsr, actor=user, now=now, note=data["note"])
    request_mark_identity_verified(dsr=dsr, method=data["method"], actor=user, now=now, note=data["note"])
    if dsr.by_agent and dsr.agent_permission_confirmed_at is None:
        return "Identity verified; the agent's signed permission is still to be checked."
    return "Identity verified."


def _extend(dsr: DataSubjectRequest, data: dict[str, Any], user: Any, now: datetime) -> str:
    day = data.get("new_due_date")
    # The chosen day, at the original deadline's time of day (so the last allowed day works).
    due = datetime.combine(day, dsr.original_due_at.astimezone(UTC).timetz()) if day else None
    request_extend(dsr=dsr, actor=user, now=now, reason=data["reason"], new_due_at=due)
    return f"Extended to {dsr.due_at:%Y-%m-%d %H:%M} UTC; the requester was told why."


def _complete(dsr: DataSubjectRequest, data: dict[str, Any], user: Any, now: datetime) -> str:
    outcome = request_fulfil(dsr=dsr, actor=user, now=now, note=data.get("note", ""),
                             decision=data.get("decision", ""), grounds=data.get("grounds", ""),
                             corrections=data.get("corrections"))
    return outcome.message


def _refuse(dsr: DataSubjectRequest, data: dict[str, Any], user: Any, now: datetime) -> str:
    request_refuse(dsr=dsr, actor=user, now=now, reason=data["reason"])
    return "Refused; the requester was told why and of the right to complain (§7.9)."


def _fee(dsr: DataSubjectRequest, data: dict[str, Any], user: Any, now: datetime) -> str:
    request_charge_fee(dsr=dsr, actor=user, now=now, amount=data["amount"], reason=data["reason"])
    return "Fee asked; the requester was told why."


def _fee_paid(dsr: DataSubjectRequest, data: dict[str, Any], user: Any, now: datetime) -> str:
    request_fee_paid(dsr=dsr, actor=user, now=now)
    return "Fee recorded as paid; the request is in progress."


def _ask_id(dsr: DataSubjectRequest, data: dict[str, Any], user: Any, now: datetime) -> str:
    request_identity_document(dsr=dsr, actor=user, now=now, note=data.get("note", ""))
    return "The requester was asked for a government ID (front side only)."


def _resend(dsr: DataSubjectRequest, data: dict[str, Any], user: Any, now: datetime) -> str:
    if not dsr.is_open or dsr.verified:
        raise WorkflowError("Only an open, unverified request needs a confirmation link.")
    send_confirmation_link(dsr=dsr, actor=user, now=now)
    return "A new confirmation link was sent to the account's address."


def _withdraw(dsr: DataSubjectRequest, data: dict[str, Any], user: Any, now: datetime) -> str:
    request_withdraw(dsr=dsr, actor=user, now=now, reason=data.get("note", ""))
    return "Withdrawn; the requester was told."


def _announce_lift(dsr: DataSubjectRequest, data: dict[str, Any], user: Any, now: datetime) -> str:
    restriction_announce_lift(dsr=dsr, actor=user, now=now, reason=data["reason"])
    return "The subject was told the restriction will be lifted (§7.4)."


def _lift(dsr: DataSubjectRequest, data: dict[str, Any], user: Any, now: datetime) -> str:
    restriction_lift(dsr=dsr, actor=user, now=now)
    return "Restriction lifted."


ACTIONS: dict[str, Action] = {a.name: a for a in (
    Action("verify", "Verify identity", VerifyForm, _verify,
           "§7.10: identity is verified before a request is fulfilled."),
    Action("extend", "Extend", ExtendForm, _extend,
           "§7.10: one extension of up to 2 months for a complex request, decided and told to the "
           "requester, with the reason, before the original 30 days end."),
    Action("complete", "Complete", CompleteForm, _complete,
           "§7: fulfil the right; the answer is emailed and recorded."),
    Action("refuse", "Refuse", ReasonForm, _refuse,
           "§7.10: manifestly unfounded or excessive requests may be refused, always with a reason; "
           "the requester is told of the right to complain (§7.9)."),
    Action("fee", "Charge a fee", FeeForm, _fee,
           "§7.1, §7.10: the first request is free; a reasonable fee for excessive or repetitive ones."),
    Action("fee_paid", "Fee paid", NoteForm, _fee_paid),
    Action("ask_id", "Ask for a government ID", NoteForm, _ask_id,
           "§7.10: government-issued ID, front side only; stored encrypted, deleted when the request closes."),
    Action("resend_link", "Send a new confirmation link", NoteForm, _resend),
    Action("withdraw", "Withdrawn by the requester", NoteForm, _withdraw),
    Action("announce_lift", "Announce lifting the restriction", ReasonForm, _announce_lift,
           "§7.4: the subject is told before the restriction is lifted."),
    Action("lift", "Lift the restriction", NoteForm, _lift),
)}
# The changelist's one-click actions (the others are buttons on the request's page).
BULK = ("verify", "extend", "complete", "refuse")
