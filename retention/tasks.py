"""Celery entry points: thin wrappers over the job runner."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task

from .runner import run_jobs


@shared_task(name="retention.tasks.run_privacy_jobs_task")
def run_privacy_jobs_task(as_of: str | None = None, only: list[str] | None = None) -> dict[str, object]:
    """Beat calls this hourly; every job decides what is due as of now."""
    when = datetime.fromisoformat(as_of) if as_of else None
    return run_jobs(as_of=when, only=only, trigger="beat").as_dict()
