"""Celery entry points of the accounts app: thin wrappers that take ids, load, call the service."""

from __future__ import annotations

from celery import shared_task

from .erasure import run_erasure
from .models import Erasure


@shared_task(name="accounts.tasks.run_erasure_task", acks_late=True)
def run_erasure_task(erasure_id: int) -> str:
    """Run (or resume) one erasure in a worker; queue it with ``transaction.on_commit``.

    Safe to deliver twice or after a worker died: finished steps are skipped, and a second
    worker finds the erasure locked and returns at once.
    """
    return run_erasure(Erasure.objects.get(pk=erasure_id)).status
