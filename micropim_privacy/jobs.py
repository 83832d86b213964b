"""The registry of scheduled privacy jobs.

Each app declares its jobs in its own ``jobs.py`` with ``@privacy_job``; ``retention``
discovers them at start-up. A job is a function ``(*, as_of, dry_run) -> dict[str, int]``:
it decides itself what is due as of ``as_of`` (so beat can call every job hourly and a run
after days of downtime catches up), changes nothing when ``dry_run`` is true, and returns
counts for the run record. Jobs must be idempotent: running twice for the same ``as_of``
changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

JobFunc = Callable[..., dict[str, int]]


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    func: JobFunc
    order: int = 100

    def __call__(self, *, as_of: datetime, dry_run: bool) -> dict[str, int]:
        return self.func(as_of=as_of, dry_run=dry_run)


JOBS: dict[str, Job] = {}


def privacy_job(name: str, description: str, *, order: int = 100) -> Callable[[JobFunc], JobFunc]:
    """Register a job. ``order`` runs e.g. erasure before the purges that follow it."""

    def register(func: JobFunc) -> JobFunc:
        JOBS[name] = Job(name=name, description=description, func=func, order=order)
        return func

    return register


def ordered_jobs(only: list[str] | None = None) -> list[Job]:
    if only:
        unknown = sorted(set(only) - JOBS.keys())
        if unknown:
            raise KeyError(", ".join(unknown))
        selected = [JOBS[n] for n in only]
    else:
        selected = list(JOBS.values())
    return sorted(selected, key=lambda j: (j.order, j.name))


@contextmanager
def temporary_jobs(*jobs: Job, replace: bool = True) -> Iterator[None]:
    """For tests: run with exactly these jobs registered (or these added)."""
    saved = dict(JOBS)
    if replace:
        JOBS.clear()
    JOBS.update({j.name: j for j in jobs})
    try:
        yield
    finally:
        JOBS.clear()
        JOBS.update(saved)
