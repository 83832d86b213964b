"""Every write to the register and to policy versions (admin, API and jobs stay thin).

Errors are ``ValidationError``s keyed by field; ``code="state"`` means "not in a state that
allows this" (the API answers 409). Nothing is written when one is raised.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from accounts.models import Customer
from accounts.notifications import notify

from . import conf, rules
from .campaigns import campaign_create
from .models import (
    NoticeCampaign,
    PolicyResponse,
    PolicyVersion,
    RegisterChange,
    SubProcessor,
    SubProcessorObjection,
)

EDITABLE_FIELDS = ("service", "data_shared", "location", "third_countries", "safeguards", "scc_module",
                   "dpf_certified", "tia_date", "safeguards_text", "position")


def _active_customers() -> Iterator[tuple[Customer, None]]:
    """Every active customer (§4.2, §13.2 "notify you"), in their own language."""
    customers = Customer.objects.filter(status=Customer.Status.ACTIVE).only("pk", "language")
    return ((c, None) for c in customers.order_by("pk").iterator(chunk_size=2000))


def _state_error(message: str) -> ValidationError:
    return ValidationError(message, code="state")


def _validated(sp: SubProcessor) -> SubProcessor:
    sp.safeguards = rules.check_safeguards(sp.safeguards, third_countries=sp.third_countries,
                                           scc_module=sp.scc_module, tia_date=sp.tia_date)
    if not sp.safeguards_text.strip():
        sp.safeguards_text = " + ".join(sp.safeguard_labels)[:300]
    sp.full_clean()
    return sp


# ---------------------------------------------------------------------------
# The register (§4.2)
# ---------------------------------------------------------------------------


@transaction.atomic
def subprocessor_propose(*, name: str, service: str, data_shared: str, location: str,
                         safeguards: list[str], third_countries: str = "", scc_module: str = "",
                         dpf_certified: bool = False, tia_date: date | None = None,
                         safeguards_text: str = "", starts_on: date | None = None,
                         position: int | None = None, now: datetime) -> SubProcessor:
    """A new sub-processor, not public until announced."""
    name = name.strip()
    slug = slugify(name)
    if not slug:
        raise ValidationError({"name": "A name is needed."})
    if SubProcessor.objects.filter(name__iexact=name).exists() or SubProcessor.objects.filter(slug=slug).exists():
        raise ValidationError({"name": f"{name!r} is already in the register."})
    rules.check_planned_start(starts_on, today=rules.utc_date(now))
    last = SubProcessor.objects.order_by("-position").values_list("position", flat=True).first()
    sp = SubProcessor(
        name=name, slug=slug, service=service, data_shared=data_shared, location=location,
        third_countries=third_countries, safeguards=list(safeguards), scc_module=scc_module,
        dpf_certified=dpf_certified, tia_date=tia_date, safeguards_text=safeguards_text,
        starts_on=starts_on, position=position if position is not None else (last or 0) + 1,
        created_at=now,
    )
    _validated(sp).save()
    return sp


def _announcement_context(sp: SubProcessor) -> dict[str, Any]:
    base = conf.public_base_url()
    return {
        "name": sp.name, "service": sp.service, "data_shared": sp.data_shared, "location": sp.location,
        "third_countries": sp.third_countries, "safeguards_text": sp.safeguards_text,
        "starts_on": sp.starts_on.isoformat() if sp.starts_on else "",
        "register_url": f"{base}/subprocessors/", "feed_url": f"{base}/subprocessors/feed/",
    }


@transaction.atomic
def subprocessor_announce(*, subprocessor: SubProcessor, starts_on: date | None, by: Any,
                          now: datetime) -> SubProcessor:
    """§4.2: publish a proposed sub-processor and tell every active customer, ≥ 30 days ahead."""
    sp = SubProcessor.objects.select_for_update().get(pk=subprocessor.pk)
    if sp.status != SubProcessor.Status.PROPOSED:
        raise _state_error(f"{sp.name} is {sp.get_status_display().lower()}; only a proposed "
                           "sub-processor can be announced.")
    rules.check_subprocessor_start(starts_on, announced_at=now)
    sp.status, sp.starts_on, sp.announced_at = SubProcessor.Status.ANNOUNCED, starts_on, now
    sp.announcement = campaign_create(
        kind=NoticeCampaign.Kind.SUBPROCESSOR, title=f"New sub-processor: {sp.name}",
        recipients=_active_customers(), template="subprocessor_announced",
        context=_announcement_context(sp), created_by=by, source=sp, now=now,
    )
    sp.save(update_fields=["status", "starts_on", "announced_at", "announcement", "updated_at"])
    RegisterChange.objects.create(
        subprocessor=sp, kind=RegisterChange.Kind.ANNOUNCED, at=now,
        summary=f"{sp.name} ({sp.service}) will start processing {sp.data_shared} on {starts_on}. "
                f"Location: {sp.location}. Safeguards: {sp.safeguards_text}.")
    return sp


def subprocessors_start_due(*, as_of: datetime, dry_run: bool) -> int:
    """Announced sub-processors whose start date has come become active. Idempotent."""
    due = SubProcessor.objects.filter(status=SubProcessor.Status.ANNOUNCED,
                                      starts_on__lte=rules.utc_date(as_of))
    if dry_run:
        return due.count()
    started = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            sp = SubProcessor.objects.select_for_update().get(pk=pk)
            if sp.status != SubProcessor.Status.ANNOUNCED:
                continue
            sp.status = SubProcessor.Status.ACTIVE
            sp.save(update_fields=["status", "updated_at"])
            RegisterChange.objects.get_or_create(
                subprocessor=sp, kind=RegisterChange.Kind.STARTED,
                defaults={"at": as_of, "summary": f"{sp.name} started processing on {sp.starts_on}."})
            started += 1
    return started


@transaction.atomic
def subprocessor_update(*, subprocessor: SubProcessor, fields: dict[str, Any], now: datetime) -> SubProcessor:
    """Change the details of a row; a public row's change is published in the feed."""
    sp = SubProcessor.objects.select_for_update().get(pk=subprocessor.pk)
    if sp.status == SubProcessor.Status.RETIRED:
        raise _state_error(f"{sp.name} is retired; its row is kept as it was.")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in sorted(unknown)})
    changed = [name for name, value in fields.items() if getattr(sp, name) != value]
    for name in changed:
        setattr(sp, name, fields[name])
    _validated(sp).save()
    if changed and sp.is_public:
        labels = ", ".join(str(SubProcessor._meta.get_field(n).verbose_name) for n in changed)
        RegisterChange.objects.create(subprocessor=sp, kind=RegisterChange.Kind.UPDATED, at=now,
                                      summary=f"{sp.name}: {labels} changed.")
    return sp


