"""Reads shared by the admin, the API, the portal and the jobs."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet

from accounts.models import ApiClient, Customer, Notification

from . import conf
from .models import OPEN, AccessPackage, DataSubjectRequest, RequestEvent


def open_requests() -> QuerySet[DataSubjectRequest]:
    return DataSubjectRequest.objects.filter(status__in=list(OPEN))


def overdue(as_of: datetime) -> QuerySet[DataSubjectRequest]:
    return open_requests().filter(due_at__lt=as_of).order_by("due_at")


def due_soon(as_of: datetime) -> QuerySet[DataSubjectRequest]:
    """Open and falling due within ``conf.due_soon_days()`` (the digest's second list)."""
    return open_requests().filter(
        due_at__gte=as_of, due_at__lte=as_of + timedelta(days=conf.due_soon_days())).order_by("due_at")


def deadline_filter(state: str, now: datetime) -> Q:
    """The admin's "overdue" filter, as a query (same edges as ``deadline_state``)."""
    soon = now + timedelta(days=conf.due_soon_days())
    is_open = Q(status__in=list(OPEN))
    return {
        "overdue": is_open & Q(due_at__lt=now),
        "due_soon": is_open & Q(due_at__gte=now, due_at__lte=soon),
        "on_track": is_open & Q(due_at__gt=soon),
    }[state]


def _uuid(value: Any) -> UUID | None:
    try:
        return UUID(str(value))
    except ValueError:
        return None


def requests_for_customer(customer: Customer) -> QuerySet[DataSubjectRequest]:
    """The portal's list: this customer's requests only."""
    return DataSubjectRequest.objects.filter(customer=customer).order_by("-received_at")


def request_for_customer(customer: Customer, public_id: Any) -> DataSubjectRequest | None:
    """One request, only if it is this customer's (a stranger's id reads as not found)."""
    uid = _uuid(public_id)
    return requests_for_customer(customer).filter(public_id=uid).first() if uid else None


def request_for_client(client: ApiClient, public_id: Any) -> DataSubjectRequest | None:
    """A calling system reads the requests it filed."""
    uid = _uuid(public_id)
    return DataSubjectRequest.objects.filter(api_client=client, public_id=uid).first() if uid else None


def package_for_customer(customer: Customer, public_id: Any) -> AccessPackage | None:
    uid = _uuid(public_id)
    if uid is None:
        return None
    return AccessPackage.objects.select_related("request").filter(
        public_id=uid, request__customer=customer).first()


def latest_package(dsr: DataSubjectRequest) -> AccessPackage | None:
    return dsr.packages.order_by("-started_at").first()


def timeline(dsr: DataSubjectRequest) -> QuerySet[RequestEvent]:
    return dsr.events.select_related("notification").order_by("at", "id")


def communications(dsr: DataSubjectRequest) -> QuerySet[Notification]:
    ids = dsr.events.filter(notification__isnull=False).values("notification_id")
    return Notification.objects.filter(pk__in=ids).order_by("created_at", "id")
