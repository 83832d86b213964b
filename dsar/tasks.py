"""Celery entry points: thin wrappers that take ids, load, and call the service."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from .package.builder import package_build

log = logging.getLogger(__name__)


@shared_task(name="dsar.tasks.build_access_package", acks_late=True)
def build_access_package(package_id: int) -> str:
    """Build one access package (§7.1, §7.5), streaming to S3; queued after commit."""
    package = package_build(package_id=package_id, now=timezone.now())
    return package.state if package is not None else "skipped"


def queue_build(package_id: int) -> None:
    """Queue a build; with the broker down the package stays "building" and the
    ``dsar_packages`` job queues it again later (nothing is lost, no error reaches the user)."""
    try:
        build_access_package.delay(package_id)
    except Exception as exc:  # noqa: BLE001 — any broker failure
        log.warning("could not queue access package %s (%s); dsar_packages will retry",
                    package_id, type(exc).__name__)