@transaction.atomic
def subprocessor_retire(*, subprocessor: SubProcessor, now: datetime) -> SubProcessor:
    sp = SubProcessor.objects.select_for_update().get(pk=subprocessor.pk)
    if sp.status == SubProcessor.Status.RETIRED:
        return sp
    sp.status, sp.retired_on = SubProcessor.Status.RETIRED, rules.utc_date(now)
    sp.save(update_fields=["status", "retired_on", "updated_at"])
    RegisterChange.objects.create(subprocessor=sp, kind=RegisterChange.Kind.RETIRED, at=now,
                                  summary=f"{sp.name} no longer processes personal data for us "
                                          f"(since {sp.retired_on}).")
    return sp


# ---------------------------------------------------------------------------
# Objections to sub-processors (§4.2, §12.3)
# ---------------------------------------------------------------------------


def _check_is_customer(customer: Customer | None, field: str = "external_id") -> Customer:
    if customer is None or customer.status == Customer.Status.DELETED:
        raise ValidationError({field: "Only a customer can do this; no such active account."})
    return customer


@transaction.atomic
def objection_create(*, subprocessor: SubProcessor, customer: Customer | None, reason: str,
                     channel: str, now: datetime) -> tuple[SubProcessorObjection, bool]:
    """Record a customer's objection; a repeat returns the first one (created=False)."""
    customer = _check_is_customer(customer)
    if not subprocessor.is_public:
        raise _state_error(f"{subprocessor.name} is not announced or active; there is nothing to object to.")
    return SubProcessorObjection.objects.get_or_create(
        subprocessor=subprocessor, customer=customer,
        defaults={"reason": reason.strip(), "channel": channel, "received_at": now},
    )


