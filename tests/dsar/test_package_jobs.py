"""A package build a dead worker left behind is queued again by `dsar_packages` (three
attempts, then marked failed for the officer); a dry run changes nothing."""

from __future__ import annotations

from dsar.jobs import dsar_packages
from dsar.models import AccessPackage
from tests.conftest import NOW

from .conftest import days


def test_a_stuck_build_is_queued_again_then_given_up(customer_a, verified, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    dsr = verified("access", customer=customer_a)
    package = AccessPackage.objects.create(request=dsr, started_at=NOW, attempts=1)
    assert dsar_packages(as_of=NOW + days(1) / 48, dry_run=False)["requeued"] == 0  # 30 min: still running
    assert dsar_packages(as_of=NOW + days(1), dry_run=True) == {"purged": 0, "requeued": 1, "failed": 0}
    package.refresh_from_db()
    assert package.started_at == NOW  # the dry run changed nothing
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert dsar_packages(as_of=NOW + days(1), dry_run=False)["requeued"] == 1
    assert len(queued) == 1
    package.refresh_from_db()
    assert package.state == "building" and package.started_at == NOW + days(1)
    AccessPackage.objects.filter(pk=package.pk).update(attempts=3)
    assert dsar_packages(as_of=NOW + days(2), dry_run=False)["failed"] == 1
    package.refresh_from_db()
    assert package.state == "failed"
    assert dsr.events.filter(kind="package", reason__contains="failed 3 times").exists()


def test_with_the_broker_down_the_request_is_still_taken(customer_a, verified, monkeypatch, caplog,  # type: ignore[no-untyped-def]
                                                        privacy_officer) -> None:
    from kombu.exceptions import OperationalError

    from dsar import tasks
    from dsar.fulfilment import request_fulfil

    def broker_down(*args: object, **kwargs: object) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.build_access_package, "delay", broker_down)
    dsr = verified("access", customer=customer_a)
    request_fulfil(dsr=dsr, actor=privacy_officer, now=NOW)  # the on_commit queueing fails softly
    tasks.queue_build(AccessPackage.objects.get(request=dsr).pk)
    assert "could not queue access package" in caplog.text
    assert AccessPackage.objects.get(request=dsr).state == "building"  # dsar_packages retries it
