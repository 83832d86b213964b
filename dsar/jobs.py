"""Scheduled jobs of the dsar app (run by ``run_privacy_jobs`` and beat; each decides what is due).

| job | what | when | re-run |
|---|---|---|---|
| dsar_daily_digest | each privacy officer: overdue requests and those due within 7 days | once per UTC day, however often the runner runs | safe: one email per officer per day (dedupe key) |
| dsar_identity_documents_sweep | deletes identity material of closed requests (§7.10) | every run | safe |
| dsar_packages | purges expired access packages from S3; re-queues builds a dead worker left | every run | safe |
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q

from accounts.notifications import notify
from accounts.roles import PRIVACY_OFFICER
from micropim_privacy.jobs import privacy_job
from micropim_privacy.policy import category

from . import conf
from .models import AccessPackage, DataSubjectRequest, IdentityDocument, RequestEvent
from .selectors import due_soon, overdue
from .timeline import record
from .vault import documents_delete

MAX_BUILD_ATTEMPTS = 3


def privacy_officers() -> list[User]:
    return list(User.objects.filter(Q(groups__name=PRIVACY_OFFICER) | Q(is_superuser=True),
                                    is_active=True).exclude(email="").distinct().order_by("pk"))


@privacy_job("dsar_daily_digest", "Daily digest to privacy officers: overdue and due-this-week requests",
             order=600)
def dsar_daily_digest(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    late = list(overdue(as_of))
    soon = list(due_soon(as_of))
    officers = privacy_officers()
    counts = {"overdue": len(late), "due_soon": len(soon), "officers": len(officers), "sent": 0}
    if not (late or soon) or dry_run:
        return counts
    day = as_of.date().isoformat()
    for officer in officers:
        note = notify(
            kind="request_digest", to_email=officer.email, language="en",
            context={"overdue": late, "due_soon": soon, "as_of": as_of, "officer": officer,
                     "days": conf.due_soon_days(), "admin_url": f"{conf.public_base_url()}/admin/dsar/"},
            dedupe_key=f"dsar-digest:{officer.pk}:{day}", now=as_of,
        )
        counts["sent"] += note is not None
    return counts


@privacy_job("dsar_identity_documents_sweep",
             "Delete identity-verification material of closed requests (§7.10)", order=500)
def dsar_identity_documents_sweep(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    # Registry: "identity_verification" is kept until the request is processed (0 days after close).
    cutoff = category("identity_verification").cutoff(as_of) or as_of
    closed = (DataSubjectRequest.objects.filter(closed_at__lte=cutoff, identity_documents__isnull=False)
              .select_related("customer").distinct())
    counts = {"requests": 0, "deleted": 0, "held": 0}
    for dsr in closed.iterator(chunk_size=200):
        counts["requests"] += 1
        pending = IdentityDocument.objects.filter(request=dsr).count()
        if dry_run:
            counts["deleted"] += pending
            continue
        deleted = documents_delete(dsr=dsr, actor="system", now=as_of,
                                   why="§7.10: request closed; swept by dsar_identity_documents_sweep")
        counts["deleted"] += deleted
        counts["held"] += pending - deleted
    return counts


@privacy_job("dsar_packages", "Purge expired access packages; re-queue builds a dead worker left",
             order=510)
def dsar_packages(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    from .package.delivery import package_purge
    from .tasks import queue_build

    expired = AccessPackage.objects.filter(state=AccessPackage.State.READY, expires_at__lte=as_of)
    stuck_before = as_of - timedelta(seconds=conf.package_stuck_after_seconds())
    stuck = AccessPackage.objects.filter(state=AccessPackage.State.BUILDING, started_at__lt=stuck_before)
    counts = {"purged": 0, "requeued": 0, "failed": 0}
    if dry_run:
        counts["purged"] = expired.count()
        counts["requeued"] = stuck.filter(attempts__lt=MAX_BUILD_ATTEMPTS).count()
        counts["failed"] = stuck.filter(attempts__gte=MAX_BUILD_ATTEMPTS).count()
        return counts
    for package in expired.select_related("request").iterator(chunk_size=100):
        counts["purged"] += package_purge(package=package, now=as_of)
    for package in stuck.select_related("request"):
        if package.attempts >= MAX_BUILD_ATTEMPTS:
            AccessPackage.objects.filter(pk=package.pk).update(state=AccessPackage.State.FAILED)
            record(dsr=package.request, kind=RequestEvent.Kind.PACKAGE, actor="system", now=as_of,
                   reason=f"package build failed {package.attempts} times; build it again from the admin",
                   package=str(package.public_id))
            counts["failed"] += 1
            continue
        AccessPackage.objects.filter(pk=package.pk).update(started_at=as_of)
        transaction.on_commit(lambda pk=package.pk: queue_build(pk))
        counts["requeued"] += 1
    return counts


@privacy_job("dsar_erasure_answers",
             "Answer erasure requests whose erasure the engine finished on a later run (§7.3)", order=220)
def dsar_erasure_answers(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    from .erasure import erasure_answers_due

    return erasure_answers_due(as_of=as_of, dry_run=dry_run)
