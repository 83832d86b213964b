"""A purge that fails half-way leaves whole rows deleted or kept, and the next run finishes it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import DatabaseError, connection

from accounts.models import Notification
from consent import jobs
from consent.marketing import marketing_send
from consent.models import Subscription, email_hash
from consent.services import marketing_unsubscribe
from consent.tokens import Recipient

from .conftest import subscribe_and_confirm

pytestmark = pytest.mark.django_db
T = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
EMAILS = ["a@example.com", "b@example.com", "c@example.com"]

FAIL_ON_B = """
CREATE FUNCTION consent_test_fail() RETURNS trigger AS $$
BEGIN
  IF OLD.email = 'b@example.com' THEN RAISE EXCEPTION 'disk on fire'; END IF;
  RETURN OLD;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER consent_test_fail BEFORE DELETE ON consent_subscription
  FOR EACH ROW EXECUTE FUNCTION consent_test_fail();
"""


def test_a_crash_half_way_loses_nothing_and_the_rerun_completes(monkeypatch: pytest.MonkeyPatch) -> None:
    for email in EMAILS:
        subscribe_and_confirm(email, now=T)
        marketing_send(email=email, campaign="c1", context={"body_text": "News"}, now=T)
        marketing_unsubscribe(recipient=Recipient(email_hash(email), None), source="one-click", now=T)
    monkeypatch.setattr(jobs, "BATCH", 1)
    later = T + timedelta(days=30)
    with connection.cursor() as cursor:
        cursor.execute(FAIL_ON_B)
    with pytest.raises(DatabaseError):
        jobs.purge_unsubscribed_marketing(as_of=later, dry_run=False)
    # a's batch committed whole; b's batch rolled back whole (its copy of the email too); c untouched
    assert sorted(Subscription.objects.values_list("email", flat=True)) == EMAILS[1:]
    assert sorted(Notification.objects.filter(kind="marketing_news").values_list("to_email", flat=True)) == [
        "", *EMAILS[1:]]
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER consent_test_fail ON consent_subscription; DROP FUNCTION consent_test_fail();")
    assert jobs.purge_unsubscribed_marketing(as_of=later, dry_run=False) == {"deleted": 2}
    assert not Subscription.objects.exists()
    assert set(Notification.objects.filter(kind="marketing_news").values_list("to_email", flat=True)) == {""}
