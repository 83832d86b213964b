"""This service's own tables, driven by the registry (micropim_privacy/policy.py).

Why this module is careful: a deletion bug is irreversible. So the tables it touches are not
listed here but read from the registry (every category ``held_by_this_service``, each model
label in its ``held_in`` that is installed), the action comes from the category's
``on_erasure`` (DELETE / ANONYMISE / KEEP, with ``erasure_reason`` quoted on the certificate),
and work goes in batches of ``ERASURE_DB_BATCH_SIZE`` rows, one short transaction each,
counted in the same transaction (a crash loses nothing and counts nothing twice).

A model named by several categories gets the most protective action among them
(KEEP > ANONYMISE > DELETE). A §5.5 hold on any of its categories keeps it.

After the registry's tables: the notifications we sent (address and body blanked; kind,
subject and date kept as proof), the portal login, and last the profile itself, reduced to
a tombstone (status, dates, language) whose external id becomes ``erased-<erasure uuid>``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import ProtectedError, QuerySet

from accounts import conf
from accounts.models import AccessLogEntry, Customer, Notification
from micropim_privacy.policy import CATEGORIES, AtEnd, Category

from .base import ErasureContext, Kept, Record, StepResult, held_reason

name = "privacy-db"
title = "MicroPIM Privacy Ops database (this service)"
categories = tuple(c.key for c in CATEGORIES if c.held_by_this_service)

PROFILE_LABEL = "accounts.Customer"
PROFILE = "Account profile (name, email, company, job title, phone, date of birth, linked ids)"
NOTIFICATIONS = "Messages we sent you [accounts.Notification]: address and text blanked"
NOTIFICATIONS_REASON = ("Proof that we told you (DESIGN 'Proof', §5.3): the kind, subject and date "
                        "of each message are kept; subjects hold no personal data")
ACCESS_LOG_REASON = ("§6.1: the access log is append-only proof of every access to personal data; "
                     "its entries hold the account id, no profile data")
HOLD_RECORDS_REASON = "§5.5: the record of a legal hold is kept as a legal record"
_STRENGTH = {AtEnd.DELETE: 0, AtEnd.ANONYMISE: 1, AtEnd.KEEP: 2}


class PrivacyDbEraseFailed(Exception):
    pass


@dataclass(frozen=True)
class Holding:
    """One installed model the registry says holds subject data, and what erasure does to it."""

    label: str
    model: type[models.Model]
    category: Category  # the category whose ``on_erasure`` decides
    categories: tuple[str, ...]  # every category naming this model (any hold keeps it)

    @property
    def what(self) -> str:
        return f"{self.category.name} [{self.label}]"


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):  # a system name ("AWS S3"), or an app not installed yet
        return None


def holdings() -> list[Holding]:
    found: dict[str, Holding] = {}
    for cat in CATEGORIES:
        if not cat.held_by_this_service:
            continue
        for label in cat.held_in:
            model = _model(label) if label != PROFILE_LABEL else None
            if model is None:
                continue
            prev = found.get(label)
            keys = (*(prev.categories if prev else ()), cat.key)
            decider = cat if prev is None or _STRENGTH[cat.on_erasure] > _STRENGTH[prev.category.on_erasure] \
                else prev.category
            found[label] = Holding(label, model, decider, keys)
    return list(found.values())


def subject_rows(model: type[models.Model], customer: Customer) -> QuerySet[Any] | None:
    """The model's rows about this customer, or None if the model cannot tell."""
    if hasattr(model, "subject_rows"):
        return model.subject_rows(customer)  # type: ignore[attr-defined, no-any-return]
    if any(f.name == "customer" for f in model._meta.get_fields()):
        return model._default_manager.filter(customer=customer)
    return None


def unavailable() -> str | None:
    return None


# --- export ---------------------------------------------------------------------------


def export(customer: Customer) -> Iterator[Record]:
    yield "account_profile", profile_dict(customer)
    for holding in holdings():
        rows = subject_rows(holding.model, customer)
        if rows is None:
            continue
        for obj in rows.iterator(chunk_size=2000):
            yield holding.category.key, as_dict(obj)
    sent = Notification.objects.filter(customer=customer).exclude(to_email="").order_by("id")
    for note in sent.iterator(chunk_size=2000):
        yield "email_correspondence", {"kind": note.kind, "subject": note.subject, "body": note.body,
                                       "sent_at": _jsonable(note.sent_at), "to": note.to_email}


def profile_dict(customer: Customer) -> dict[str, Any]:
    fields = ("external_id", "email", "full_name", "company_name", "job_title", "phone",
              "date_of_birth", "language", "status", "created_at", "deletion_requested_at",
              "deletion_due_at", "processing_restricted", "marketing_objection")
    return {f: _jsonable(getattr(customer, f)) for f in fields}


def as_dict(obj: models.Model) -> dict[str, Any]:
    if hasattr(obj, "export_dict"):
        return obj.export_dict()  # type: ignore[no-any-return]
    return {f.attname: _jsonable(getattr(obj, f.attname)) for f in obj._meta.concrete_fields}


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return f"<{len(value)} bytes>"
    if isinstance(value, list | dict):
        return value
    return str(value)


# --- erase ----------------------------------------------------------------------------


