"""The registry-driven purge: one category, as of one instant.

Design note (after zulip's retention.py): a deletion bug cannot be undone, so this module
keeps the rules few and visible.
- What has passed its period is decided only by the registry (``Category.cutoff``) and the
  model's retention protocol (``retained.py``); nothing here knows a period.
- A legal hold (§5.5) is read once at the start; held rows are counted, never touched.
- Work is done in batches, one short transaction each (a crash loses at most the batch in
  flight, which rolls back), or by dropping whole expired partitions. Re-running finishes the
  job and changes nothing more: the same cut-off selects only what is still there.
- A dry run counts exactly what a real run would do, with the same queries.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from micropim_privacy.policy import AWS_S3, AtEnd, Category

from . import conf, partitions
from .models import PurgeRun
from .retained import (
    MODEL_LABEL,
    customer_field,
    declares_retention,
    expired_rows,
    has_custom_expiry,
    resolve_model,
    timestamp_field,
)
from .selectors import Holds

log = logging.getLogger(__name__)


@dataclass
class Tally:
    counted: int = 0
    deleted: int = 0
    anonymised: int = 0
    held: int = 0
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"counted": self.counted, "deleted": self.deleted,
                "anonymised": self.anonymised, "held": self.held}


# -- outside systems: (category key, system) -> purge; each sits in its own small module --

ExternalPurge = Callable[..., None]


def _external_purges() -> dict[tuple[str, str], ExternalPurge]:
    from .backups import purge_backups

    return {("backups", AWS_S3): purge_backups}


# -- models ------------------------------------------------------------------------------


def _delete(model: type[models.Model], batch: models.QuerySet[Any]) -> int:
    custom = getattr(model, "retention_delete", None)
    if custom is not None:
        return int(custom(batch))
    _, per_model = batch.delete()
    return per_model.get(model._meta.label, 0)


def _anonymise(batch: models.QuerySet[Any]) -> int:
    if hasattr(batch, "roll_up"):
        return int(batch.roll_up())
    return int(batch.anonymise())  # type: ignore[attr-defined]


def purge_model(model: type[models.Model], category: Category, *, as_of: datetime,
                dry_run: bool, holds: Holds, tally: Tally) -> None:
    """Counts go into ``tally`` as the work is done, so a failed run still shows what it did."""
    label = model._meta.label
    expired = expired_rows(model, category, as_of)
    if holds.everyone:
        counted = expired.count()
        tally.counted += counted
        tally.held += counted
        if counted:
            tally.notes.append(f"{label}: the whole category is under a legal hold (§5.5)")
        return
    held_q: Q | None = None
    held = 0
    who = customer_field(model)
    if holds.customer_ids and who:
        held_q = Q(**{f"{who}__in": holds.customer_ids})
        held = expired.filter(held_q).count()  # partitions with held rows are never dropped
    tally.held += held
    outcome = "anonymised" if category.at_end == AtEnd.ANONYMISE else "deleted"

    def progress(n: int) -> None:
        setattr(tally, outcome, getattr(tally, outcome) + n)

    if dry_run:
        counted = expired.count()
        tally.counted += counted
        progress(counted - held)
        return
    if partitions.is_partitioned(model) and not has_custom_expiry(model):
        # Whole partitions are counted as they are dropped (exactly, under their lock), so the
        # expired rows are scanned once, not twice; `counted` ends the same as a dry run's.
        def dropped(n: int) -> None:
            tally.counted += n
            progress(n)

        _drop_expired_partitions(model, category, as_of, holds, dropped)
    rest = expired.count()  # what no dropped partition took: counted before it is touched
    tally.counted += rest
    purgeable = expired.exclude(held_q) if held_q is not None else expired
    _in_batches(model, category, as_of, purgeable, progress, expected=rest - held)


# Partitions dropped per transaction: daily ones are small; an anonymising (rolling-up) drop
# does real work per partition, so one at a time.
DROP_GROUP = 16


def _drop_expired_partitions(model: type[models.Model], category: Category, as_of: datetime,
                             holds: Holds, progress: Callable[[int], None]) -> int:
    """Whole partitions entirely before the cut-off go at once — unless they hold a held
    customer's rows; those partitions are purged row by row instead, the held rows kept."""
    scheme = partitions.scheme(model)
    cutoff = category.cutoff(as_of)
    assert scheme is not None and cutoff is not None
    assert timestamp_field(model, category) == scheme.column
    who = customer_field(model)
    column = model._meta.get_field(who).column if who else ""
    droppable = [
        p for p in partitions.list_partitions(model)
        if p.hi is not None and p.hi <= cutoff
        and not (column and partitions.has_rows_of(p, column=column, ids=list(holds.customer_ids)))
    ]
    before_drop = None
    group_size = DROP_GROUP
    if category.at_end == AtEnd.ANONYMISE:
        def before_drop(p: partitions.Partition) -> Any:
            return model.roll_up_partition(p.name)  # type: ignore[attr-defined]
        group_size = 1
    done = 0
    for start in range(0, len(droppable), group_size):
        rows = partitions.drop_partitions(droppable[start:start + group_size], before_drop=before_drop)
        progress(rows)
        done += rows
    if droppable:
        log.info("purge %s: dropped %d partition(s), %s to %s", category.key, len(droppable),
                 droppable[0].name, droppable[-1].name)
    return done


