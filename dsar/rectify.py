"""Rectification (§7.2, GDPR Art. 16) and telling the recipients (Art. 19).

The correction is applied to the account here (``accounts.services.customer_upsert``, the
accounts app's one door for profile writes), then pushed to each system holding a copy:
the Cognito user's attributes (``admin_update_user_attributes``) and the Stripe customer
(``customers.update``). Each recipient's outcome goes on the timeline and into the answer.
A failed push leaves the request open with the failure recorded; "complete" again retries
(every step is idempotent: it writes the same values).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import stripe
from django.conf import settings
from django.core.exceptions import ValidationError

from accounts.connectors import cognito, stripe_billing
from accounts.models import Customer
from accounts.services import customer_upsert
from micropim_privacy.aws import cognito_client
from micropim_privacy.policy import AWS_COGNITO, STRIPE

from .intake import CORRECTABLE
from .models import DataSubjectRequest, RequestEvent
from .services import WorkflowError, request_close
from .timeline import Actor, record

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pushed:
    system: str
    outcome: str  # "updated", "not held", "failed"
    fields: tuple[str, ...] = ()
    error: str = ""


COGNITO_ATTRIBUTES = {"full_name": "name", "email": "email", "phone": "phone_number"}
STRIPE_FIELDS = {"full_name": "name", "email": "email", "phone": "phone"}


def _e164(phone: str) -> str | None:
    digits = re.sub(r"[\s().-]", "", phone)
    return digits if re.fullmatch(r"\+[1-9]\d{6,14}", digits) else None


def push_cognito(customer: Customer, changes: dict[str, str]) -> Pushed:
    """The Cognito user, found as the connector finds it (by ``sub``, else the email alias)."""
    if cognito.unavailable() or not (customer.cognito_sub or customer.email):
        return Pushed(AWS_COGNITO, "not held")
    attributes = []
    for field, name in COGNITO_ATTRIBUTES.items():
        if field in changes:
            value = _e164(changes[field]) if field == "phone" else changes[field]
            if value is not None:
                attributes.append({"Name": name, "Value": value})
    if not attributes:
        return Pushed(AWS_COGNITO, "not held")
    client = cognito_client()
    pool = settings.COGNITO_USER_POOL_ID
    # The address before the correction is an alias too: tried when there is no sub.
    for username in _usernames(customer, changes):
        try:
            user = client.admin_get_user(UserPoolId=pool, Username=username)
        except client.exceptions.UserNotFoundException:
            continue
        current = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
        todo = [a for a in attributes if current.get(a["Name"]) != a["Value"]]  # a retry sends only what is left
        if todo:
            client.admin_update_user_attributes(UserPoolId=pool, Username=user["Username"],
                                                UserAttributes=todo)
        return Pushed(AWS_COGNITO, "updated", tuple(a["Name"] for a in attributes))
    return Pushed(AWS_COGNITO, "not held")


def _usernames(customer: Customer, changes: dict[str, str]) -> list[str]:
    return [u for u in (customer.cognito_sub, changes.get("email"), customer.email) if u]


def push_stripe(customer: Customer, changes: dict[str, str]) -> Pushed:
    if stripe_billing.unavailable() or not customer.stripe_customer_id:
        return Pushed(STRIPE, "not held")
    params = {name: changes[field] for field, name in STRIPE_FIELDS.items() if field in changes}
    if not params:
        return Pushed(STRIPE, "not held")
    try:
        stripe_billing.client().v1.customers.update(customer.stripe_customer_id, params=params)  # type: ignore[arg-type]
    except stripe.InvalidRequestError as exc:
        if exc.code == "resource_missing":
            return Pushed(STRIPE, "not held")
        raise
    return Pushed(STRIPE, "updated", tuple(params))


PUSHES: tuple[tuple[str, Callable[[Customer, dict[str, str]], Pushed]], ...] = (
    (AWS_COGNITO, push_cognito), (STRIPE, push_stripe))


def rectification_apply(*, dsr: DataSubjectRequest, actor: Actor, now: datetime,
                        corrections: dict[str, Any] | None = None, note: str = "") -> list[Pushed]:
    changes = {k: str(v).strip() for k, v in (corrections if corrections is not None
                                               else dsr.corrections or {}).items()}
    if not changes:
        raise WorkflowError("Enter the corrected values (field → value) before completing (§7.2).")
    unknown = sorted(set(changes) - set(CORRECTABLE))
    if unknown:
        raise WorkflowError(f"Cannot correct: {', '.join(unknown)}.")
    customer = dsr.customer
    if customer is None:
        raise WorkflowError("No account is linked to this request: link the customer first.")
    try:
        customer_upsert(external_id=customer.external_id, fields=changes, today=now.date())
    except ValidationError as exc:
        raise WorkflowError("; ".join(exc.messages)) from exc
    customer.refresh_from_db()
    DataSubjectRequest.objects.filter(pk=dsr.pk).update(corrections=changes)
    dsr.corrections = changes
    record(dsr=dsr, kind=RequestEvent.Kind.EFFECT, actor=actor, now=now,
           reason="corrected in this service (§7.2)", fields=sorted(changes))
    results: list[Pushed] = []
    for system, push in PUSHES:
        try:
            result = push(customer, changes)
        except Exception as exc:  # noqa: BLE001 — an outside system's failure is recorded, then reported
            log.warning("rectification push to %s failed for request %s: %s", system, dsr.pk,
                        type(exc).__name__)
            result = Pushed(system, "failed", error=type(exc).__name__)
        record(dsr=dsr, kind=RequestEvent.Kind.RECIPIENT, actor=actor, now=now,
               reason=f"{result.system}: {result.outcome}", system=result.system,
               outcome=result.outcome, fields=list(result.fields), error=result.error)
        results.append(result)
    failed = [r.system for r in results if r.outcome == "failed"]
    if failed:
        raise WorkflowError(f"Corrected here, but not yet in {', '.join(failed)}: complete again to retry.")
    request_close(dsr=dsr, actor=actor, now=now,
                  answer=note or "Your data is corrected, here and in every system holding a copy.",
                  context={"recipients": [{"system": r.system, "outcome": r.outcome} for r in results]})
    return results
