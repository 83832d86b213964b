"""§6.4 / GDPR Art. 34: telling each person affected by a high-risk breach, in their language.

The notice says what §6.4 promises: the nature of the breach, its likely consequences, the
measures taken or proposed, and the contact point — written by the officers in English and
Romanian. Delivery is the notice-campaign mechanism of ``subprocessors.campaigns``: one campaign
per sending, one ``NoticeDelivery`` row per person (unique), each email through
``accounts.notifications.notify`` with a dedupe key, started on commit by Celery and resumed
by the hourly ``deliver_notice_campaigns`` job. So each person gets the notice once, with a
delivery record, even when a worker dies half-way.

A breach may be notified more than once (people found later): each sending goes only to the
affected people no earlier sending for this breach included — nobody receives it twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from itertools import islice
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from accounts.models import Customer
from micropim_privacy.api_errors import Conflict
from subprocessors.campaigns import campaign_create, campaigns_for
from subprocessors.models import NoticeCampaign, NoticeDelivery

from .models import AffectedPerson, Breach

TEMPLATE = "breach_high_risk"
# §6.4 "Notification will include": nature, likely consequences, measures — in both languages.
TEXT_FIELDS = ("nature_en", "nature_ro", "consequences_en", "consequences_ro", "measures_en", "measures_ro")
_CHUNK = 2000


def _chunks(rows: Iterable[AffectedPerson]) -> Iterator[list[AffectedPerson]]:
    it = iter(rows)
    while chunk := list(islice(it, _CHUNK)):
        yield chunk


@transaction.atomic
def affected_add(
    *, breach: Breach, now: datetime, external_ids: Iterable[str] = (), all_customers: bool = False
) -> int:
    """Record who is affected: listed accounts, or every account not erased. Returns how many are new."""
    ids = sorted(set(external_ids))
    if not ids and not all_customers:
        raise ValidationError({"external_ids": ["List the accounts affected, or choose all customers."]})
    if all_customers:
        customers = Customer.objects.exclude(status=Customer.Status.DELETED)
    else:
        customers = Customer.objects.filter(external_id__in=ids)
        found = set(customers.values_list("external_id", flat=True))
        unknown = [i for i in ids if i not in found]
        if unknown:
            shown = ", ".join(unknown[:20]) + (f" and {len(unknown) - 20} more" if len(unknown) > 20 else "")
            raise ValidationError({"external_ids": [f"Unknown accounts: {shown}. Nothing was added."]})
    before = AffectedPerson.objects.filter(breach=breach).count()
    rows = (AffectedPerson(breach=breach, customer_id=pk, subject_ref=ref, added_at=now)
            for pk, ref in customers.order_by("pk").values_list("pk", "external_id").iterator())
    for chunk in _chunks(rows):
        AffectedPerson.objects.bulk_create(chunk, ignore_conflicts=True)
    return AffectedPerson.objects.filter(breach=breach).count() - before


def breach_campaigns(breach: Breach) -> QuerySet[NoticeCampaign]:
    return campaigns_for(breach).filter(kind=NoticeCampaign.Kind.BREACH)


def deliveries(breach: Breach) -> QuerySet[NoticeDelivery]:
    """One row per person per sending: the delivery record (§6.4 proof)."""
    return (NoticeDelivery.objects.filter(campaign__in=breach_campaigns(breach))
            .select_related("customer", "campaign").order_by("campaign_id", "id"))


def not_yet_noticed(breach: Breach) -> QuerySet[Customer]:
    already = deliveries(breach).filter(customer__isnull=False).values("customer_id")
    return (Customer.objects.filter(pk__in=AffectedPerson.objects.filter(breach=breach).values("customer_id"))
            .exclude(status=Customer.Status.DELETED).exclude(pk__in=already))


def notice_context(breach: Breach, texts: Mapping[str, str], contact_point: str) -> dict[str, Any]:
    return {"reference": breach.reference, "contact_point": contact_point,
            **{name: texts[name].strip() for name in TEXT_FIELDS}}


@transaction.atomic
def subject_notice_send(
    *,
    breach: Breach,
    texts: Mapping[str, str],
    actor: AbstractBaseUser | None,
    now: datetime,
    contact_point: str = "",
) -> NoticeCampaign:
    """Send the Art. 34 notice to every affected person not yet sent it for this breach."""
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    if breach.risk_level != Breach.Risk.HIGH:
        raise Conflict("Only a breach assessed as high risk is notified to the people affected "
                       "(GDPR Art. 34(1)); record that assessment, with its reasoning, first.")
    missing = {name: ["Required (English and Romanian)."] for name in TEXT_FIELDS
               if not str(texts.get(name) or "").strip()}
    if missing:
        raise ValidationError(missing)
    recipients = not_yet_noticed(breach)
    if not recipients.exists():
        raise Conflict("Nobody to notify: record the people affected first, or everyone recorded "
                       "has already been sent this notice.")
    return campaign_create(
        kind=NoticeCampaign.Kind.BREACH,
        title=f"{breach.reference}: high-risk breach notice (Art. 34)",
        recipients=((customer, None) for customer in recipients.order_by("pk").iterator()),
        template=TEMPLATE,
        context=notice_context(breach, texts, contact_point.strip() or breach.contact_point),
        created_by=actor,
        source=breach,
        now=now,
    )