def _in_batches(model: type[models.Model], category: Category, as_of: datetime,
                purgeable: models.QuerySet[Any], progress: Callable[[int], None], *,
                expected: int) -> int:
    size = conf.purge_batch_size()
    anonymise = category.at_end == AtEnd.ANONYMISE
    # Partitioned: name the batch's time span too, so each row is looked up in its partition.
    column = timestamp_field(model, category) if partitions.is_partitioned(model) else ""
    done = 0
    max_batches = max(expected, 0) // size + 100
    for _ in range(max_batches):
        with transaction.atomic():
            if column:
                rows = list(purgeable.values_list("pk", column)[:size])
                stamps = [r[1] for r in rows]
                batch = model._default_manager.filter(
                    pk__in=[r[0] for r in rows],
                    **({f"{column}__gte": min(stamps), f"{column}__lte": max(stamps)} if rows else {}))
            else:
                # One statement, the same a hand-written batched DELETE would send.
                batch = model._default_manager.filter(pk__in=purgeable.values("pk")[:size])
            n = _anonymise(batch) if anonymise else _delete(model, batch)
        if n == 0:
            return done
        progress(n)
        done += n
    raise RuntimeError(f"purge of {model._meta.label} did not converge: rows stay expired")


# -- one category ------------------------------------------------------------------------


def purge_stores(category: Category, *, as_of: datetime, dry_run: bool, tally: Tally) -> None:
    """Every place the registry says this category is held in, one after the other."""
    holds = Holds.for_category(category.key)
    if category.retention is None or category.at_end == AtEnd.KEEP:
        tally.notes.append(f"kept: the registry sets no purge ({category.retention_text})")
        return
    external = _external_purges()
    for place in category.held_in:
        if (category.key, place) in external:
            external[(category.key, place)](category=category, as_of=as_of, dry_run=dry_run,
                                            holds=holds, tally=tally)
            continue
        if not MODEL_LABEL.match(place):
            tally.notes.append(f"{place}: outside system, not purged by this job")
            continue
        model = resolve_model(place)
        if model is None:
            tally.notes.append(f"{place}: model not installed yet — nothing purged")
        elif not declares_retention(model, category):
            tally.notes.append(f"{place}: declares no retention timestamp for "
                               f"{category.key} — not purged by this job")
        else:
            purge_model(model, category, as_of=as_of, dry_run=dry_run, holds=holds, tally=tally)


def purge_category(*, category: Category, as_of: datetime, dry_run: bool) -> dict[str, int]:
    """Purge one registry category as of ``as_of`` and record a ``PurgeRun`` (not for dry runs)."""
    tally = Tally()
    if dry_run:
        purge_stores(category, as_of=as_of, dry_run=True, tally=tally)
        return tally.counts()
    # The job runner holds this job's lock: a run still marked "running" died with its process.
    PurgeRun.objects.filter(category_key=category.key, outcome=PurgeRun.Outcome.RUNNING).update(
        outcome=PurgeRun.Outcome.INTERRUPTED)
    run = PurgeRun.objects.create(category_key=category.key, as_of=as_of)
    started = time.monotonic()
    try:
        purge_stores(category, as_of=as_of, dry_run=False, tally=tally)
    except Exception as exc:
        run.outcome = PurgeRun.Outcome.FAILED
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
        raise
    else:
        run.outcome = PurgeRun.Outcome.OK
    finally:
        for name, value in tally.counts().items():
            setattr(run, name, value)
        run.notes = "\n".join(tally.notes)
        run.finished_at = timezone.now()
        run.duration_ms = int((time.monotonic() - started) * 1000)
        run.save()
    return tally.counts()