@transaction.atomic
def objection_answer(*, objection: SubProcessorObjection, answer: str, by: Any,
                     now: datetime) -> SubProcessorObjection:
    """A privacy officer answers; the customer gets the answer by email, once."""
    obj = SubProcessorObjection.objects.select_for_update(of=("self",)).select_related(
        "subprocessor", "customer").get(pk=objection.pk)
    if not answer.strip():
        raise ValidationError({"answer": "Write the answer the customer will receive."})
    if obj.status == SubProcessorObjection.Status.ANSWERED:
        raise _state_error("This objection was already answered.")
    obj.answer, obj.status = answer.strip(), SubProcessorObjection.Status.ANSWERED
    obj.answered_by, obj.answered_at = by if getattr(by, "pk", None) else None, now
    obj.save(update_fields=["answer", "status", "answered_by", "answered_at"])
    if obj.customer is not None and obj.customer.email:
        transaction.on_commit(lambda: notify(
            kind="subprocessor_objection_answered", customer=obj.customer,
            context={"name": obj.subprocessor.name, "answer": obj.answer},
            dedupe_key=f"subprocessor-objection-answer:{obj.pk}", now=now))
    return obj


# ---------------------------------------------------------------------------
# Policy versions (§13)
# ---------------------------------------------------------------------------


def latest_policy_number() -> str | None:
    numbers = list(PolicyVersion.objects.values_list("number", flat=True))
    return max(numbers, key=rules.version_key) if numbers else None


@transaction.atomic
def policy_version_publish(*, number: str, effective_on: date, material: bool, text: str,
                           change_summary: str, by: Any, now: datetime) -> PolicyVersion:
    """§13.2: publish a version. A material one is announced by email and in the portal,
    at least 30 days before it takes effect; a non-material one needs no prior notice."""
    number = number.strip()
    rules.check_version_number(number, latest=latest_policy_number())
    rules.check_policy_effective(effective_on, material=material, announced_at=now)
    if not text.strip():
        raise ValidationError({"text": "The policy text is needed."})
    if material and not change_summary.strip():
        raise ValidationError({"change_summary": "Summarise a material change for the notice."})
    version = PolicyVersion.objects.create(
        number=number, effective_on=effective_on, material=material, text=text,
        change_summary=change_summary.strip(), published_at=now,
        created_by=by if getattr(by, "pk", None) else None)
    if material:
        base = conf.public_base_url()
        version.announced_at = now
        version.announcement = campaign_create(
            kind=NoticeCampaign.Kind.POLICY_CHANGE, title=f"Privacy policy {number}: material change",
            recipients=_active_customers(), template="policy_change_announced",
            context={"number": number, "effective_on": effective_on.isoformat(),
                     "change_summary": version.change_summary,
                     "policy_url": f"{base}/privacy-policy/{number}/",
                     "history_url": f"{base}/privacy-policy/"},
            created_by=by, source=version, now=now)
        version.save(update_fields=["announced_at", "announcement"])
    return version


@transaction.atomic
def policy_response_record(*, version: PolicyVersion, customer: Customer | None, kind: str,
                           reason: str, channel: str, now: datetime) -> tuple[PolicyResponse, bool]:
    """§13.3: a customer acknowledges or objects to a version; a repeat returns the first."""
    customer = _check_is_customer(customer)
    if kind not in PolicyResponse.Kind.values:
        raise ValidationError({"response": f"One of: {', '.join(PolicyResponse.Kind.values)}."})
    return PolicyResponse.objects.get_or_create(
        version=version, customer=customer, kind=kind,
        defaults={"reason": reason.strip(), "channel": channel, "at": now})
