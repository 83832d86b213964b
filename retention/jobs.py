"""Scheduled jobs of the retention app (micropim_privacy/jobs.py registry).

- ``purge_<category>``: one per registry category this service holds, generated from
  ``CATEGORIES`` — adding a category to the registry adds its purge; changing a period
  changes what the purge selects. Each deletes or anonymises what has passed its period as
  of the run's ``as_of``, skips what a legal hold covers, and records a ``PurgeRun``.
- ``create_partitions``: keeps the partitioned tables' partitions created ahead (and moves
  rows that waited in the DEFAULT partition into partitions of their own).
"""

from __future__ import annotations

from datetime import datetime

from django.db import models

from micropim_privacy.jobs import JobFunc, privacy_job
from micropim_privacy.policy import CATEGORIES, Category, category

from . import partitions
from .purge import purge_category, resolve_model

PARTITIONS_ORDER = 400
PURGE_ORDER = 500


def _describe(c: Category) -> str:
    end = {"delete": "delete", "anonymise": "anonymise", "keep": "keep"}[c.at_end.value]
    return f"§{c.section}: {end} {c.name.lower()} — {c.retention_text} (from {c.counts_from.value})"


def _purge_job(key: str) -> JobFunc:
    def run(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
        return purge_category(category=category(key), as_of=as_of, dry_run=dry_run)

    run.__name__ = run.__qualname__ = f"purge_{key}"
    return run


PURGED_CATEGORIES = tuple(c for c in CATEGORIES if c.held_by_this_service)
for _category in PURGED_CATEGORIES:
    privacy_job(f"purge_{_category.key}", _describe(_category), order=PURGE_ORDER)(
        _purge_job(_category.key))


def partitioned_models() -> dict[type[models.Model], list[Category]]:
    """Models with a ``partitioning`` scheme, with the registry categories held in them."""
    found: dict[type[models.Model], list[Category]] = {}
    for c in CATEGORIES:
        for label in c.held_in:
            model = resolve_model(label)
            if model is not None and partitions.scheme(model) is not None and c.retention:
                found.setdefault(model, []).append(c)
    return found


@privacy_job("create_partitions",
             "Create server-log (daily) and usage-event (monthly) partitions ahead, and for rows "
             "waiting in the DEFAULT partition (PostgreSQL only)", order=PARTITIONS_ORDER)
def create_partitions(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    created = 0
    for model, cats in partitioned_models().items():
        if not partitions.is_partitioned(model):
            continue  # SQLite (`make run`): plain tables
        # From the oldest instant still inside its period: older rows are already purged.
        since = min(c.cutoff(as_of) or as_of for c in cats)
        if dry_run:
            created += len(partitions.missing_partitions(model, since=since, until=as_of))
        else:
            created += len(partitions.ensure_partitions(model, since=since, until=as_of))
    return {"created": created}