def erase(customer: Customer, *, erasure: ErasureContext) -> StepResult:
    if "access_log_entries" not in erasure.progress:  # counted while the account id is known
        erasure.save_progress(access_log_entries=AccessLogEntry.objects.filter(
            subject_ref=customer.external_id).count())
    kept: list[Kept] = []
    reasons: dict[str, str] = {}
    unlinked: list[str] = []
    for holding in holdings():
        rows = subject_rows(holding.model, customer)
        if rows is None:
            unlinked.append(holding.label)
            continue
        keep_reason = held_reason(erasure, *holding.categories)
        if keep_reason is None and holding.category.on_erasure == AtEnd.KEEP:
            keep_reason = holding.category.erasure_reason
        if keep_reason:
            n = rows.count()
            if n:
                kept.append(Kept(holding.what, keep_reason, n, holding.category.key))
        elif holding.category.on_erasure == AtEnd.ANONYMISE:
            _anonymise_rows(holding, customer, erasure)
            reasons[holding.what] = holding.category.erasure_reason
        else:
            _delete_rows(holding, customer, erasure)
    _blank_notifications(customer, erasure)
    reasons[NOTIFICATIONS] = NOTIFICATIONS_REASON
    kept += _records_kept(customer, erasure)
    _remove_portal_login(customer, erasure)
    _tombstone(customer, erasure)
    note = f"Models with no link to accounts (nothing to find): {', '.join(unlinked)}" if unlinked else ""
    return StepResult(kept=kept, note=note, anonymised_reasons=reasons)


def _pks(rows: QuerySet[Any]) -> list[Any]:
    return list(rows.order_by().values_list("pk", flat=True)[: conf.db_batch_size()])


def _delete_rows(holding: Holding, customer: Customer, erasure: ErasureContext) -> None:
    while pks := _pks(subject_rows(holding.model, customer)):  # type: ignore[arg-type]
        batch = holding.model._base_manager.filter(pk__in=pks)
        with transaction.atomic():
            if hasattr(holding.model, "retention_delete"):  # also removes what the rows own (files)
                erasure.count_removed(holding.what, holding.model.retention_delete(batch))
                continue
            _, per_model = batch.delete()
            for label, n in sorted(per_model.items()):
                if n:
                    erasure.count_removed(holding.what if label == holding.label else f"Linked rows [{label}]", n)


def _anonymise_rows(holding: Holding, customer: Customer, erasure: ErasureContext) -> None:
    previous: set[Any] = set()
    while pks := _pks(subject_rows(holding.model, customer)):  # type: ignore[arg-type]
        if previous & set(pks):
            raise PrivacyDbEraseFailed(f"{holding.label}: anonymising left rows linked to the account")
        with transaction.atomic():
            batch = holding.model._default_manager.filter(pk__in=pks)
            if hasattr(batch, "anonymise"):
                batch.anonymise()
            elif _nullable_customer(holding.model):
                batch.update(customer=None)
            else:
                raise PrivacyDbEraseFailed(f"{holding.label}: no anonymise() and no nullable customer link")
            erasure.count_anonymised(holding.what, len(pks))
        previous = set(pks)


def _nullable_customer(model: type[models.Model]) -> bool:
    field = next((f for f in model._meta.get_fields() if f.name == "customer"), None)
    return bool(field is not None and getattr(field, "null", False))


def _blank_notifications(customer: Customer, erasure: ErasureContext) -> None:
    linked = Notification.objects.filter(customer=customer).exclude(to_email="", body="")
    while pks := _pks(linked):
        with transaction.atomic():
            n = Notification.objects.filter(pk__in=pks).update(to_email="", body="")
            erasure.count_anonymised(NOTIFICATIONS, n)


def _records_kept(customer: Customer, erasure: ErasureContext) -> list[Kept]:
    from retention.models import LegalHold  # retention builds on accounts: imported late

    kept = []
    log_entries = int(erasure.progress.get("access_log_entries", 0))
    if log_entries:
        kept.append(Kept("Access log entries naming the account id [accounts.AccessLogEntry]",
                         ACCESS_LOG_REASON, log_entries))
    holds = LegalHold.objects.filter(customer=customer).count()
    if holds:
        kept.append(Kept("Legal hold records [retention.LegalHold]", HOLD_RECORDS_REASON, holds))
    return kept


def _remove_portal_login(customer: Customer, erasure: ErasureContext) -> None:
    user = customer.user
    if user is None:
        return
    with transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(user=None)
        customer.user = None
        if user.is_staff or user.is_superuser:
            return  # a staff account is not the customer's own login: unlinked only
        try:
            with transaction.atomic():
                user.delete()
            erasure.count_removed("Portal login [auth.User]", 1)
        except ProtectedError:  # referenced by audit records: kept as a nameless, disabled row
            user.username = f"erased-{erasure.record.uuid.hex}"[:150]
            user.email = user.first_name = user.last_name = ""
            user.set_unusable_password()
            user.is_active = False
            user.save()
            erasure.count_anonymised("Portal login [auth.User]: name, email and password removed", 1)


def _tombstone(customer: Customer, erasure: ErasureContext) -> None:
    tombstone_id = f"erased-{erasure.record.uuid.hex}"
    if customer.external_id == tombstone_id:
        return
    with transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(
            external_id=tombstone_id, email="", full_name="", company_name="", job_title="",
            phone="", date_of_birth=None, profile_photo_key="", cognito_sub="",
            stripe_customer_id="", user=None,
        )
        erasure.count_removed(PROFILE, 1)
    customer.refresh_from_db()
