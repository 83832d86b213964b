"""Reads shared by the API and the admin: the registry's schedule, legal holds, the purge plan."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import Count, Q

from micropim_privacy.policy import CATEGORIES, Category

from .models import LegalHold, PurgeRun
from .retained import (
    declares_retention,
    expired_rows,
    has_custom_expiry,
    resolve_model,
    timestamp_field,
)


def schedule_row(c: Category) -> dict[str, Any]:
    return {
        "key": c.key,
        "name": c.name,
        "section": c.section,
        "data": c.data,
        "purpose": c.purpose,
        "legal_basis": [f"Art. 6(1)({b.value})" for b in c.basis],
        "legal_basis_text": c.basis_text,
        "retention": c.retention_text,
        "retention_period": str(c.retention) if c.retention is not None else None,
        "counts_from": c.counts_from.value,
        "at_end": c.at_end.value,
        "recipients": list(c.recipients),
        "held_in": list(c.held_in),
        "source": c.source,
    }


def retention_schedule() -> list[dict[str, Any]]:
    return [schedule_row(c) for c in CATEGORIES]


# -- legal holds (§5.5) ------------------------------------------------------------------------


@dataclass(frozen=True)
class Holds:
    """§5.5 holds that cover a category: for everyone, or for some customers."""

    everyone: bool
    customer_ids: tuple[int, ...]

    @classmethod
    def for_category(cls, key: str) -> Holds:
        active = LegalHold.objects.filter(lifted_at__isnull=True).filter(
            Q(category_key="") | Q(category_key=key))
        everyone = active.filter(customer__isnull=True, category_key=key).exists()
        ids = active.filter(customer__isnull=False).values_list("customer_id", flat=True)
        return cls(everyone=everyone, customer_ids=tuple(sorted(set(ids))))



# -- the purge schedule (admin) ----------------------------------------------------------------


@dataclass(frozen=True)
class CategorySchedule:
    category: Category
    due_now: int  # already past their period (a purge is late, or a hold keeps them)
    by_day: list[tuple[date, int]]  # rows whose period ends that day (UTC), the next N days
    held_everyone: bool
    held_customers: int
    last_run: PurgeRun | None
    not_counted: list[str]  # places held in that this schedule cannot count (outside systems)

    @property
    def total(self) -> int:
        return sum(n for _, n in self.by_day)

    @property
    def busy_days(self) -> list[tuple[date, int]]:
        return [(d, n) for d, n in self.by_day if n]


def _model_schedule(model: type[models.Model], c: Category, bounds: list[datetime]) -> list[int]:
    """Rows already expired at ``bounds[0]``, then rows expiring between consecutive bounds."""
    field = timestamp_field(model, c)
    if field and not has_custom_expiry(model):
        # One query. A row expires once ``instant - period`` passes its timestamp.
        cutoffs = [c.cutoff(b) for b in bounds]
        aggregates = {"due": Count("pk", filter=Q(**{f"{field}__lt": cutoffs[0]}))}
        for i, (lo, hi) in enumerate(itertools.pairwise(cutoffs)):
            aggregates[f"d{i}"] = Count("pk", filter=Q(**{f"{field}__gte": lo, f"{field}__lt": hi}))
        row = model._default_manager.aggregate(**aggregates)
        return [row["due"], *(row[f"d{i}"] for i in range(len(bounds) - 1))]
    # Any other rule (e.g. "or consent withdrawn"): differences of what has expired by each bound.
    totals = [expired_rows(model, c, b).count() for b in bounds]
    return [totals[0], *(b - a for a, b in itertools.pairwise(totals))]


def purge_schedule(*, as_of: datetime, days: int = 30) -> list[CategorySchedule]:
    """Per category this service purges: what is due now, what falls due on each of the next
    ``days`` days (UTC; today counts from ``as_of``), its holds and its last purge run."""
    today = as_of.astimezone(UTC).date()
    midnight = datetime(today.year, today.month, today.day, tzinfo=UTC)
    bounds = [as_of, *(midnight + timedelta(days=i) for i in range(1, days + 1))]
    labels = [today + timedelta(days=i) for i in range(days)]
    schedule = []
    for c in CATEGORIES:
        if not c.held_by_this_service:
            continue
        holds = Holds.for_category(c.key)
        totals = [0] * len(bounds)
        not_counted = []
        for place in c.held_in:
            model = resolve_model(place)
            if model is None or c.retention is None or not declares_retention(model, c):
                not_counted.append(place)
                continue
            totals = [a + b for a, b in zip(totals, _model_schedule(model, c, bounds), strict=True)]
        schedule.append(CategorySchedule(
            category=c, due_now=totals[0], by_day=list(zip(labels, totals[1:], strict=True)),
            held_everyone=holds.everyone, held_customers=len(holds.customer_ids),
            last_run=PurgeRun.objects.filter(category_key=c.key).first(), not_counted=not_counted,
        ))
    return schedule
